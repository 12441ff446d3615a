/** The outside world the core talks to, besides the object store. */

export type LogFields = Readonly<Record<string, unknown>>;

/** Structured JSON logs: a message plus fields (hour, source key, counts). */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Counters published as metrics (CloudWatch EMF in the Lambda). */
export interface Metrics {
  count(name: MetricName, value: number): void;
}

export type MetricName =
  | 'HoursCompacted'
  | 'RecordsWritten'
  | 'NewRecords'
  | 'DuplicatesDropped'
  | 'Quarantined'
  | 'RawObjectsDeleted'
  | 'RawObjectsTagged';

export type ProgressEvent =
  | { readonly type: 'hour-started'; readonly hour: string; readonly sources: number }
  | {
      readonly type: 'source-scanned';
      readonly hour: string;
      readonly key: string;
      readonly records: number;
      readonly quarantined: number;
    }
  | { readonly type: 'hour-written'; readonly hour: string; readonly records: number; readonly bytes: number }
  | { readonly type: 'hour-finished'; readonly hour: string; readonly status: string }
  | { readonly type: 'raw-disposed'; readonly how: 'deleted' | 'tagged'; readonly keys: number }
  | { readonly type: 'legacy-scanned'; readonly key: string; readonly hours: number };

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export const noMetrics: Metrics = { count: () => undefined };

/** One JSON object per line on stdout/stderr, for the command line. */
export function jsonLogger(fields: LogFields = {}): Logger {
  const write = (level: string, message: string, extra: LogFields = {}) => {
    const line = JSON.stringify({ level, message, timestamp: new Date().toISOString(), ...fields, ...extra });
    (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}
