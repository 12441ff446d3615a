import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { snsControlMessage } from './control-message';
import type { RepublishPorts } from './ports';
import { type QueueMessage, type RepublishSettings, republishBatch } from './republish';

/**
 * An SQS batch in, the partial batch response out: only the messages not published are reported,
 * so SQS retries those alone and moves them to the dead-letter queue after a few receives. SNS's
 * own control messages (a subscription confirmation someone had sent to the queue: control-message.ts)
 * are logged, counted and left to succeed: they are not deliveries, and never dead-lettered.
 */
export async function handleSqsBatch(
  event: SQSEvent,
  settings: RepublishSettings,
  ports: RepublishPorts,
): Promise<SQSBatchResponse> {
  const messages: QueueMessage[] = [];
  let ignored = 0;
  for (const record of event.Records) {
    const control = snsControlMessage(record.body);
    if (control === undefined) {
      messages.push({ messageId: record.messageId, body: record.body });
      continue;
    }
    ignored += 1;
    ports.metrics.count('ControlMessageIgnored');
    // Never the Token or the SubscribeURL: they would confirm the subscription.
    ports.logger.warn('SNS control message ignored: not a delivery', {
      message_id: record.messageId,
      sns_type: control.type,
      sns_message_id: control.messageId,
      topic_arn: control.topicArn,
      sns_timestamp: control.timestamp,
    });
  }
  const outcomes = await republishBatch(messages, settings, ports);
  const failed = outcomes.filter((outcome) => outcome.status === 'failed');
  ports.logger.info('batch done', {
    received: event.Records.length,
    published: outcomes.length - failed.length,
    failed: failed.length,
    ignored,
  });
  return { batchItemFailures: failed.map((outcome) => ({ itemIdentifier: outcome.messageId })) };
}
