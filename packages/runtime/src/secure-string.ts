import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import { describeError } from './describe-error';
import { ConfigError } from './errors';

export interface SecureStringOptions {
  /** The setting that names the parameter: every error names it. */
  readonly variable: string;
  /** Seconds Powertools' cache keeps the value (a rotation reaches warm containers after it). */
  readonly maxAgeSeconds: number;
  /** Read it again now (e.g. after the value was refused). */
  readonly forceFetch?: boolean;
  /** An empty value is the caller's to judge (the webhook secrets say why none is usable). */
  readonly emptyAllowed?: boolean;
}

/**
 * An SSM SecureString, decrypted, through Powertools' cached getParameter: the one reader of the
 * deployables' secrets. A parameter that cannot be read (ParameterNotFound, AccessDenied, KMS…;
 * Powertools keeps the SDK's error as the cause) or is empty is a ConfigError whose variable is the
 * setting that named it, and whose message names the parameter, never the value.
 */
export async function readSecureString(name: string, options: SecureStringOptions): Promise<string> {
  let value: unknown;
  try {
    value = await getParameter(name, {
      decrypt: true,
      maxAge: options.maxAgeSeconds,
      ...(options.forceFetch === undefined ? {} : { forceFetch: options.forceFetch }),
    });
  } catch (error) {
    const reason = describeError((error as { cause?: unknown }).cause ?? error).name;
    throw new ConfigError(options.variable, `cannot read SSM parameter ${name}: ${reason}`, {
      cause: error,
    });
  }
  if (typeof value !== 'string')
    throw new ConfigError(options.variable, `SSM parameter ${name} does not exist`);
  if (value.trim() === '' && options.emptyAllowed !== true)
    throw new ConfigError(options.variable, `SSM parameter ${name} is empty`);
  return value;
}
