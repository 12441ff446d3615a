import { ConfigError, type Settings } from '@github-webhooks/runtime';

/** Where the original system's format (body and `<owner>/<repo>/<event>` keys) goes by default. */
export const DEFAULT_EXCHANGE_V1 = 'exchange/github-webhooks/v1';
/**
 * Every name the original system published its own format on: `…/v1`, and `…/v2` (its October 2016
 * code hard-coded v2 with the same keys). The dotted keys may never go to one of them: a consumer
 * bound to the original's `…/v2` with `mozilla/gecko-dev/push` would silently get nothing.
 */
export const ORIGINAL_EXCHANGE_NAMES: readonly string[] = [
  DEFAULT_EXCHANGE_V1,
  'exchange/github-webhooks/v2',
];
/** Where the dotted keys (`<owner>.<repo>.<event>[.<action>]`) go by default: a name the original never used. */
export const DEFAULT_EXCHANGE_DOTTED = 'exchange/github-webhooks/v3';
/** The PULSE_EXCHANGE_DOTTED value that turns the dotted exchange off. */
export const EXCHANGE_DISABLED = 'off';

export interface Exchanges {
  /** Each receives the original format, `<owner>/<repo>/<event>` keys (PULSE_EXCHANGE, a list). */
  readonly original: readonly string[];
  /** `<owner>.<repo>.<event>[.<action>]` keys; undefined when disabled. */
  readonly dotted: string | undefined;
}

/** AMQP allows up to 255 bytes; Pulse names look like `exchange/<user>/<name>`. */
const EXCHANGE_NAME = /^(?!amq\.)[A-Za-z0-9_.:/-]{1,255}$/;
const WHAT = 'an exchange name (letters, digits, _ . : / -)';

/**
 * The exchanges, the same names in the Lambda and on the command line: the original format on each
 * name of PULSE_EXCHANGE (comma-separated, default `exchange/github-webhooks/v1`; an operator moving
 * from the original system can serve v1 and v2 during the move; PULSE_EXCHANGE_V1 is still
 * accepted), the dotted keys on PULSE_EXCHANGE_DOTTED (default `exchange/github-webhooks/v3`, `off`
 * disables it), never on a name the original format goes to or ever went to.
 */
export function readExchanges(settings: Settings): Exchanges {
  if (settings.optional('PULSE_EXCHANGE_V2') !== undefined)
    throw new ConfigError(
      'PULSE_EXCHANGE_V2',
      `PULSE_EXCHANGE_V2 is no longer read: the dotted keys go to PULSE_EXCHANGE_DOTTED (default ${DEFAULT_EXCHANGE_DOTTED}), ` +
        'since the original system published its own format on exchange/github-webhooks/v2; unset it (see the migration note)',
    );
  const variable = settings.optional('PULSE_EXCHANGE') === undefined ? 'PULSE_EXCHANGE_V1' : 'PULSE_EXCHANGE';
  const original = [...new Set(settings.list(variable, [DEFAULT_EXCHANGE_V1]))];
  for (const name of original) checkName(variable, name);
  const dottedSetting = settings.optional('PULSE_EXCHANGE_DOTTED');
  if (dottedSetting?.toLowerCase() === EXCHANGE_DISABLED) return { original, dotted: undefined };
  const dotted = dottedSetting ?? DEFAULT_EXCHANGE_DOTTED;
  checkName('PULSE_EXCHANGE_DOTTED', dotted);
  if (original.includes(dotted) || ORIGINAL_EXCHANGE_NAMES.includes(dotted))
    throw new ConfigError(
      'PULSE_EXCHANGE_DOTTED',
      `PULSE_EXCHANGE_DOTTED must not be ${dotted}: the original format goes, or went, there (${[
        ...new Set([...original, ...ORIGINAL_EXCHANGE_NAMES]),
      ].join(', ')})`,
    );
  return { original, dotted };
}

function checkName(variable: string, name: string): void {
  if (!EXCHANGE_NAME.test(name))
    throw new ConfigError(variable, `${variable} must be ${WHAT}, got ${JSON.stringify(name)}`);
}

/** Every exchange, for declaring them. */
export const exchangeNames = (exchanges: Exchanges): string[] =>
  exchanges.dotted === undefined ? [...exchanges.original] : [...exchanges.original, exchanges.dotted];
