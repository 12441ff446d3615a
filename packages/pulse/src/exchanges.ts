import { ConfigError, type Settings } from '@github-webhooks/runtime';

export const DEFAULT_EXCHANGE_V1 = 'exchange/github-webhooks/v1';
export const DEFAULT_EXCHANGE_V2 = 'exchange/github-webhooks/v2';
/** The PULSE_EXCHANGE_V2 value that turns the v2 exchange off. */
export const EXCHANGE_DISABLED = 'off';

export interface Exchanges {
  /** `<owner>/<repo>/<event>` routing keys, as the original system published. */
  readonly v1: string;
  /** `<owner>.<repo>.<event>[.<action>]` routing keys; undefined when disabled. */
  readonly v2: string | undefined;
}

/** AMQP allows up to 255 bytes; Pulse names look like `exchange/<user>/<name>`. */
const EXCHANGE_NAME = {
  test: /^(?!amq\.)[A-Za-z0-9_.:/-]{1,255}$/,
  what: 'an exchange name (letters, digits, _ . : / -)',
};

/**
 * The exchanges from PULSE_EXCHANGE (PULSE_EXCHANGE_V1 is still accepted) and PULSE_EXCHANGE_V2
 * (`off` disables it), the same names in the Lambda and on the command line.
 */
export function readExchanges(settings: Settings): Exchanges {
  const v1 = settings.string(['PULSE_EXCHANGE', 'PULSE_EXCHANGE_V1'], DEFAULT_EXCHANGE_V1, EXCHANGE_NAME);
  if (settings.optional('PULSE_EXCHANGE_V2')?.toLowerCase() === EXCHANGE_DISABLED)
    return { v1, v2: undefined };
  const v2 = settings.string('PULSE_EXCHANGE_V2', DEFAULT_EXCHANGE_V2, EXCHANGE_NAME);
  if (v2 === v1)
    throw new ConfigError('PULSE_EXCHANGE_V2', `PULSE_EXCHANGE_V2 must differ from PULSE_EXCHANGE (${v1})`);
  return { v1, v2 };
}

/** Both exchanges, for declaring them. */
export const exchangeNames = (exchanges: Exchanges): string[] =>
  exchanges.v2 === undefined ? [exchanges.v1] : [exchanges.v1, exchanges.v2];
