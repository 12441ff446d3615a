import { InvalidHeaderError } from './errors';

export type HeaderValue = string | readonly string[] | undefined;
export type RawHeaders = Readonly<Record<string, HeaderValue>>;

/** Requests' headers are read several times on the way (precheck, parse, logs): normalized once. */
const normalized = new WeakMap<RawHeaders, Map<string, string>>();

/** Lower-cases header names; a repeated header keeps its first value. Treat the result as read-only. */
export function normalizeHeaders(headers: RawHeaders): Map<string, string> {
  const known = normalized.get(headers);
  if (known !== undefined) return known;
  const out = new Map<string, string>();
  normalized.set(headers, out);
  for (const [name, value] of Object.entries(headers)) {
    const first = typeof value === 'string' ? value : value?.[0];
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
