/** Lambda composition root: real S3, Powertools Logger and Metrics; the work is compactPending. */
import { S3Client } from '@aws-sdk/client-s3';
import { S3ObjectStore, uploadInParts } from '@github-webhooks/object-store';
import { type InvocationContext, lambdaMonitoring } from '@github-webhooks/runtime/powertools';
import { readConfig } from './config';
import { createScheduledRun } from './scheduled-run';

const config = readConfig(process.env);
const monitoring = lambdaMonitoring('archive-compactor');

const run = createScheduledRun({
  // Hourly files are streamed up in parts: the one function that bundles lib-storage.
  store: new S3ObjectStore({ client: new S3Client({}), bucket: config.bucket, uploadInParts }),
  config,
  logger: monitoring.logger,
  metrics: monitoring.metrics,
  publishMetrics: monitoring.publish,
});

/** The hourly schedule's invocation; the run itself flushes the metrics, however it ends. */
export function handler(event: unknown, context: InvocationContext & { getRemainingTimeInMillis(): number }) {
  monitoring.addContext(context);
  return run(event, context);
}
