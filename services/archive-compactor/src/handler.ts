/** Lambda composition root: real S3, Powertools Logger and Metrics; the work is compactPending. */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ObjectStore } from '@github-webhooks/object-store';
import { readConfig } from './config';
import { createScheduledRun } from './scheduled-run';

const config = readConfig(process.env);
const powertoolsLogger = new Logger({ serviceName: 'archive-compactor' });
const powertoolsMetrics = new Metrics({ namespace: 'GithubWebhooks', serviceName: 'archive-compactor' });

export const handler = createScheduledRun({
  store: new S3ObjectStore({ client: new S3Client({}), bucket: config.bucket }),
  config,
  logger: {
    debug: (message, fields) => powertoolsLogger.debug(message, { ...fields }),
    info: (message, fields) => powertoolsLogger.info(message, { ...fields }),
    warn: (message, fields) => powertoolsLogger.warn(message, { ...fields }),
    error: (message, fields) => powertoolsLogger.error(message, { ...fields }),
  },
  metrics: { count: (name, value) => powertoolsMetrics.addMetric(name, MetricUnit.Count, value) },
  publishMetrics: () => powertoolsMetrics.publishStoredMetrics(),
});
