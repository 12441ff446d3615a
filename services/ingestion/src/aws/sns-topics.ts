import { type MessageAttributeValue, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { CallOptions, TopicMessage, TopicName, Topics } from '../ports';

/** The *all* and *public* SNS topics. */
export class SnsTopics implements Topics {
  constructor(
    private readonly client: SNSClient,
    private readonly arns: Readonly<Record<TopicName, string>>,
  ) {}

  async publish(topic: TopicName, message: TopicMessage, options: CallOptions = {}): Promise<void> {
    const attributes: Record<string, MessageAttributeValue> = {};
    for (const [name, value] of Object.entries(message.attributes)) {
      attributes[name] = { DataType: 'String', StringValue: value };
    }
    const command = new PublishCommand({
      TopicArn: this.arns[topic],
      Message: message.body,
      MessageAttributes: attributes,
    });
    await this.client.send(command, options.signal ? { abortSignal: options.signal } : {});
  }
}
