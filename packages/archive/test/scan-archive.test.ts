import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { formatRecordLine, hourlyKey } from '@github-webhooks/events';
import { exampleOf } from '@github-webhooks/fixtures';
import { FsObjectStore } from '@github-webhooks/object-store';
import { scanArchive } from '../src';

const hour = new Date(Date.UTC(2026, 10, 28, 15));
const at = (s: number) => new Date(hour.getTime() + s * 1000);
const push = JSON.stringify(exampleOf('push').payload);
const line = (deliveryId: string, hookId: string | undefined, s: number) =>
  formatRecordLine(
    {
      deliveryId,
      event: 'push',
      receivedAt: at(s),
      public: true,
      ...(hookId === undefined ? {} : { hookId }),
    },
    { payloadText: push },
  );

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scan-archive-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function scan(store: FsObjectStore) {
  const out: string[] = [];
  for await (const { record } of scanArchive(store, { from: hour, to: at(3600) }))
    out.push(`${record.delivery_id}@${record.hook_id ?? '-'}`);
  return out;
}

describe('scanArchive', () => {
  it('yields one GUID once per hook it reached, across the hourly file and raw objects', async () => {
    const store = new FsObjectStore(dir);
    // One event to two hooks (same GUID), one redelivered (same GUID, same hook) and still in raw/.
    await store.write(hourlyKey(hour), gzipSync(line('g-1', '10', 1) + line('g-1', '20', 2)));
    await store.write(
      'raw/2026/11/28/15/part-1',
      Buffer.from(line('g-1', '10', 5) + line('g-1', '20', 6) + line('g-2', '10', 7)),
    );
    expect(await scan(store)).toEqual(['g-1@10', 'g-1@20', 'g-2@10']);
  });
});
