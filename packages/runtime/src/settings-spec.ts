import type { Settings } from './env';

/**
 * One setting, declared once as data (the shape of taskcluster's config.yml): the environment
 * variable a Lambda (or a command) reads, a command's flag when it has one, its type, default,
 * bounds and help. Readers' defaults and bounds, a command's `--help` and the docs' tables are all
 * derived from these.
 */
export interface SettingSpec {
  /** A command's flag; absent for a Lambda's variable. */
  readonly flag?: string;
  /** The environment variable; absent for a flag that stands for none. */
  readonly env?: string;
  readonly kind: 'string' | 'integer' | 'boolean' | 'list' | 'repeatable';
  /** What the value is, for `--help` (`N`, `SECONDS`, `URL`). */
  readonly value?: string;
  /** As `--help` and the docs show it, and as the reader falls back to. */
  readonly default?: string;
  readonly min?: number;
  readonly max?: number;
  /** The reader fails without it (the stack must set it). */
  readonly required?: boolean;
  readonly help: string;
}

const code = (text: string | undefined) => (text === undefined ? '–' : `\`${text}\``);

function defaultCell(spec: SettingSpec): string {
  if (spec.required) return 'required';
  const bounds =
    spec.min === undefined
      ? ''
      : ` (${spec.min}–${spec.max === undefined ? '' : spec.max.toLocaleString('en')})`;
  return `${code(spec.default)}${bounds}`;
}

// Markdown: a pipe would end the cell, an angle bracket open an HTML tag.
const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

// A pipe in a flag's value (`delete|tag`) is escaped even inside its code span.
const flagCell = (spec: SettingSpec) =>
  spec.flag === undefined
    ? '–'
    : `\`--${spec.flag}${spec.value === undefined ? '' : ` ${spec.value.replaceAll('|', '\\|')}`}\``;

/**
 * The docs' settings table (Markdown): variable, flag with its value (when any setting has a flag), default, meaning.
 * A command's settings show their flags; a Lambda's environment has none.
 */
export function settingsTable(specs: readonly SettingSpec[]): string {
  const flags = specs.some((s) => s.flag !== undefined);
  const rows = specs.map((s) => {
    const flag = flags ? ` ${flagCell(s)} |` : '';
    return `| ${code(s.env)} |${flag} ${defaultCell(s)} | ${cell(s.help)} |`;
  });
  const head = flags
    ? ['| variable | flag | default | meaning |', '| --- | --- | --- | --- |']
    : ['| variable | default | meaning |', '| --- | --- | --- |'];
  return [...head, ...rows].join('\n');
}

/** A declared integer's default and bounds, as Settings.integer takes them; `name` says which in the error. */
export function integerRange(
  spec: SettingSpec,
  name: string,
): { readonly fallback: number; readonly min: number; readonly max: number } {
  if (
    spec.kind !== 'integer' ||
    spec.min === undefined ||
    spec.max === undefined ||
    spec.default === undefined
  )
    throw new Error(`${name} is not declared as an integer with a default and bounds`);
  return { fallback: Number(spec.default), min: spec.min, max: spec.max };
}

/**
 * Reads declared settings with the declaration's defaults and bounds, so they are written once.
 * Asking for an undeclared variable, or reading one against its declaration, is a defect: it throws.
 */
export class DeclaredSettings {
  private readonly byEnv: ReadonlyMap<string, SettingSpec>;

  constructor(
    readonly settings: Settings,
    specs: readonly SettingSpec[],
  ) {
    this.byEnv = new Map(specs.flatMap((s) => (s.env === undefined ? [] : [[s.env, s]])));
  }

  /** The declaration of a variable. */
  spec(env: string): SettingSpec {
    const spec = this.byEnv.get(env);
    if (spec === undefined) throw new Error(`${env} is not a declared setting`);
    return spec;
  }

  /** Set, or a ConfigError naming it (`what` says what it must be). */
  required(env: string, what?: string): string {
    return this.settings.required(this.name(env), what);
  }

  arn(env: string, service: string): string {
    return this.settings.arn(this.name(env), service);
  }

  bucket(env: string): string {
    return this.settings.bucket(this.name(env));
  }

  ssmParameter(env: string): string {
    return this.settings.ssmParameter(this.name(env));
  }

  /** The value through `parse` (undefined when unset); its error names the variable. */
  parsed<T>(env: string, parse: (value: string | undefined) => T): T {
    return this.settings.parsed(this.name(env), parse);
  }

  private name(env: string): string {
    this.spec(env);
    return env;
  }

  integer(env: string): number {
    return this.settings.integer(env, integerRange(this.spec(env), env));
  }

  string(env: string, rule?: { readonly test: RegExp; readonly what: string }): string {
    return this.settings.string(env, this.optionalSpec(env, 'string').default ?? '', rule);
  }

  boolean(env: string): boolean {
    return this.settings.boolean(env, this.optionalSpec(env, 'boolean').default === 'true');
  }

  /** Comma-separated; the default is a comma-separated list too. */
  list(env: string): string[] {
    const fallback = this.optionalSpec(env, 'list').default;
    return this.settings.list(env, fallback === undefined ? [] : fallback.split(','));
  }

  /** One of `values`, which the declaration's default must be. */
  oneOf<T extends string>(env: string, values: readonly T[]): T {
    const fallback = this.optionalSpec(env, 'string').default;
    if (!(values as readonly string[]).includes(fallback ?? ''))
      throw new Error(`${env}'s default is not one of ${values.join(', ')}`);
    return this.settings.oneOf(env, values, fallback as T);
  }

  private optionalSpec(env: string, kind: SettingSpec['kind']): SettingSpec {
    const spec = this.spec(env);
    if (spec.kind !== kind) throw new Error(`${env} is declared as ${spec.kind}, not ${kind}`);
    if (spec.required) throw new Error(`${env} is declared required: it has no default to fall back to`);
    return spec;
  }
}
