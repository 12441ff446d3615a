/** Test doubles of the ports, for every workspace's tests (`@github-webhooks/runtime/testing`). */
import type { Level, LogFields, Logger } from './logger';
import type { GaugeName, Metrics } from './metrics';

export interface LoggedLine {
  readonly level: Level;
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

/** Keeps every record, its fields as they would be serialized (JSON round trip). */
export class RecordingLogger implements Logger {
  readonly lines: LoggedLine[] = [];
  debug = (message: string, fields?: LogFields) => this.record('debug', message, fields);
  info = (message: string, fields?: LogFields) => this.record('info', message, fields);
  warn = (message: string, fields?: LogFields) => this.record('warn', message, fields);
  error = (message: string, fields?: LogFields) => this.record('error', message, fields);

  /** The records whose field has this value (e.g. every record about one message or delivery). */
  about(value: unknown, field = 'message_id'): LoggedLine[] {
    return this.lines.filter((line) => line.fields[field] === value);
  }

  find(message: string | RegExp): LoggedLine | undefined {
    return this.lines.find((l) =>
      typeof message === 'string' ? l.message === message : message.test(l.message),
    );
  }

  private record(level: Level, message: string, fields: LogFields = {}): void {
    this.lines.push({ level, message, fields: JSON.parse(JSON.stringify(fields)) });
  }
}

export class RecordingMetrics<Name extends string = string> implements Metrics<Name> {
  readonly counts = new Map<Name, number>();
  count = (name: Exclude<Name, GaugeName>, value = 1): void => {
    this.counts.set(name, (this.counts.get(name) ?? 0) + value);
  };
  /** A gauge's last value, beside the counts. */
  gauge = (name: Extract<Name, GaugeName>, seconds: number): void => {
    this.counts.set(name, seconds);
  };
  get(name: Name): number {
    return this.counts.get(name) ?? 0;
  }
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}
