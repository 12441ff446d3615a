import { DEFAULT_EXPIRY_TAGS, type Disposal } from './context';

/** The Lambda's settings, read once at start from its environment. */
export interface CompactorConfig {
  readonly bucket: string;
  readonly disposal: Disposal;
  readonly expiryTags: Readonly<Record<string, string>>;
  readonly latenessMs: number;
  readonly bufferMs: number;
  /** Time kept free before the Lambda timeout: no hour is started within it. */
  readonly safetyMarginMs: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function readConfig(env: Readonly<Record<string, string | undefined>>): CompactorConfig {
  const bucket = env.ARCHIVE_BUCKET ?? '';
  if (!BUCKET.test(bucket))
    throw new ConfigError(`ARCHIVE_BUCKET must be an S3 bucket name, got "${bucket}"`);
  const disposal = env.RAW_DISPOSAL ?? 'delete';
  if (disposal !== 'delete' && disposal !== 'tag') {
    throw new ConfigError(`RAW_DISPOSAL must be "delete" or "tag", got "${disposal}"`);
  }
  return {
    bucket,
    disposal,
    expiryTags: parseTag(env.RAW_EXPIRY_TAG),
    latenessMs: number(env, 'LATENESS_MINUTES', 15, 0, 24 * 60) * 60_000,
    bufferMs: number(env, 'FIREHOSE_BUFFER_SECONDS', 900, 0, 900) * 1000,
    safetyMarginMs: number(env, 'SAFETY_MARGIN_SECONDS', 240, 0, 900) * 1000,
  };
}

function number(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function parseTag(text: string | undefined): Readonly<Record<string, string>> {
  if (text === undefined || text === '') return DEFAULT_EXPIRY_TAGS;
  const match = /^([^=]{1,128})=(.{0,256})$/.exec(text);
  if (!match) throw new ConfigError(`RAW_EXPIRY_TAG must be "key=value", got "${text}"`);
  return { [match[1] as string]: match[2] as string };
}
