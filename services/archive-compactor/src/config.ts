import { ConfigError, type Env, Settings } from '@github-webhooks/runtime';
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

export function readConfig(env: Env | Settings): CompactorConfig {
  const settings = env instanceof Settings ? env : new Settings(env);
  return {
    bucket: settings.bucket('ARCHIVE_BUCKET'),
    disposal: settings.oneOf('RAW_DISPOSAL', ['delete', 'tag'] as const, 'delete'),
    expiryTags: settings.parsed('RAW_EXPIRY_TAG', parseTag),
    latenessMs: settings.integer('LATENESS_MINUTES', { fallback: 15, min: 0, max: 24 * 60 }) * 60_000,
    bufferMs: settings.integer('FIREHOSE_BUFFER_SECONDS', { fallback: 900, min: 0, max: 900 }) * 1000,
    safetyMarginMs: settings.integer('SAFETY_MARGIN_SECONDS', { fallback: 240, min: 0, max: 900 }) * 1000,
  };
}

function parseTag(text: string | undefined): Readonly<Record<string, string>> {
  if (text === undefined) return DEFAULT_EXPIRY_TAGS;
  const match = /^([^=]{1,128})=(.{0,256})$/.exec(text);
  if (!match) throw new ConfigError('RAW_EXPIRY_TAG', `must be "key=value", got "${text}"`);
  return { [match[1] as string]: match[2] as string };
}
