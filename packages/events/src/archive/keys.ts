/** The archive's object keys, shared by S3 and the local disk layout. */

const HOUR_MS = 3_600_000;

/** The start of the UTC hour containing `date`. */
export const hourStart = (date: Date): Date => new Date(Math.floor(date.getTime() / HOUR_MS) * HOUR_MS);

export const addHours = (hour: Date, hours: number): Date => new Date(hour.getTime() + hours * HOUR_MS);

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `YYYY/MM/DD/HH` of the UTC hour containing `date`. */
export function hourPath(date: Date): string {
  return `${pad(date.getUTCFullYear(), 4)}/${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())}/${pad(date.getUTCHours())}`;
}

/** `YYYY-MM-DDTHH`, the form the command line accepts and prints. */
export const hourLabel = (date: Date): string =>
  hourPath(date)
    .replace(/\/(\d\d)$/, 'T$1')
    .replaceAll('/', '-');

export const rawPrefix = (hour: Date): string => `raw/${hourPath(hour)}/`;
export const hourlyKey = (hour: Date): string => `hourly/${hourPath(hour)}.ndjson.gz`;
/** Beside the data, not among it: a query engine reading `hourly/` must see only records (Athena reads every object of a prefix). */
export const manifestKey = (hour: Date): string => `manifests/${hourPath(hour)}.manifest.json`;
export const quarantinePrefix = (hour: Date): string => `quarantine/${hourPath(hour)}/`;
/**
 * `payloads/<GUID>-<sha256>.json.gz`: content-addressed, so two different deliveries sharing a GUID
 * (one event sent to two hooks) never overwrite each other's payload; written only if absent.
 */
export const payloadKey = (deliveryId: string, sha256: string): string =>
  `payloads/${deliveryId}-${sha256}.json.gz`;

/** A reference of this delivery is to its own payload object, and no other object of the archive. */
export const isPayloadKeyOf = (key: string, deliveryId: string, sha256: string): boolean =>
  key === payloadKey(deliveryId, sha256);

const HOUR_IN_KEY = /^(?:raw|hourly|manifests|quarantine)\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})(?:\/|\.)/;

/** The hour a `raw/`, `hourly/`, `manifests/` or `quarantine/` key belongs to, or undefined for other keys. */
export function hourOfKey(key: string): Date | undefined {
  const match = HOUR_IN_KEY.exec(key);
  if (!match) return undefined;
  const [, y, m, d, h] = match;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d), Number(h)));
  return hourPath(date) === `${y}/${m}/${d}/${h}` ? date : undefined;
}

/** Parses `YYYY-MM-DDTHH` (or `YYYY/MM/DD/HH`); undefined when it is not a real hour. */
export function parseHourLabel(label: string): Date | undefined {
  const match = /^(\d{4})[-/](\d{2})[-/](\d{2})[T/](\d{2})$/.exec(label);
  if (!match) return undefined;
  return hourOfKey(`raw/${match[1]}/${match[2]}/${match[3]}/${match[4]}/`);
}
