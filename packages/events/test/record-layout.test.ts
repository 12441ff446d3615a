import fc from 'fast-check';
import {
  formatRecordBytes,
  formatRecordLine,
  headEndOf,
  headTextOf,
  isMarkedPrivate,
  PAYLOAD_KEY,
  PRIVACY_RULES_VERSION,
  payloadOf,
  payloadTextOf,
  RECORD_FORMAT_VERSION,
  type RecordMeta,
  receivedAtOf,
  recordSpansOf,
} from '../src';

/** Text that is hard on a scanner: the layout's own keys, quotes, backslashes, escapes, unicode. */
const tricky = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    'payload',
    'public',
    PAYLOAD_KEY,
    '"public":false',
    '"received_at":"',
    '}',
    '"',
    '\\',
    '\n',
    '\\n',
    '\u2028',
    '\u00a0',
    '💥',
    '\ud800',
  ),
);
const text = fc.array(tricky, { maxLength: 4 }).map((parts) => parts.join(''));

const meta: fc.Arbitrary<RecordMeta> = fc.record(
  {
    deliveryId: text,
    event: text,
    receivedAt: fc.date({
      min: new Date('0000-01-01T00:00:00.000Z'),
      max: new Date('9999-12-31T23:59:59.999Z'),
      noInvalidDate: true,
    }),
    hookId: fc.option(text, { nil: undefined }),
    target: fc.option(fc.record({ type: text, id: text }), { nil: undefined }),
    public: fc.boolean(),
    privacy: fc.option(text, { nil: undefined }).chain((p) => fc.constantFrom(p, null)),
    privacyRules: fc.option(fc.nat(), { nil: undefined }),
    repository: fc.option(text, { nil: null }),
    action: fc.option(text, { nil: undefined }),
  },
  { requiredKeys: ['deliveryId', 'event', 'receivedAt', 'public'] },
);

/** A payload's JSON text as GitHub may send it: any value, compact or indented, keys and strings tricky. */
const payloadText = fc
  .tuple(
    // Keys such as `payload` and `public` put `,"payload":` and `"public":false` in the payload itself.
    fc.dictionary(
      fc.oneof(fc.constantFrom('payload', 'public'), text),
      fc.oneof(text, fc.boolean(), fc.jsonValue({ stringUnit: 'binary' })),
    ),
    fc.constantFrom(undefined, 2, '\t'),
  )
  .map(([value, indent]) => JSON.stringify(value, null, indent));

/** The fields `recordHead` writes, from the meta (as JSON.parse gives them back). */
const headFields = (m: RecordMeta) => ({
  delivery_id: m.deliveryId,
  event: m.event,
  received_at: m.receivedAt.toISOString(),
  hook_id: m.hookId ?? null,
  target: m.target ?? null,
  public: m.public,
  format_version: RECORD_FORMAT_VERSION,
  privacy: m.privacy ?? null,
  privacy_rules: m.privacyRules ?? PRIVACY_RULES_VERSION,
  repository: m.repository ?? null,
  action: m.action ?? null,
  payload_sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
});

describe('the record layout, read back from what the writer wrote', () => {
  it('gives back the payload text exactly, the head fields and the private mark, from text', () => {
    fc.assert(
      fc.property(meta, payloadText, (m, payload) => {
        const line = formatRecordLine(m, { payloadText: payload });
        const spans = recordSpansOf(line);
        expect(spans).toBeDefined();
        expect(payloadTextOf(line)).toBe(payload);
        expect(JSON.parse(headTextOf(line) ?? '')).toEqual(headFields(m));
        expect(isMarkedPrivate(line)).toBe(!m.public);
        expect(receivedAtOf(line).getTime()).toBe(m.receivedAt.getTime());
        // The head is everything before the payload key: the whole line is head, key, payload, `}`.
        expect(line).toBe(`${line.slice(0, headEndOf(line))}${PAYLOAD_KEY}${payload}}\n`);
      }),
    );
  });

  it('gives back the payload bytes exactly, the head fields and the private mark, from bytes', () => {
    fc.assert(
      fc.property(meta, payloadText, (m, payload) => {
        const bytes = formatRecordBytes(m, Buffer.from(payload));
        expect(bytes.equals(Buffer.from(formatRecordLine(m, { payloadText: payload })))).toBe(true);
        const spans = recordSpansOf(bytes);
        if (spans === undefined) throw new Error('no payload found');
        expect(payloadOf(bytes, spans).equals(Buffer.from(payload))).toBe(true);
        expect(spans.payloadEnd).toBe(bytes.length - 2);
        expect(JSON.parse(headTextOf(bytes) ?? '')).toEqual(headFields(m));
        expect(isMarkedPrivate(bytes)).toBe(!m.public);
        expect(receivedAtOf(bytes).getTime()).toBe(m.receivedAt.getTime());
      }),
    );
  });

  it('finds no inline payload in a record by reference, and reads its mark from the whole line', () => {
    const ref = { key: 'payloads/g.json.gz', bytes: 1, sha256: 'b'.repeat(64) };
    fc.assert(
      fc.property(meta, (m) => {
        const line = formatRecordLine(m, { payloadRef: ref });
        expect(headEndOf(line)).toBe(-1);
        expect(recordSpansOf(line)).toBeUndefined();
        expect(headTextOf(line)).toBeUndefined();
        expect(payloadTextOf(line)).toBeUndefined();
        expect(isMarkedPrivate(Buffer.from(line))).toBe(!m.public);
      }),
    );
  });
});

describe('record layout scanner', () => {
  it.each([
    ['{"a":1,"payload": {"b":2} }', '{"b":2}'],
    ['{"a":1,"payload":\t{"b":2}\r\n}', '{"b":2}'],
    ['{"a":1,"payload":   }', ''],
    ['{"a":1,"payload":{"b":"}"}}', '{"b":"}"}'],
  ])('slices the payload of %j alike from text and bytes', (line, payload) => {
    const spans = recordSpansOf(line);
    const byteSpans = recordSpansOf(Buffer.from(line));
    if (spans === undefined || byteSpans === undefined) throw new Error('no payload found');
    expect(payloadOf(line, spans)).toBe(payload);
    expect(payloadOf(Buffer.from(line), byteSpans).toString()).toBe(payload);
    expect(headTextOf(line)).toBe('{"a":1}');
    expect(headTextOf(Buffer.from(line))).toBe('{"a":1}');
  });

  it('trims text as String.prototype.trim does, bytes as JSON spacing only', () => {
    const line = '{"a":1,"payload":\u00a0{}\u00a0}';
    expect(payloadTextOf(line)).toBe('{}');
    const bytes = Buffer.from(line);
    const spans = recordSpansOf(bytes);
    if (spans === undefined) throw new Error('no payload found');
    expect(payloadOf(bytes, spans).toString()).toBe('\u00a0{}\u00a0');
  });

  it.each([
    ['', true, true],
    // Spacing alone: an empty line as text; as bytes, a line without the mark.
    ['  ', true, false],
    ['{"public":true,"payload":{"public":false}}', false, false],
    ['{"public":false,"payload":{}}', true, true],
    ['{"public":false,"payload_ref":{}}', true, true],
    ['{"public":true,"payload_ref":{}}', false, false],
  ])('reads the private mark of %j (text: %s, bytes: %s)', (line, asText, asBytes) => {
    expect(isMarkedPrivate(line)).toBe(asText);
    expect(isMarkedPrivate(Buffer.from(line))).toBe(asBytes);
  });

  it.each([['{"received_at":"nope"}'], ['{"event":"push"}']])('finds no received_at in %j', (line) => {
    expect(() => receivedAtOf(line)).toThrow(TypeError);
    expect(() => receivedAtOf(Buffer.from(line))).toThrow(TypeError);
  });
});
