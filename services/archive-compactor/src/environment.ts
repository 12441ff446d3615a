import type { SettingSpec } from '@github-webhooks/runtime';
import { DEFAULT_EXPIRY_TAGS } from './context';

/** `key=value`, as RAW_EXPIRY_TAG is written. */
const tagText = (tags: Readonly<Record<string, string>>): string =>
  Object.entries(tags)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');

/** The compactor Lambda's environment, declared once: readConfig, the docs' table and the stack's test read it. */
export const COMPACTOR_ENVIRONMENT = [
  { env: 'ARCHIVE_BUCKET', kind: 'string', required: true, help: 'the archive bucket' },
  {
    env: 'RAW_DISPOSAL',
    kind: 'string',
    default: 'delete',
    help: 'delete raw objects once compacted, or tag them (RAW_EXPIRY_TAG) for a lifecycle rule to expire',
  },
  {
    env: 'RAW_EXPIRY_TAG',
    kind: 'string',
    default: tagText(DEFAULT_EXPIRY_TAGS),
    help: 'the tag put on compacted raw objects when RAW_DISPOSAL is tag',
  },
  {
    env: 'LATENESS_MINUTES',
    kind: 'integer',
    default: '15',
    min: 0,
    max: 24 * 60,
    help: 'wait after an hour ends (beyond the Firehose buffer) before compacting it',
  },
  {
    env: 'FIREHOSE_BUFFER_SECONDS',
    kind: 'integer',
    default: '900',
    min: 0,
    max: 900,
    help: "the Firehose stream's buffer interval: a record reaches raw/ at most this late",
  },
  {
    env: 'SAFETY_MARGIN_SECONDS',
    kind: 'integer',
    default: '240',
    min: 0,
    max: 900,
    help: 'no hour is started this close to the timeout; the backlog continues next run',
  },
] as const satisfies readonly SettingSpec[];
