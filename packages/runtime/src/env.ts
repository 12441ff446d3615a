import { ConfigError } from './errors';

export type Env = Readonly<Record<string, string | undefined>>;

/** Where settings come from, highest precedence first. */
export interface SettingsSource {
  readonly values: Env;
  /** How its user set a variable, added to errors: `PORT` → `--port` for a command-line flag. */
  readonly origin?: (variable: string) => string | undefined;
}

/** A variable, or the documented name followed by older names still accepted. */
export type VariableName = string | readonly [string, ...string[]];

interface Found {
  readonly variable: string;
  readonly value: string;
  /** ` (from --port)`, or empty when it came from the environment. */
  readonly from: string;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const SSM_PARAMETER = /^\/[A-Za-z0-9_.\-/]{1,1010}$/;

/**
 * Typed, validated reading of settings, once, at start. Every error is a ConfigError whose message
 * starts with the variable's name (and says which flag set it); blank values count as unset.
 */
export class Settings {
  private readonly sources: readonly SettingsSource[];

  constructor(sources: Env | readonly SettingsSource[]) {
    this.sources = Array.isArray(sources) ? sources : [{ values: sources as Env }];
  }

  /** The raw value, or undefined when unset. */
  optional(name: VariableName): string | undefined {
    return this.find(name)?.value;
  }

  required(name: VariableName, what = 'set'): string {
    const found = this.find(name);
    if (found === undefined) throw new ConfigError(primary(name), `${primary(name)} must be ${what}`);
    return found.value;
  }

  string(
    name: VariableName,
    fallback: string,
    rule?: { readonly test: RegExp; readonly what: string },
  ): string {
    const found = this.find(name);
    if (found === undefined) return fallback;
    if (rule && !rule.test.test(found.value)) throw invalid(found, `must be ${rule.what}`);
    return found.value;
  }

  integer(
    name: VariableName,
    range: { readonly fallback: number; readonly min: number; readonly max: number },
  ): number {
    const found = this.find(name);
    if (found === undefined) return range.fallback;
    const value = Number(found.value);
    if (!/^\d+$/.test(found.value) || value < range.min || value > range.max) {
      throw invalid(found, `must be a whole number from ${range.min} to ${range.max}`);
    }
    return value;
  }

  boolean(name: VariableName, fallback: boolean): boolean {
    const found = this.find(name);
    if (found === undefined) return fallback;
    const value = found.value.toLowerCase();
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    throw invalid(found, 'must be true or false');
  }

  oneOf<T extends string>(name: VariableName, values: readonly T[], fallback: T): T {
    const found = this.find(name);
    if (found === undefined) return fallback;
    if (!(values as readonly string[]).includes(found.value))
      throw invalid(found, `must be one of ${values.join(', ')}`);
    return found.value as T;
  }

  /** Comma-separated, each item trimmed, blanks dropped; `fallback` when unset. */
  list(name: VariableName, fallback: readonly string[] = []): string[] {
    const found = this.find(name);
    return found === undefined ? [...fallback] : splitList(found.value);
  }

  /** An ARN of `service` in any partition (aws, aws-cn, aws-us-gov, …). */
  arn(name: VariableName, service: string): string {
    return this.matching(name, new RegExp(`^arn:aws[a-z-]*:${service}:`), `an ${service.toUpperCase()} ARN`);
  }

  bucket(name: VariableName): string {
    return this.matching(name, BUCKET, 'an S3 bucket name');
  }

  ssmParameter(name: VariableName): string {
    return this.matching(name, SSM_PARAMETER, 'an SSM parameter name starting with /');
  }

  /** Wraps a parser of the value (e.g. a policy): its error becomes a ConfigError naming the setting. */
  parsed<T>(name: VariableName, parse: (value: string | undefined) => T): T {
    const found = this.find(name);
    try {
      return parse(found?.value);
    } catch (cause) {
      const message = String((cause as { message?: unknown } | null)?.message);
      const variable = found?.variable ?? primary(name);
      throw new ConfigError(variable, `${variable} is invalid${found?.from ?? ''}: ${message}`, { cause });
    }
  }

  private matching(name: VariableName, pattern: RegExp, what: string): string {
    this.required(name);
    const found = this.find(name) as Found;
    if (!pattern.test(found.value)) throw invalid(found, `must be ${what}`);
    return found.value;
  }

  private find(name: VariableName): Found | undefined {
    const names = typeof name === 'string' ? [name] : name;
    for (const source of this.sources) {
      for (const variable of names) {
        const value = source.values[variable]?.trim();
        if (!value) continue;
        const origin = source.origin?.(variable);
        return { variable, value, from: origin === undefined ? '' : ` (from ${origin})` };
      }
    }
    return undefined;
  }
}

const primary = (name: VariableName): string => (typeof name === 'string' ? name : name[0]);

const invalid = (found: Found, rule: string): ConfigError =>
  new ConfigError(
    found.variable,
    `${found.variable} ${rule}, got ${JSON.stringify(found.value)}${found.from}`,
  );

export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
