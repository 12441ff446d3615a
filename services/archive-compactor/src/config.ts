import { ConfigError, DeclaredSettings, type Env, Settings } from '@github-webhooks/runtime';
import { DEFAULT_EXPIRY_TAGS, type Disposal } from './context';
import { COMPACTOR_ENVIRONMENT } from './environment';

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
  const declared = new DeclaredSettings(
    env instanceof Settings ? env : new Settings(env),
    COMPACTOR_ENVIRONMENT,
  );
  return {
    bucket: declared.bucket('ARCHIVE_BUCKET'),
    disposal: declared.oneOf('RAW_DISPOSAL', ['delete', 'tag'] as const),
    expiryTags: declared.parsed('RAW_EXPIRY_TAG', parseTag),
    latenessMs: declared.integer('LATENESS_MINUTES') * 60_000,
    bufferMs: declared.integer('FIREHOSE_BUFFER_SECONDS') * 1000,
    safetyMarginMs: declared.integer('SAFETY_MARGIN_SECONDS') * 1000,
  };
}

function parseTag(text: string | undefined): Readonly<Record<string, string>> {
  if (text === undefined) return DEFAULT_EXPIRY_TAGS;
  const match = /^([^=]{1,128})=(.{0,256})$/.exec(text);
  if (!match) throw new ConfigError('RAW_EXPIRY_TAG', `must be "key=value", got "${text}"`);
  return { [match[1] as string]: match[2] as string };
}
