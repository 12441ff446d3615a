import { createHash } from 'node:crypto';
import {
  ArchiveFormatError,
  addHours,
  deliveryKey,
  formatRecordBytes,
  formatRecordLine,
  hourLabel,
  hourlyKey,
  hourOfKey,
  hourPath,
  hourStart,
  isPayloadKeyOf,
  manifestKey,
  PRIVACY_RULES_VERSION,
  parseHourLabel,
  parseRecord,
  payloadKey,
  payloadTextOf,
  quarantinePrefix,
  RECORD_FORMAT_VERSION,
  rawPrefix,
  recordMeta,
} from '../src';

const at = new Date('2026-11-28T15:06:18.123Z');
const meta = { deliveryId: 'g-1', event: 'push', receivedAt: at, public: true };

describe('formatRecordLine / parseRecord', () => {
  it('writes one newline-terminated line with the documented fields in order', () => {
    const line = formatRecordLine(
      {
        ...meta,
        hookId: '9',
        target: { type: 'organization', id: '42' },
        privacy: 'allowlisted',
        repository: 'o/r',
        action: 'opened',
      },
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
      'format_version',
      'privacy',
      'privacy_rules',
      'repository',
      'action',
      'payload_sha256',
      'payload',
    ]);
    expect(record).toEqual({
      delivery_id: 'g-1',
      event: 'push',
      received_at: '2026-11-28T15:06:18.123Z',
      hook_id: '9',
      target: { type: 'organization', id: '42' },
      public: true,
      format_version: RECORD_FORMAT_VERSION,
      privacy: 'allowlisted',
      privacy_rules: PRIVACY_RULES_VERSION,
      repository: 'o/r',
      action: 'opened',
      payload_sha256: createHash('sha256').update('{"a":1}').digest('hex'),
      payload: { a: 1 },
    });
    expect(RECORD_FORMAT_VERSION).toBe(3);
  });

  it('writes the same line from the payload bytes as from its text', () => {
    const payloadText = '{"ref":"refs/heads/\u00e9t\u00e9","n":[1,2]}';
    const bytes = formatRecordBytes(meta, Buffer.from(payloadText));
    expect(bytes.toString('utf8')).toBe(formatRecordLine(meta, { payloadText }));
  });

  it('writes payload_ref instead of payload for stored payloads', () => {
    const ref = { key: `payloads/g-1-${'a'.repeat(64)}.json.gz`, bytes: 3, sha256: 'a'.repeat(64) };
    const record = parseRecord(JSON.parse(formatRecordLine(meta, { payloadRef: ref })));
    expect(record).toMatchObject({
      hook_id: null,
      target: null,
      payload_ref: ref,
      payload_sha256: ref.sha256,
    });
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

  it('reads records of format 1 (written before format_version), which have none of its fields', () => {
    const v1 =
      '{"delivery_id":"g-1","event":"push","received_at":"2026-11-28T15:06:18.123Z","hook_id":null,"target":null,"public":true,"payload":{"a":1}}';
    expect(parseRecord(JSON.parse(v1))).toEqual(JSON.parse(v1));
    expect(payloadTextOf(v1)).toBe('{"a":1}');
    expect(deliveryKey(parseRecord(JSON.parse(v1)), v1)).toBe(
      deliveryKey(parseRecord(JSON.parse(formatRecordLine(meta, { payloadText: '{"a":1}' }))), 'unused'),
    );
  });

  it('keys a format-1 record by its payload reference, or by its re-serialized payload when the line is not its own', () => {
    const ref = { key: 'payloads/g.json.gz', bytes: 1, sha256: 'b'.repeat(64) };
    const byRef = {
      delivery_id: 'g',
      event: 'push',
      received_at: at.toISOString(),
      hook_id: '7',
      target: null,
      public: true,
      payload_ref: ref,
    };
    expect(deliveryKey(byRef, '{}')).toBe(`g/7/${'b'.repeat(16)}`);
    const { payload_ref: _ref, ...rest } = byRef;
    const inline = { ...rest, payload: { a: 1 } };
    expect(deliveryKey(inline, 'not the line')).toBe(
      deliveryKey(inline, '{"payload":{"a":1}}'.replace('{"payload"', '{"x":0,"payload"')),
    );
  });

  it('tells deliveries apart by GUID, hook and payload, never by GUID alone', () => {
    const key = (hookId: string, payloadText: string) => {
      const line = formatRecordLine({ ...meta, hookId }, { payloadText });
      return deliveryKey(parseRecord(JSON.parse(line)), line);
    };
    expect(key('1', '{"a":1}')).toBe(key('1', '{"a":1}'));
    expect(key('1', '{"a":1}')).not.toBe(key('2', '{"a":1}'));
    expect(key('1', '{"a":1}')).not.toBe(key('1', '{"a":2}'));
  });

  it.each([
    ['{"delivery_id":"x","payload":{"k":",\\"payload\\":1"}}', '{"k":",\\"payload\\":1"}'],
    ['{"delivery_id":"x","action":"\\",\\"payload\\":","payload":{}}', '{}'],
    ['{"delivery_id":"x","payload_ref":{}}', undefined],
    ['{"delivery_id":"x","payload":', undefined],
  ])('finds the payload text of %s without parsing it', (line, text) => {
    expect(payloadTextOf(line)).toBe(text);
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
    ['bad format_version', { ...valid, format_version: '2' }],
    ['bad privacy', { ...valid, privacy: 1 }],
    ['bad repository', { ...valid, repository: {} }],
    ['bad payload_sha256', { ...valid, payload_sha256: 'abc' }],
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
    expect(manifestKey(hour)).toBe('manifests/2026/11/28/15.manifest.json');
    expect(quarantinePrefix(hour)).toBe('quarantine/2026/11/28/15/');
    expect(payloadKey('g-1', 'f'.repeat(64))).toBe(`payloads/g-1-${'f'.repeat(64)}.json.gz`);
    expect(isPayloadKeyOf('payloads/g-1.json.gz', 'g-1', 'f'.repeat(64))).toBe(false);
    expect(isPayloadKeyOf(`payloads/g-1-${'f'.repeat(64)}.json.gz`, 'g-1', 'f'.repeat(64))).toBe(true);
    expect(isPayloadKeyOf(`payloads/g-2-${'f'.repeat(64)}.json.gz`, 'g-1', 'f'.repeat(64))).toBe(false);
    expect(isPayloadKeyOf(`payloads/g-1-${'e'.repeat(64)}.json.gz`, 'g-1', 'f'.repeat(64))).toBe(false);
    expect(hourLabel(hour)).toBe('2026-11-28T15');
    expect(addHours(hour, -16).toISOString()).toBe('2026-11-27T23:00:00.000Z');
  });

  it.each([
    ['raw/2026/11/28/15/stream-1-2026-11-28-15-59-59-uuid.gz', '2026-11-28T15:00:00.000Z'],
    ['hourly/2026/01/02/03.ndjson.gz', '2026-01-02T03:00:00.000Z'],
    ['hourly/2026/01/02/03.manifest.json', '2026-01-02T03:00:00.000Z'],
    ['manifests/2026/01/02/03.manifest.json', '2026-01-02T03:00:00.000Z'],
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
