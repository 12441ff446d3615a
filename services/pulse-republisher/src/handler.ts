/**
 * Lambda composition root: SQS batches from the public topic's queue -> Pulse. Everything at module
 * level runs once per container, so the broker connection is reused across invocations;
 * configuration errors fail the start naming the variable.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ObjectStore } from '@github-webhooks/object-store';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { BrokerUrlError, checkBrokerUrl } from './amqp/broker-url';
import { AmqpPublisher } from './amqp/publisher';
import { brokerObserver } from './broker-observer';
import { readConfig } from './config';
import { powertoolsLogger, powertoolsMetrics } from './powertools';
import { handleSqsBatch } from './sqs-batch';

const config = readConfig(process.env);
const logger = new Logger({ serviceName: 'github-webhooks-pulse-republisher' });
const metrics = new Metrics({ namespace: 'GithubWebhooks', serviceName: 'pulse-republisher' });
const log = powertoolsLogger(logger);
const count = powertoolsMetrics(metrics);

/** The AMQP URL from SSM (SecureString), cached for maxAge; re-read when the broker refused it. */
async function brokerUrl({ refresh }: { refresh: boolean }): Promise<string> {
  const source = `SSM parameter ${config.amqpUrlParameter}`;
  const value = await getParameter(config.amqpUrlParameter, {
    decrypt: true,
    maxAge: config.amqpUrlMaxAgeSeconds,
    forceFetch: refresh,
  });
  if (typeof value !== 'string') throw new BrokerUrlError(`${source} does not exist or is empty`);
  return checkBrokerUrl(value, source);
}

const publisher = new AmqpPublisher({
  url: brokerUrl,
  exchanges: config.declareExchanges
    ? [config.exchanges.v1, ...(config.exchanges.v2 === undefined ? [] : [config.exchanges.v2])]
    : [],
  window: config.publishWindow,
  confirmTimeoutMs: config.confirmTimeoutMs,
  connectTimeoutMs: config.connectTimeoutMs,
  observer: brokerObserver(log, count),
});

const ports = {
  publisher,
  payloads: new S3ObjectStore({ client: new S3Client({ maxAttempts: 3 }), bucket: config.archiveBucket }),
  logger: log,
  metrics: count,
};
const settings = { policy: config.policy, exchanges: config.exchanges };

export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  logger.addContext(context);
  try {
    return await handleSqsBatch(event, settings, ports);
  } finally {
    metrics.publishStoredMetrics();
  }
}
