import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { type Env, Settings } from '@github-webhooks/runtime';
import { ARCHIVE_SETTING } from './settings/archive-setting';

/** The values parseArgs gives for a command's options. */
export type Values<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ options: O; strict: true }>
>['values'];

/** One command: its options, its help, its run. Exit codes: 0 done, 1 failed, 2 called wrongly. */
export interface Command<O extends ParseArgsOptionsConfig = ParseArgsOptionsConfig> {
  readonly name: string;
  /** One line for `github-webhooks --help`. */
  readonly summary: string;
  readonly help: string;
  readonly options: O;
  /** Takes arguments besides its options (e.g. query's SQL); refused otherwise. */
  readonly positionals?: boolean;
  run(values: Values<O>, env: Env, positionals?: readonly string[]): Promise<number>;
}

export const defineCommand = <O extends ParseArgsOptionsConfig>(command: Command<O>): Command<O> => command;

export function parseCommandArgs<O extends ParseArgsOptionsConfig>(
  command: Command<O>,
  args: string[],
): { values: Values<O>; positionals: string[] } {
  const parsed = parseArgs({
    args,
    options: command.options,
    strict: true,
    allowPositionals: command.positionals ?? false,
  });
  return { values: parsed.values as Values<O>, positionals: parsed.positionals };
}

/**
 * A command's settings: the flags that stand for an environment variable (same names as the Lambdas'
 * environment), then the environment. Errors name the variable and the flag that set it.
 */
export function commandSettings(values: object, flags: Readonly<Record<string, string>>, env: Env): Settings {
  const fromFlags: Record<string, string> = {};
  const flagOf: Record<string, string> = {};
  for (const [flag, variable] of Object.entries(flags)) {
    const value = (values as Record<string, unknown>)[flag];
    if (typeof value === 'string') fromFlags[variable] = value;
    else if (Array.isArray(value)) fromFlags[variable] = value.join(',');
    else if (value === true) fromFlags[variable] = 'true';
    flagOf[variable] = `--${flag}`;
  }
  return new Settings([{ values: fromFlags, origin: (variable) => flagOf[variable] }, { values: env }]);
}

/** ARCHIVE_DIR (or `--archive`): a directory or `s3://bucket/prefix`; `./data` by default. */
export const archiveLocation = (values: { readonly archive?: string | undefined }, env: Env): string =>
  commandSettings(values, { archive: ARCHIVE_SETTING.env }, env).string(
    ARCHIVE_SETTING.env,
    ARCHIVE_SETTING.default,
  );

/** A flag that stands for no environment variable, read with the same rules; errors name the flag. */
export function flagInteger(
  flag: string,
  value: string | undefined,
  range: { readonly fallback: number; readonly min: number; readonly max: number },
): number {
  return new Settings({ [`--${flag}`]: value }).integer(`--${flag}`, range);
}
