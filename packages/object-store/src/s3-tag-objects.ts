import { PutObjectTaggingCommand } from '@aws-sdk/client-s3';
import { isMissing } from './s3-error-mapping';
import type { S3Location } from './s3-location';

export interface TagObjects {
  readonly keys: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  /** PutObjectTagging requests at a time (S3 tags one object a request). */
  readonly concurrency: number;
}

/** Replaces each object's tag set; a missing object is skipped (nothing left to expire). */
export async function tagObjects(at: S3Location, { keys, tags, concurrency }: TagObjects): Promise<void> {
  const TagSet = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < keys.length; i = next++) {
      const key = keys[i] as string;
      try {
        await at.client.send(
          new PutObjectTaggingCommand({ Bucket: at.bucket, Key: at.prefix + key, Tagging: { TagSet } }),
        );
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, keys.length) }, worker));
}
