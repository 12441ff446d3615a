/**
 * What SQS refuses: a message (and its attributes) may hold only #x9 | #xA | #xD | #x20 to #xD7FF |
 * #xE000 to #xFFFD | #x10000 to #x10FFFF. SNS documents only UTF-8, so it takes a message with
 * another character and then fails to deliver it to a queue (the subscription's dead-letter queue
 * gets it): a public issue titled with U+FFFF, which anyone can write, would never reach Pulse.
 */
const REFUSED = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const REFUSED_ALL = new RegExp(REFUSED.source, 'gu');

/**
 * A topic message's text with every character SQS refuses written as a JSON escape (`\uffff`; an
 * unpaired surrogate as `\udXXX`), lowercase hex. The messages are JSON (an archive record on one
 * line), and such characters can only stand inside its strings, so a consumer that decodes the
 * JSON gets the same text. Only the messages: the archive record keeps the bytes as received, and
 * `payload_sha256` (and so the Pulse ledger's key) is computed over those. In valid UTF-8 JSON the
 * only characters this can meet raw are U+FFFE and U+FFFF (a lone surrogate or a control character
 * can only be written as an escape there already); the republisher undoes exactly those before it
 * checks the payload against its digest (services/pulse-republisher/src/transport-escape.ts).
 */
export function sqsSafe(text: string): string {
  if (!REFUSED.test(text)) return text;
  return text.replace(REFUSED_ALL, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}

/** Message attributes too (SNS passes them on to the queue with raw delivery). */
export function sqsSafeAttributes(attributes: Record<string, string>): Record<string, string> {
  const safe: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes)) safe[name] = sqsSafe(value);
  return safe;
}

const FFFx = Buffer.from([0xef, 0xbf]);

/**
 * How many bytes sqsSafe adds to a text (or its UTF-8 bytes), without making it: the message must
 * still fit SNS's limit once escaped. Six bytes replace each character: U+FFFE and U+FFFF (three
 * bytes in UTF-8), a control character (one), an unpaired surrogate (three, as the replacement
 * character it would be encoded as). In bytes (valid UTF-8 JSON) only the first two can occur raw.
 */
export function sqsEscapeGrowth(text: string | Buffer): number {
  if (typeof text !== 'string') {
    let growth = 0;
    for (let at = text.indexOf(FFFx); at !== -1; at = text.indexOf(FFFx, at + 2)) {
      const third = text[at + 2];
      if (third === 0xbe || third === 0xbf) growth += 3;
    }
    return growth;
  }
  if (!REFUSED.test(text)) return 0;
  let growth = 0;
  for (const [c] of text.matchAll(REFUSED_ALL)) growth += (c.codePointAt(0) ?? 0) < 0x20 ? 5 : 3;
  return growth;
}
