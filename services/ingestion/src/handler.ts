/**
 * Lambda composition root: wires the AWS adapters into the ingestion use case. Everything here
 * runs once per container (cold start); configuration errors fail the start naming the variable.
 */
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { S3ObjectStore } from '@github-webhooks/object-store';
import { type InvocationContext, lambdaMonitoring } from '@github-webhooks/runtime/powertools';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { apiGatewayHandler } from './adapters/api-gateway';
import { FirehoseArchive } from './aws/firehose-archive';
import { SnsTopics } from './aws/sns-topics';
import { ssmSecrets } from './aws/ssm-secrets';
import { readConfig } from './config';
import { createRequestHandler } from './http/handle-request';
import { createIngest } from './ingest';
import { AWS_LIMITS } from './outgoing';

const config = readConfig(process.env);
// Short timeouts and one retry: GitHub waits 10 s at most, and a 5xx lets it redeliver.
const clientOptions = {
  maxAttempts: 2,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_500 },
} as const;
const monitoring = lambdaMonitoring('ingestion');

const handle = apiGatewayHandler(
  createRequestHandler(
    createIngest({
      archive: new FirehoseArchive(new FirehoseClient(clientOptions), config.archiveStreamName),
      topics: new SnsTopics(new SNSClient(clientOptions), {
        all: config.allTopicArn,
        public: config.publicTopicArn,
      }),
      payloads: new S3ObjectStore({ client: new S3Client(clientOptions), bucket: config.archiveBucket }),
      secrets: ssmSecrets(config.secretsParameter, config.secretsTtlSeconds, monitoring),
      policy: config.policy,
      logger: monitoring.logger,
      metrics: monitoring.metrics,
      clock: { now: () => new Date() },
      limits: AWS_LIMITS,
      deadlineMs: 8_000,
      allowSha1: config.allowSha1,
    }),
  ),
);

export function handler(
  event: APIGatewayProxyEventV2,
  context: InvocationContext,
): Promise<APIGatewayProxyStructuredResultV2> {
  return monitoring.invocation(context, () => handle(event));
}
