import type { SettingSpec } from '@github-webhooks/runtime';
import { DEFAULT_RULE } from './rule';
import { GITHUB_COM_API } from './settings';

/** What the Lambda and the CLI's reconcile (and serve --reconcile-every) read alike, by the same names. */
export const RECONCILE_SETTINGS = [
  {
    env: 'GITHUB_API_URL',
    kind: 'string',
    default: GITHUB_COM_API,
    help: "GitHub's API; GitHub Enterprise Server: https://HOST/api/v3 (the window becomes 167 h). Plain http only to 127.0.0.1, localhost or [::1]",
  },
  {
    env: 'RECONCILE_HOOKS',
    kind: 'list',
    help: 'comma-separated hooks whose delivery logs are checked: orgs/ORG/hooks/ID, repos/OWNER/REPO/hooks/ID, app',
  },
  {
    env: 'RECONCILE_MAX_REDELIVERIES',
    kind: 'integer',
    default: String(DEFAULT_RULE.maxRedeliveries),
    min: 0,
    max: 100,
    help: 'redeliveries of one event before it is reported as given up',
  },
] as const satisfies readonly SettingSpec[];

/** The reconciler Lambda's environment, declared once: readConfig, the docs' table and the stack's test read it. */
export const RECONCILER_ENVIRONMENT = [
  {
    env: 'ARCHIVE_BUCKET',
    kind: 'string',
    required: true,
    help: 'the archive bucket: the checkpoint, the lease, the archive check',
  },
  ...RECONCILE_SETTINGS,
  {
    env: 'GITHUB_TOKEN_PARAMETER',
    kind: 'string',
    help: 'the SSM SecureString of the token; required unless GITHUB_APP_ID is set',
  },
  {
    env: 'GITHUB_APP_ID',
    kind: 'string',
    help: "authenticate as a GitHub App instead of with a token: the App's numeric id",
  },
  {
    env: 'GITHUB_APP_PRIVATE_KEY_PARAMETER',
    kind: 'string',
    help: "the SSM SecureString of the App's private key (PEM); required with GITHUB_APP_ID",
  },
  {
    env: 'RECONCILE_ARCHIVE_CHECK',
    kind: 'boolean',
    default: 'false',
    help: 'also redeliver delivered events the archive lacks (reads raw/ and hourly/ of the window)',
  },
] as const satisfies readonly SettingSpec[];
