const PRIVATE_MARK = '"public":false';
const PAYLOAD_KEY = ',"payload":';

/**
 * Whether a record line says it is private, read from its leading fields without a parse (in JSON
 * text `"public":false` cannot stand inside a string, and the fields before the payload are a few
 * hundred bytes: the payload is never scanned). Only what is certainly private is passed over by
 * the relay; anything else goes to the republisher, which re-checks it.
 */
export function isMarkedPrivate(line: string | Buffer): boolean {
  if (line.length === 0 || (typeof line === 'string' && line.trim() === '')) return true;
  const payloadAt = line.indexOf(PAYLOAD_KEY);
  // By reference, a record is a short line: look at all of it.
  const at = payloadAt === -1 ? line.indexOf(PRIVATE_MARK) : line.lastIndexOf(PRIVATE_MARK, payloadAt);
  return at !== -1;
}
