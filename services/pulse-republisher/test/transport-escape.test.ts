import { createHash } from 'node:crypto';
import { TestBroker } from '@github-webhooks/fixtures';
import {
  BadMessageError,
  handleSqsBatch,
  parseMessage,
  payloadAsReceived,
  undoTransportEscape,
} from '../src';
import { type Harness, startHarness } from './support/harness';
import {
  deliveryOf,
  expectedBody,
  inlineBody,
  publicExamples,
  queueMessage,
  sqsEvent,
  underOwner,
} from './support/records';

// Ingestion writes what SQS refuses as JSON escapes in the topic messages (its sqs-text.ts); in
// valid UTF-8 JSON only U+FFFE and U+FFFF can stand raw. This is that escape, as a queue body has it.
const asIngestionPublishes = (body: string) =>
  body.replaceAll('\uffff', '\\uffff').replaceAll('\ufffe', '\\ufffe');

/** A public issue titled with U+FFFF (raw, as UTF-8) and an unpaired surrogate (GitHub can only escape it). */
function issueWithRefusedCharacters() {
  const issues = publicExamples().find((e) => e.event === 'issues');
  if (issues === undefined) throw new Error('no public issues example');
  const example = underOwner(issues, 'mozilla');
  const payload = structuredClone(example.payload) as { issue: { title: string } };
  payload.issue.title = 'crash on \uffff and \ud800 in a title';
  // JSON.stringify writes U+FFFF raw and the lone surrogate as the escape \ud800, as GitHub's JSON does.
  const payloadText = JSON.stringify(payload);
  expect(payloadText).toContain('\uffff');
  expect(payloadText).toContain('\\ud800');
  return deliveryOf({ ...example, payload }, { payloadText });
}

describe('undoTransportEscape', () => {
  it.each([
    ['"a\\uffffb"', '"a\uffffb"'],
    ['"\\ufffe\\uffff"', '"\ufffe\uffff"'],
    // An escaped backslash before "uffff" is no escape of U+FFFF.
    ['"\\\\uffff"', '"\\\\uffff"'],
    // GitHub's own escapes of what valid UTF-8 cannot hold raw stay as they are.
    ['"\\ud800 \\u0007"', '"\\ud800 \\u0007"'],
    // Ingestion writes lowercase hex; another writer's uppercase is not ingestion's.
    ['"\\uFFFF"', '"\\uFFFF"'],
    ['{"plain":"text"}', '{"plain":"text"}'],
  ])('%s → %s', (escaped, raw) => {
    expect(undoTransportEscape(escaped)).toBe(raw);
  });
});

describe('payloadAsReceived', () => {
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');

  it('undoes the transport escape, then checks the digest of the bytes as received', () => {
    const original = '{"title":"\uffff"}';
    expect(payloadAsReceived('{"title":"\\uffff"}', sha(original))).toBe(original);
  });

  it("keeps GitHub's own escapes when the text matches its digest as it stands", () => {
    const original = '{"title":"\\uffff"}';
    expect(payloadAsReceived(original, sha(original))).toBe(original);
    expect(payloadAsReceived(original, undefined)).toBe(original);
  });

  it('refuses a text that matches its digest neither way', () => {
    expect(() => payloadAsReceived('{"title":"\\uffff"}', sha('{"title":"other"}'))).toThrow(BadMessageError);
  });
});

describe('parseMessage of a message ingestion escaped for SQS', () => {
  it('gives the payload text GitHub sent, and the decoded title to the privacy re-check', () => {
    const delivery = issueWithRefusedCharacters();
    const record = inlineBody(delivery);
    const body = asIngestionPublishes(record);
    expect(body).not.toContain('\uffff');
    const parsed = parseMessage(body);
    expect(parsed.payload.kind === 'inline' && parsed.payload.text).toBe(delivery.payloadText);
    expect(
      parsed.payload.kind === 'inline' && (parsed.payload.payload.issue as { title: string }).title,
    ).toBe('crash on \uffff and \ud800 in a title');
    // The digest is of the bytes as received, as the archive record has it.
    expect(parsed.record.payload_sha256).toBe(JSON.parse(record).payload_sha256);
  });

  it('refuses a payload altered on the way (it matches its digest neither escaped nor not)', () => {
    const body = asIngestionPublishes(inlineBody(issueWithRefusedCharacters())).replace(
      'crash on',
      'crashed on',
    );
    expect(() => parseMessage(body)).toThrow(/does not match its payload_sha256/);
  });
});

describe('handleSqsBatch: a public issue titled with U+FFFF and an unpaired surrogate', () => {
  let broker: TestBroker;
  let h: Harness;
  beforeEach(async () => {
    broker = await TestBroker.open();
  });
  afterEach(async () => {
    await h?.close();
    await broker.close();
  });

  it('reaches Pulse byte for byte as GitHub sent it', async () => {
    h = await startHarness(broker);
    const delivery = issueWithRefusedCharacters();
    const response = await handleSqsBatch(
      sqsEvent([queueMessage(asIngestionPublishes(inlineBody(delivery)))]),
      h.settings,
      h.ports,
    );
    expect(response).toEqual({ batchItemFailures: [] });
    const [v1] = await broker.drain(h.allV1);
    const [v2] = await broker.drain(h.mozillaV2);
    expect(v1?.content.equals(expectedBody(delivery))).toBe(true);
    expect(v2?.content.equals(expectedBody(delivery))).toBe(true);
    expect(v1?.content.includes(Buffer.from('\uffff'))).toBe(true);
  });
});
