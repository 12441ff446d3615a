import {
  ArchiveFormatError,
  addHours,
  formatRecordLine,
  hourLabel,
  hourlyKey,
  hourOfKey,
  hourPath,
  hourStart,
  manifestKey,
  parseHourLabel,
  parseRecord,
  payloadKey,
  quarantinePrefix,
  rawPrefix,
  recordMeta,
} from '../src';

const at = new Date('2026-11-28T15:06:18.123Z');
const meta = { deliveryId: 'g-1', event: 'push', receivedAt: at, public: true };

describe('formatRecordLine / parseRecord', () => {
  it('writes one newline-terminated line with the documented fields in order', () => {
    const line = formatRecordLine(
      { ...meta, hookId: '9', target: { type: 'organization', id: '42' } },
      { payloadText: '{"a":1}' },
    );
    expect(line.endsWith('}\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    const record = parseRecord(JSON.parse(line));
    expect(Object.keys(record)).toEqual([
      'delivery_id',
      'event',
      'received_at',
      'hook_id',
      'target',
      'public',
      'payload',
    ]);
    expect(record).toEqual({
      delivery_id: 'g-1',
      event: 'push',
      received_at: '2026-11-28T15:06:18.123Z',
      hook_id: '9',
      target: { type: 'organization', id: '42' },
      public: true,
      payload: { a: 1 },
    });
  });

  it('writes payload_ref instead of payload for stored payloads', () => {
    const ref = { key: 'payloads/g-1.json.gz', bytes: 3, sha256: 'a'.repeat(64) };
    const record = parseRecord(JSON.parse(formatRecordLine(meta, { payloadRef: ref })));
    expect(record).toMatchObject({ hook_id: null, target: null, payload_ref: ref });
    expect(record.payload).toBeUndefined();
  });

  it('writes a parsed record again byte for byte', () => {
    const line = formatRecordLine(
      { ...meta, hookId: '9', target: { type: 'repository', id: '7' } },
      { payloadText: '{"a":[1,2]}' },
    );
    const record = parseRecord(JSON.parse(line));
    expect(formatRecordLine(recordMeta(record), { payloadText: JSON.stringify(record.payload) })).toBe(line);
  });

  const valid = JSON.parse(formatRecordLine(meta, { payloadText: '{}' }));
  it.each([
    ['not an object', []],
    ['no delivery_id', { ...valid, delivery_id: '' }],
    ['no event', { ...valid, event: 1 }],
    ['bad received_at', { ...valid, received_at: '2026-11-28' }],
    ['impossible received_at', { ...valid, received_at: '2026-13-45T99:00:00.000Z' }],
    ['bad hook_id', { ...valid, hook_id: 5 }],
    ['bad target', { ...valid, target: { type: 'x' } }],
    ['no public flag', { ...valid, public: 'yes' }],
    ['no payload', { ...valid, payload: undefined }],
    ['both payload and ref', { ...valid, payload_ref: { key: 'k', bytes: 1, sha256: 'a'.repeat(64) } }],
    ['bad ref', { ...valid, payload: undefined, payload_ref: { key: 'k', bytes: 1, sha256: 'xyz' } }],
  ])('rejects a record with %s', (_name, value) => {
    expect(() => parseRecord(value)).toThrow(ArchiveFormatError);
  });
});

describe('archive keys', () => {
  it('lays out raw, hourly, manifest, quarantine and payload keys', () => {
    const hour = hourStart(at);
    expect(hour.toISOString()).toBe('2026-11-28T15:00:00.000Z');
    expect(hourPath(at)).toBe('2026/11/28/15');
    expect(rawPrefix(hour)).toBe('raw/2026/11/28/15/');
    expect(hourlyKey(hour)).toBe('hourly/2026/11/28/15.ndjson.gz');
    expect(manifestKey(hour)).toBe('hourly/2026/11/28/15.manifest.json');
    expect(quarantinePrefix(hour)).toBe('quarantine/2026/11/28/15/');
    expect(payloadKey('g-1')).toBe('payloads/g-1.json.gz');
    expect(hourLabel(hour)).toBe('2026-11-28T15');
    expect(addHours(hour, -16).toISOString()).toBe('2026-11-27T23:00:00.000Z');
  });

  it.each([
    ['raw/2026/11/28/15/stream-1-2026-11-28-15-59-59-uuid.gz', '2026-11-28T15:00:00.000Z'],
    ['hourly/2026/01/02/03.ndjson.gz', '2026-01-02T03:00:00.000Z'],
    ['hourly/2026/01/02/03.manifest.json', '2026-01-02T03:00:00.000Z'],
    ['quarantine/2026/01/02/03/x', '2026-01-02T03:00:00.000Z'],
    ['raw/2026/02/30/01/x', undefined],
    ['payloads/g.json.gz', undefined],
    ['raw/2026/11/28/x', undefined],
  ])('hourOfKey(%s) → %s', (key, iso) => {
    expect(hourOfKey(key)?.toISOString()).toBe(iso);
  });

  it.each([
    ['2026-11-28T15', '2026-11-28T15:00:00.000Z'],
    ['2026/11/28/15', '2026-11-28T15:00:00.000Z'],
    ['2026-11-28T24', undefined],
    ['yesterday', undefined],
  ])('parseHourLabel(%s) → %s', (label, iso) => {
    expect(parseHourLabel(label)?.toISOString()).toBe(iso);
  });
});
