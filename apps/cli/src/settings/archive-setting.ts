import type { SettingSpec } from './declare';

/** ARCHIVE_DIR: compact, replay and stats take a directory or s3://bucket/prefix; serve and query a directory. */
export const ARCHIVE_SETTING = {
  flag: 'archive',
  env: 'ARCHIVE_DIR',
  kind: 'string',
  value: 'DIR|s3://bucket/prefix',
  default: './data',
  help: 'the archive',
} as const satisfies SettingSpec;

/** The archive as serve and query take it: a local directory only. */
export const ARCHIVE_DIRECTORY_SETTING = {
  ...ARCHIVE_SETTING,
  value: 'DIR',
  help: 'the archive directory',
} as const satisfies SettingSpec;
