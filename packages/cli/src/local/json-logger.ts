import type { LogFields, Logger } from '@github-webhooks/ingestion';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Structured JSON lines (one object per line) on a stream, like the Lambdas' Powertools logs. */
export class JsonLogger implements Logger {
  constructor(
    private readonly service: string,
    private readonly out: { write(line: string): unknown } = process.stdout,
    private readonly minLevel: Level = 'info',
    private readonly base: LogFields = {},
  ) {}

  child(fields: LogFields): JsonLogger {
    return new JsonLogger(this.service, this.out, this.minLevel, { ...this.base, ...fields });
  }

  debug = (message: string, fields?: LogFields) => this.log('debug', message, fields);
  info = (message: string, fields?: LogFields) => this.log('info', message, fields);
  warn = (message: string, fields?: LogFields) => this.log('warn', message, fields);
  error = (message: string, fields?: LogFields) => this.log('error', message, fields);

  private log(level: Level, message: string, fields: LogFields = {}): void {
    if (ORDER[level] < ORDER[this.minLevel]) return;
    const line = {
      level,
      time: new Date().toISOString(),
      service: this.service,
      message,
      ...this.base,
      ...fields,
    };
    this.out.write(`${JSON.stringify(line)}\n`);
  }
}

/** Counters kept in memory and shown by `/healthz`. */
export class CounterMetrics {
  readonly counts: Record<string, number> = {};
  count = (name: string, value = 1): void => {
    this.counts[name] = (this.counts[name] ?? 0) + value;
  };
}
