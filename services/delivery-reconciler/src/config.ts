import { type Env, Settings } from '@github-webhooks/runtime';
import type { HookRef } from './hooks';
import { GITHUB_COM_API, parseHooks } from './settings';

/** The Lambda's settings, read once at start from its environment. */
export interface ReconcilerConfig {
  readonly bucket: string;
  readonly apiUrl: string;
  readonly hooks: readonly HookRef[];
  readonly maxRedeliveries: number;
  /** A token (GITHUB_TOKEN_PARAMETER), or a GitHub App: its id and the parameter of its private key. */
  readonly credentials:
    | { readonly kind: 'token'; readonly parameter: string }
    | { readonly kind: 'app'; readonly appId: string; readonly parameter: string };
  /** Check that every delivered GUID is in the archive (reads raw/ and hourly/ of the window). */
  readonly archiveCheck: boolean;
}

export function readConfig(env: Env | Settings): ReconcilerConfig {
  const settings = env instanceof Settings ? env : new Settings(env);
  const appId = settings.optional('GITHUB_APP_ID');
  return {
    bucket: settings.bucket('ARCHIVE_BUCKET'),
    // Plain http only to this machine (a stand-in in tests): the token crosses the network otherwise.
    apiUrl: settings.string('GITHUB_API_URL', GITHUB_COM_API, {
      test: /^(https:\/\/[^\s]+|http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/[^\s]*)?)$/,
      what: 'an https URL',
    }),
    hooks: parseHooks(settings.list('RECONCILE_HOOKS'), 'RECONCILE_HOOKS'),
    maxRedeliveries: settings.integer('RECONCILE_MAX_REDELIVERIES', { fallback: 5, min: 0, max: 100 }),
    credentials:
      appId === undefined
        ? { kind: 'token', parameter: settings.ssmParameter('GITHUB_TOKEN_PARAMETER') }
        : {
            kind: 'app',
            appId: settings.string('GITHUB_APP_ID', '', { test: /^\d{1,20}$/, what: "the App's numeric id" }),
            parameter: settings.ssmParameter('GITHUB_APP_PRIVATE_KEY_PARAMETER'),
          },
    archiveCheck: settings.boolean('RECONCILE_ARCHIVE_CHECK', false),
  };
}
