/**
 * The one log record shape of every deployable: a JSON object per line with `level`, `timestamp`
 * (ISO-8601), `service`, `message`, then snake_case fields; a record about a delivery carries
 * `delivery_id` and `event`. The Lambdas write it through Powertools (which adds the invocation's
 * context), the command line through JsonLogger; both take these fields as they are.
 */
export type LogFields = { readonly [field: Lowercase<string>]: unknown };

export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** The fields that identify a delivery in every record about it. */
export interface DeliveryFields {
  readonly delivery_id: string | undefined;
  readonly event: string | undefined;
  readonly hook_id?: string | undefined;
}

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface JsonLoggerOptions {
  readonly out?: { write(line: string): unknown };
  /** Where warnings and errors go (e.g. stderr for a command whose stdout is its result). Default: `out`. */
  readonly errors?: { write(line: string): unknown };
  readonly minLevel?: Level;
  readonly fields?: LogFields;
  readonly clock?: () => Date;
}

/** The record shape on a stream (stdout by default), for the command line and the local stack. */
export class JsonLogger implements Logger {
  private readonly out: { write(line: string): unknown };
  private readonly errors: { write(line: string): unknown };
  private readonly minLevel: Level;
  private readonly base: LogFields;
  private readonly clock: () => Date;

  constructor(
    private readonly service: string,
    options: JsonLoggerOptions = {},
  ) {
    this.out = options.out ?? process.stdout;
    this.errors = options.errors ?? this.out;
    this.minLevel = options.minLevel ?? 'info';
    this.base = options.fields ?? {};
    this.clock = options.clock ?? (() => new Date());
  }

  child(fields: LogFields): JsonLogger {
    return new JsonLogger(this.service, {
      out: this.out,
      errors: this.errors,
      minLevel: this.minLevel,
      fields: { ...this.base, ...fields },
      clock: this.clock,
    });
  }

  debug = (message: string, fields?: LogFields) => this.log('debug', message, fields);
  info = (message: string, fields?: LogFields) => this.log('info', message, fields);
  warn = (message: string, fields?: LogFields) => this.log('warn', message, fields);
  error = (message: string, fields?: LogFields) => this.log('error', message, fields);

  private log(level: Level, message: string, fields: LogFields = {}): void {
    if (ORDER[level] < ORDER[this.minLevel]) return;
    const record = {
      level: level.toUpperCase(),
      timestamp: this.clock().toISOString(),
      service: this.service,
      message,
      ...this.base,
      ...fields,
    };
    (level === 'warn' || level === 'error' ? this.errors : this.out).write(`${JSON.stringify(record)}\n`);
  }
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
