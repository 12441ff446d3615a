import { isNoSuchKey, type ObjectStore } from '@github-webhooks/object-store';
import type { CheckpointStore } from './ports';

/** The checkpoint as one object: `checkpoint.json` in --state-dir, or `reconcile/checkpoint.json` in the bucket. */
export function objectCheckpoint(store: ObjectStore, key: string): CheckpointStore {
  return {
    async read() {
      try {
        return (await store.readAll(key)).toString('utf8');
      } catch (error) {
        if (isNoSuchKey(error)) return undefined;
        throw error;
      }
    },
    async write(text) {
      await store.write(key, Buffer.from(text), { contentType: 'application/json' });
    },
  };
}
