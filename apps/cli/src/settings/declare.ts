import type { ParseArgsOptionsConfig } from 'node:util';
import {
  DeclaredSettings,
  integerRange,
  type SettingSpec as RuntimeSettingSpec,
  Settings,
  settingsTable,
} from '@github-webhooks/runtime';

/** A command's setting: a declared setting (packages/runtime) that has a flag. */
export type SettingSpec = RuntimeSettingSpec & { readonly flag: string };

export { DeclaredSettings, settingsTable };

type OptionOf<S extends SettingSpec> = S['kind'] extends 'boolean'
  ? { readonly type: 'boolean' }
  : S['kind'] extends 'repeatable'
    ? { readonly type: 'string'; readonly multiple: true }
    : { readonly type: 'string' };

/** The parseArgs options of a list of settings, typed from it. */
export type OptionsOf<L extends readonly SettingSpec[]> = {
  readonly [S in L[number] as S['flag']]: OptionOf<S>;
};

/** The flags' values, as parseArgs gives them (every flag optional). */
export type FlagsOf<L extends readonly SettingSpec[]> = {
  readonly [S in L[number] as S['flag']]?:
    | (S['kind'] extends 'boolean' ? boolean : S['kind'] extends 'repeatable' ? readonly string[] : string)
    | undefined;
};

export function parseOptions<const L extends readonly SettingSpec[]>(specs: L): OptionsOf<L> {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: true }> = {};
  for (const spec of specs)
    options[spec.flag] =
      spec.kind === 'boolean'
        ? { type: 'boolean' }
        : spec.kind === 'repeatable'
          ? { type: 'string', multiple: true }
          : { type: 'string' };
  return options as unknown as OptionsOf<L> & ParseArgsOptionsConfig;
}

/** Each flag that stands for an environment variable, and that variable (commandSettings reads flags then env). */
export function flagVariables(specs: readonly SettingSpec[]): Readonly<Record<string, string>> {
  return Object.fromEntries(specs.flatMap((s) => (s.env === undefined ? [] : [[s.flag, s.env]])));
}

const left = (spec: SettingSpec) => `  --${spec.flag}${spec.value === undefined ? '' : ` ${spec.value}`}`;

const COLUMN = 27;
const LINE = 100;

/** Words laid into lines of at most LINE characters, each after the first indented to COLUMN. */
function wrap(first: string, words: readonly string[]): string {
  const lines = [first];
  for (const word of words) {
    const current = lines.at(-1) ?? '';
    if (current.length + 1 + word.length > LINE && current.trim() !== '')
      lines.push(`${' '.repeat(COLUMN)}${word}`);
    else lines[lines.length - 1] = current.endsWith(' ') ? `${current}${word}` : `${current} ${word}`;
  }
  return lines.join('\n');
}

/** The options part of `--help`: flag, variable, default, help; wrapped under the help column. */
export function helpText(specs: readonly SettingSpec[]): string {
  return specs
    .map((spec) => {
      const head = left(spec);
      const start = head.length < COLUMN ? head + ' '.repeat(COLUMN - head.length) : `${head} `;
      const variable = spec.env === undefined ? [] : [`[${spec.env}]`];
      const fallback = spec.required ? ['required:'] : spec.default === undefined ? [] : [`${spec.default}:`];
      return wrap(start, [...variable, ...fallback, ...spec.help.split(' ')]);
    })
    .join('\n');
}

/** A command's `Options` part of `--help`, with the heading that says how to read it. */
export const optionsHelp = (specs: readonly SettingSpec[]): string =>
  `Options ([environment variable] default: meaning):\n${helpText(specs)}`;

/** One declared setting by its flag (shared between commands, e.g. serve's and compact's lateness). */
export function settingOf<const L extends readonly SettingSpec[], F extends L[number]['flag']>(
  specs: L,
  flag: F,
): Extract<L[number], { readonly flag: F }> {
  const spec = specs.find((s) => s.flag === flag);
  if (spec === undefined) throw new Error(`--${flag} is not declared`);
  return spec as Extract<L[number], { readonly flag: F }>;
}

/** One declared setting by its environment variable (a Lambda's, given a flag by a command). */
export function variableOf<
  const L extends readonly RuntimeSettingSpec[],
  E extends NonNullable<L[number]['env']>,
>(specs: L, env: E): Extract<L[number], { readonly env: E }> {
  const spec = specs.find((s) => s.env === env);
  if (spec === undefined) throw new Error(`${env} is not declared`);
  return spec as Extract<L[number], { readonly env: E }>;
}

/** A flag's value, or its declared default. */
export function flagStringOf(spec: SettingSpec, value: string | undefined): string {
  if (spec.default === undefined) throw new Error(`--${spec.flag} declares no default`);
  return value ?? spec.default;
}

/** A declared integer given only as a flag, with the declaration's default and bounds; errors name the flag. */
export function flagIntegerOf(spec: SettingSpec, value: string | undefined): number {
  const flag = `--${spec.flag}`;
  return new Settings({ [flag]: value }).integer(flag, integerRange(spec, flag));
}
