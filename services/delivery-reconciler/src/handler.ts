/** Lambda composition root: SSM for the credentials, S3 for the checkpoint (and the archive check), Powertools. */
import { S3Client } from '@aws-sdk/client-s3';
import { S3ObjectStore } from '@github-webhooks/object-store';
import { type InvocationContext, lambdaMonitoring } from '@github-webhooks/runtime/powertools';
import { readSecureString } from '@github-webhooks/runtime/secure-string';
import { loadArchiveIndex } from './archive-index';
import { readConfig } from './config';
import type { GitHubCredentials } from './github/auth';
import { createDeliveryLog } from './github/client';
import { runOptions } from './hook-settings';
import type { DeliveryLog } from './ports';
import { reconcile } from './reconcile';
import { reconcileExclusively, type SkippedRun } from './reconciler-lease';
import type { ReconcileReport } from './report';
import { credentialsFrom } from './settings';

const config = readConfig(process.env);
const monitoring = lambdaMonitoring('delivery-reconciler');
const store = new S3ObjectStore({ client: new S3Client({}), bucket: config.bucket });
let client: { secret: string; log: DeliveryLog } | undefined;

/** The credential from its SecureString (cached 5 min, so a rotation reaches warm containers). */
async function deliveryLog(): Promise<DeliveryLog> {
  const { parameter } = config.credentials;
  // The error names the setting that named the parameter: the token's, or the App key's.
  const secret = await readSecureString(parameter, {
    variable:
      config.credentials.kind === 'token' ? 'GITHUB_TOKEN_PARAMETER' : 'GITHUB_APP_PRIVATE_KEY_PARAMETER',
    maxAgeSeconds: 300,
  });
  if (client?.secret !== secret) {
    const credentials = credentialsFrom(
      config.credentials.kind === 'token'
        ? { token: secret }
        : { appId: config.credentials.appId, privateKey: secret },
    ) as GitHubCredentials;
    client = { secret, log: createDeliveryLog({ baseUrl: config.apiUrl, credentials }) };
  }
  return client.log;
}

/**
 * Every 5 minutes: one reconciliation of the configured hooks, holding the reconciler's lease (a run
 * that finds it held does nothing); the counts are the result and the metrics.
 */
export function handler(
  _event: unknown,
  context: InvocationContext,
): Promise<Omit<ReconcileReport, 'items'> | SkippedRun> {
  return monitoring.invocation(context, async () => {
    const { logger } = monitoring;
    if (config.hooks.length === 0) logger.warn('RECONCILE_HOOKS names no hook: nothing to reconcile');
    return reconcileExclusively(
      { store, holder: 'delivery-reconciler Lambda', logger },
      async (checkpoint) => {
        const report = await reconcile(
          runOptions(config, new Date(), config.archiveCheck ? { archive: 's3' } : {}),
          {
            log: config.hooks.length === 0 ? noLog : await deliveryLog(),
            checkpoint,
            logger,
            metrics: monitoring.metrics,
            clock: () => new Date(),
            ...(config.archiveCheck
              ? { archive: (from: Date, to: Date) => loadArchiveIndex(store, from, to) }
              : {}),
          },
        );
        const { items, ...counts } = report;
        for (const item of items) logger.info('reconciled delivery', { delivery_id: item.guid, ...item });
        logger.info('reconciled', counts);
        return counts;
      },
    );
  });
}

const noLog: DeliveryLog = {
  page: () => Promise.reject(new Error('no hook')),
  redeliver: () => Promise.reject(new Error('no hook')),
};
