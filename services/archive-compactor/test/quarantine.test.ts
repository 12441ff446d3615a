import type { ObjectStore } from '@github-webhooks/object-store';
import { compactPending, quarantineKey } from '../src';
import {
  at,
  example,
  gz,
  H10,
  hourlyLines,
  keys,
  line,
  manifestOf,
  payloadObject,
  rawKey,
  rec,
} from './support/archive';
import { everyStore, LATER, type TaggedStore, trimmed } from './support/compaction';

describe.each(everyStore())('quarantine and payload references on $name', (stores) => {
  let store: TaggedStore;
  beforeEach(async () => {
    store = await stores.make();
  });
  afterAll(() => stores.cleanup());

  it('quarantines broken lines and a truncated gzip tail, counts them, and still disposes the object', async () => {
    const good = rec('good', at(H10, 5), 1);
    const big = rec('big', at(H10, 6), 10);
    const broken = line(rec('broken', at(H10, 7), 2)).slice(0, 200);
    const lines = [
      line(good),
      `${broken}\n`,
      'not json at all\n',
      '{"delivery_id":"no-fields"}\n',
      line(big),
    ];
    const whole = gz(lines.join(''));
    const key = rawKey(H10, 'corrupt');
    await store.write(key, whole.subarray(0, whole.length - 400));

    const report = await compactPending({ store, now: LATER, latenessMs: 0 });
    expect(report).toMatchObject({ quarantined: 4, rawDeleted: 1 });
    expect(await hourlyLines(store, 'hourly/2026/11/28/10.ndjson.gz')).toEqual(trimmed([good]));
    expect((await manifestOf(store, '2026/11/28/10')).quarantined).toBe(4);
    const qKey = quarantineKey(H10, key);
    expect(qKey).toMatch(/^quarantine\/2026\/11\/28\/10\/github-webhooks-1-corrupt-[0-9a-f]{8}\.ndjson$/);
    const entries = (await store.readAll(qKey))
      .toString()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { source: string; hour: string; reason: string; text: string });
    expect(entries.map((e) => [e.source, e.hour])).toEqual(Array(4).fill([key, '2026-11-28T10']));
    expect(entries.map((e) => e.text.slice(0, 40))).toEqual([
      broken.slice(0, 40),
      'not json at all',
      '{"delivery_id":"no-fields"}',
      line(big).slice(0, 40),
    ]);
    expect(entries[3]?.reason).toMatch(/^corrupt or truncated gzip/);
    expect(await keys(store, 'raw/')).toEqual([]);
  });

  it('puts oversize payloads inline and quarantines references that do not resolve', async () => {
    const inline = rec('inline', at(H10, 1), 11);
    const refd = rec('refd', at(H10, 2), 12);
    const missing = rec('missing', at(H10, 3), 13);
    const tampered = rec('tampered', at(H10, 4), 14);
    const stored = payloadObject('refd', 12);
    await store.write(stored.ref.key, stored.body);
    const wrong = payloadObject('tampered', 14);
    await store.write(wrong.ref.key, payloadObject('tampered', 15).body);
    const lines = [
      line(inline),
      line(refd, { payloadRef: stored.ref }),
      line(missing, { payloadRef: payloadObject('missing', 13).ref }),
      line(tampered, { payloadRef: wrong.ref }),
    ];
    const key = rawKey(H10, 'refs');
    await store.write(key, gz(lines.join('')));

    const report = await compactPending({ store, now: LATER, latenessMs: 0 });
    expect(report).toMatchObject({ quarantined: 2, newRecords: 2 });
    // Self-contained: the reference replaced by the payload it points to.
    expect(await hourlyLines(store, 'hourly/2026/11/28/10.ndjson.gz')).toEqual(trimmed([inline, refd]));
    expect(JSON.parse(line(refd)).payload).toEqual(example(12).payload);
    expect(await keys(store, 'payloads/')).toEqual([stored.ref.key, wrong.ref.key].sort());
    const reasons = (await store.readAll(quarantineKey(H10, key)))
      .toString()
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { reason: string }).reason);
    expect(reasons).toEqual([
      `payload object ${payloadObject('missing', 13).ref.key} does not exist`,
      expect.stringMatching(/tampered/),
    ]);
  });

  it.each([
    ['AccessDenied', 403],
    ['SlowDown', 503],
  ])(
    'fails the hour (retryably) and deletes nothing when a payload object cannot be read: %s',
    async (name, status) => {
      const refd = rec('unreadable', at(H10, 2), 12);
      const stored = payloadObject('unreadable', 12);
      await store.write(stored.ref.key, stored.body);
      const key = rawKey(H10, 'denied');
      await store.write(key, gz(line(refd, { payloadRef: stored.ref })));
      const denying: ObjectStore = Object.assign(Object.create(store), {
        readAll: async (k: string) => {
          if (k.startsWith('payloads/'))
            throw Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
          return store.readAll(k);
        },
      });
      await expect(compactPending({ store: denying, now: LATER, latenessMs: 0 })).rejects.toMatchObject({
        name,
      });
      expect(await keys(store, 'raw/')).toEqual([key]);
      expect(await keys(store, 'hourly/')).toEqual([]);
      expect(await keys(store, 'quarantine/')).toEqual([]);
      // Once it can be read, the next run compacts it.
      expect(await compactPending({ store, now: LATER, latenessMs: 0 })).toMatchObject({
        newRecords: 1,
        quarantined: 0,
      });
    },
  );
});
