/**
 * Lambda composition root: SQS batches from the public topic's queue -> Pulse. Everything at module
 * level runs once per container, so the broker connection is reused across invocations;
 * configuration errors fail the start naming the variable.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ObjectStore } from '@github-webhooks/object-store';
import { AmqpPublisher, brokerObserver, checkBrokerUrl, exchangeNames } from '@github-webhooks/pulse';
import { lambdaMonitoring } from '@github-webhooks/runtime/powertools';
import { readSecureString } from '@github-webhooks/runtime/secure-string';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { PowertoolsPublishLedger } from './adapters/powertools-ledger';
import { readConfig } from './config';
import { handleSqsBatch } from './sqs-batch';

const config = readConfig(process.env);
const monitoring = lambdaMonitoring('pulse-republisher');

/** The AMQP URL from SSM (SecureString), cached for maxAge; re-read when the broker refused it. */
async function brokerUrl({ refresh }: { refresh: boolean }): Promise<string> {
  const source = `SSM parameter ${config.amqpUrlParameter}`;
  const value = await readSecureString(config.amqpUrlParameter, {
    variable: 'AMQP_URL_PARAMETER',
    maxAgeSeconds: config.amqpUrlMaxAgeSeconds,
    forceFetch: refresh,
  });
  return checkBrokerUrl(value, source);
}

const publisher = new AmqpPublisher({
  url: brokerUrl,
  exchanges: config.declareExchanges ? exchangeNames(config.exchanges) : [],
  window: config.publishWindow,
  confirmTimeoutMs: config.confirmTimeoutMs,
  connectTimeoutMs: config.connectTimeoutMs,
  observer: brokerObserver(monitoring.logger, () => monitoring.metrics.count('BrokerUnavailable')),
});

// One message per delivery on Pulse: what was published is remembered for the window (DynamoDB).
// Bounded calls: a slow table costs a message a few seconds, then it is published without the ledger.
const ledger =
  config.publishLedger &&
  new PowertoolsPublishLedger({
    tableName: config.publishLedger.table,
    windowSeconds: config.publishLedger.windowSeconds,
    client: new DynamoDBClient({
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
    }),
    logger: monitoring.logger,
    metrics: monitoring.metrics,
  });

const ports = {
  publisher,
  payloads: new S3ObjectStore({ client: new S3Client({ maxAttempts: 3 }), bucket: config.archiveBucket }),
  logger: monitoring.logger,
  metrics: monitoring.metrics,
  ...(ledger ? { ledger } : {}),
};
const settings = { policy: config.policy, exchanges: config.exchanges };

export function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  ledger?.registerLambdaContext(context);
  return monitoring.invocation(context, () => handleSqsBatch(event, settings, ports));
}
