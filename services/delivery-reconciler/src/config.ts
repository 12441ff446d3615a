import { DeclaredSettings, type Env, Settings } from '@github-webhooks/runtime';
import { RECONCILER_ENVIRONMENT } from './environment';
import { type HookSettings, readHookSettings } from './hook-settings';
import { APP_ID_RULE } from './settings';

/** The Lambda's settings, read once at start from its environment. */
export interface ReconcilerConfig extends HookSettings {
  readonly bucket: string;
  /** A token (GITHUB_TOKEN_PARAMETER), or a GitHub App: its id and the parameter of its private key. */
  readonly credentials:
    | { readonly kind: 'token'; readonly parameter: string }
    | { readonly kind: 'app'; readonly appId: string; readonly parameter: string };
  /** Check that every delivered GUID is in the archive (reads raw/ and hourly/ of the window). */
  readonly archiveCheck: boolean;
}

/** The shared settings as the CLI reads them (readHookSettings); the credentials from SSM parameters. */
export function readConfig(env: Env | Settings): ReconcilerConfig {
  const settings = env instanceof Settings ? env : new Settings(env);
  const declared = new DeclaredSettings(settings, RECONCILER_ENVIRONMENT);
  const appId = settings.optional('GITHUB_APP_ID');
  return {
    bucket: declared.bucket('ARCHIVE_BUCKET'),
    ...readHookSettings(settings),
    credentials:
      appId === undefined
        ? { kind: 'token', parameter: declared.ssmParameter('GITHUB_TOKEN_PARAMETER') }
        : {
            kind: 'app',
            appId: declared.string('GITHUB_APP_ID', APP_ID_RULE),
            parameter: declared.ssmParameter('GITHUB_APP_PRIVATE_KEY_PARAMETER'),
          },
    archiveCheck: declared.boolean('RECONCILE_ARCHIVE_CHECK'),
  };
}
