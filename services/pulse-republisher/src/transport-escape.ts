import { createHash } from 'node:crypto';
import { BadMessageError } from './errors';

/** A JSON escape sequence, or any other backslash pair (so `\\uffff`, an escaped backslash, is not one). */
const ESCAPE = /\\(?:u[0-9a-fA-F]{4}|[\s\S])/g;

/**
 * The characters ingestion writes as JSON escapes in a topic message because SQS refuses them
 * (services/ingestion/src/sqs-text.ts) and that valid UTF-8 JSON can hold raw: U+FFFE and U+FFFF.
 * (An unpaired surrogate or a control character can only be an escape in such text already, so an
 * escape of one is GitHub's own and stays as it is.)
 */
const TRANSPORT: Readonly<Record<string, string>> = { '\\ufffe': '\ufffe', '\\uffff': '\uffff' };

/** The text with ingestion's transport escapes (`\ufffe`, `\uffff`, as it writes them) made raw again. */
export function undoTransportEscape(text: string): string {
  if (!text.includes('\\uff')) return text;
  return text.replace(ESCAPE, (sequence) => TRANSPORT[sequence] ?? sequence);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * A message's payload text as GitHub sent it. The order, for a queue message:
 *  1. the body is parsed as JSON: a transport escape decodes to the character it stands for, so
 *     the record's fields and the payload (for the privacy re-check) are already right;
 *  2. the payload's text is sliced out of the body, unparsed (what Pulse gets);
 *  3. the transport escapes are undone in that text (U+FFFE, U+FFFF made raw again);
 *  4. the text is checked against `payload_sha256`, which ingestion computed over the bytes as
 *     received (the archive record keeps those bytes, never escaped);
 *  5. the publish ledger's key is made from `payload_sha256` (prepareMessage), so a delivery has
 *     the same key whichever way it came (the queue, the archive).
 * A text that matches its digest as it stands (no escape, or GitHub's own `\uffff` escapes, which
 * one serializer writes either all raw or all escaped) is taken as it is. One that matches neither
 * way is not what GitHub sent: a bad message.
 */
export function payloadAsReceived(text: string, digest: string | undefined): string {
  if (digest === undefined || sha256(text) === digest) return text;
  const undone = undoTransportEscape(text);
  if (undone !== text && sha256(undone) === digest) return undone;
  throw new BadMessageError(`the payload does not match its payload_sha256 ${digest}`);
}
