import { createHash } from 'node:crypto';
import { classify, createPrivacyPolicy, parseRecord, receiveDelivery } from '@github-webhooks/events';
import { exampleOf, signedRequest, TEST_SECRET } from '@github-webhooks/fixtures';
import { AWS_LIMITS, prepareOutgoing, type SizeLimits } from '../src';
import { sqsEscapeGrowth, sqsSafe } from '../src/sqs-text';

/** What SQS accepts, as AWS documents it: #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF. */
const SQS_REFUSES = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

const policy = createPrivacyPolicy();
const issues = exampleOf(
  'issues',
  (e) => classify(e.event, e.payload, policy).public && e.name.startsWith('api.github.com/'),
);
const TITLE = 'crash on \uffff, \ufffe and \ud800 in a title';

/** A public issue titled with U+FFFF, U+FFFE (raw, as UTF-8) and an unpaired surrogate (GitHub can only escape it). */
function issueDelivery(limits: SizeLimits = AWS_LIMITS, padding = '') {
  const payload = structuredClone(issues.payload) as { issue: { title: string; body?: string } };
  payload.issue.title = TITLE;
  if (padding !== '') payload.issue.body = padding;
  const body = JSON.stringify(payload);
  const request = signedRequest({ event: 'issues', body });
  const { delivery } = receiveDelivery(
    { headers: request.headers, body: request.body },
    { secrets: [TEST_SECRET] },
  );
  const classification = classify('issues', delivery.payload, policy);
  expect(classification.public).toBe(true);
  return { body, outgoing: prepareOutgoing(delivery, classification, new Date(), limits) };
}

describe('sqsSafe', () => {
  it.each([
    ['a\uffffb', 'a\\uffffb'],
    ['\ufffe', '\\ufffe'],
    ['lone \ud800 and \udfff', 'lone \\ud800 and \\udfff'],
    ['bell \u0007 nul \u0000', 'bell \\u0007 nul \\u0000'],
    // What SQS accepts stays: tab, newline, the BMP but for those, pairs (emoji), U+FFFD.
    ['tab\tline\n\r é 😀 \ufffd \ue000', 'tab\tline\n\r é 😀 \ufffd \ue000'],
  ])('%j → %j', (text, safe) => {
    expect(sqsSafe(text)).toBe(safe);
    expect(SQS_REFUSES.test(sqsSafe(text))).toBe(false);
  });

  it.each([
    // [text, can be UTF-8 (valid JSON bytes can hold it raw)]
    ['plain', true],
    ['a\uffffb\ufffe', true],
    ['😀\uffff', true],
    ['\u0007\ud800', false],
  ])('adds to %j exactly what sqsEscapeGrowth says, counted on the text or on its UTF-8', (text, bytes) => {
    const grown = Buffer.byteLength(sqsSafe(text)) - Buffer.byteLength(text);
    expect(sqsEscapeGrowth(text)).toBe(grown);
    if (bytes) expect(sqsEscapeGrowth(Buffer.from(text))).toBe(grown);
  });
});

describe('the messages ingestion publishes to SNS, for a public issue titled with what SQS refuses', () => {
  it('hold only what SQS accepts, in both topics, and decode to the same record', () => {
    const { outgoing } = issueDelivery();
    for (const message of [outgoing.message, outgoing.publicMessage]) {
      expect(SQS_REFUSES.test(message.body)).toBe(false);
      for (const value of Object.values(message.attributes)) expect(SQS_REFUSES.test(value)).toBe(false);
      const record = parseRecord(JSON.parse(message.body));
      expect((record.payload as { issue: { title: string } }).issue.title).toBe(TITLE);
    }
    expect(outgoing.message.body).toContain('\\uffff');
  });

  it('keep the archive record as received: its bytes, and the digest of those bytes', () => {
    const { body, outgoing } = issueDelivery();
    const line = Buffer.isBuffer(outgoing.archiveLine)
      ? outgoing.archiveLine
      : Buffer.from(outgoing.archiveLine);
    expect(line.includes(Buffer.from(body))).toBe(true);
    expect(line.includes(Buffer.from('\uffff'))).toBe(true);
    const record = parseRecord(JSON.parse(line.toString('utf8')));
    expect(record.payload_sha256).toBe(createHash('sha256').update(body).digest('hex'));
    // The message says the same digest: over the bytes as received, not over its escaped text.
    expect(parseRecord(JSON.parse(outgoing.message.body)).payload_sha256).toBe(record.payload_sha256);
  });

  it('store the payload apart when its escapes would take the message past SNS’s limit', () => {
    // 5,000 × U+FFFF: 15,000 bytes raw, 30,000 escaped; the limit lies between.
    const padding = '\uffff'.repeat(5_000);
    const raw = issueDelivery(AWS_LIMITS, padding);
    const limit = Buffer.byteLength(String(raw.outgoing.message.body)) - 1_000;
    const limits = { archiveRecordBytes: AWS_LIMITS.archiveRecordBytes, topicMessageBytes: limit };
    expect(Buffer.byteLength(raw.body)).toBeLessThan(limit);
    const { outgoing } = issueDelivery(limits, padding);
    expect(outgoing.payloadObject).toBeDefined();
    expect(Buffer.byteLength(outgoing.message.body)).toBeLessThanOrEqual(limit);
  });
});
