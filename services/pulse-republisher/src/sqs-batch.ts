import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { RepublishPorts } from './ports';
import { type RepublishSettings, republishBatch } from './republish';

/**
 * An SQS batch in, the partial batch response out: only the messages not published are reported,
 * so SQS retries those alone and moves them to the dead-letter queue after a few receives.
 */
export async function handleSqsBatch(
  event: SQSEvent,
  settings: RepublishSettings,
  ports: RepublishPorts,
): Promise<SQSBatchResponse> {
  const messages = event.Records.map((record) => ({ messageId: record.messageId, body: record.body }));
  const outcomes = await republishBatch(messages, settings, ports);
  const failed = outcomes.filter((outcome) => outcome.status === 'failed');
  ports.logger.info('batch done', {
    received: outcomes.length,
    published: outcomes.length - failed.length,
    failed: failed.length,
  });
  return { batchItemFailures: failed.map((outcome) => ({ itemIdentifier: outcome.messageId })) };
}
