import { FirehoseClient, PutRecordCommand } from '@aws-sdk/client-firehose';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { FirehoseArchive } from '../src/aws/firehose-archive';
import { SnsTopics } from '../src/aws/sns-topics';

const firehose = mockClient(FirehoseClient);
const sns = mockClient(SNSClient);
beforeEach(() => {
  firehose.reset();
  sns.reset();
});

describe('FirehoseArchive', () => {
  it('puts the line as one newline-terminated record on the stream', async () => {
    firehose.on(PutRecordCommand).resolves({ RecordId: 'r1' });
    await new FirehoseArchive(new FirehoseClient({}), 'archive-stream').append('{"delivery_id":"g"}\n');
    const calls = firehose.commandCalls(PutRecordCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input?.DeliveryStreamName).toBe('archive-stream');
    expect(Buffer.from(input?.Record?.Data ?? []).toString()).toBe('{"delivery_id":"g"}\n');
  });

  it('refuses a line without its newline, so S3 objects stay line-delimited', async () => {
    await expect(new FirehoseArchive(new FirehoseClient({}), 's').append('{}')).rejects.toThrow(TypeError);
    expect(firehose.commandCalls(PutRecordCommand)).toHaveLength(0);
  });

  it('passes on failures', async () => {
    firehose.on(PutRecordCommand).rejects(new Error('ServiceUnavailableException'));
    await expect(new FirehoseArchive(new FirehoseClient({}), 's').append('{}\n')).rejects.toThrow(
      'ServiceUnavailable',
    );
  });
});

describe('SnsTopics', () => {
  const arns = { all: 'arn:aws:sns:us-east-1:1:all', public: 'arn:aws:sns:us-east-1:1:public' };

  it.each([['all'], ['public']] as const)(
    'publishes to the %s topic with string attributes',
    async (topic) => {
      sns.on(PublishCommand).resolves({ MessageId: 'm' });
      const controller = new AbortController();
      await new SnsTopics(new SNSClient({}), arns).publish(
        topic,
        { body: '{"delivery_id":"g"}', attributes: { event: 'push', public: 'true', repository: 'o/r' } },
        { signal: controller.signal },
      );
      expect(sns.commandCalls(PublishCommand)[0]?.args[0].input).toEqual({
        TopicArn: arns[topic],
        Message: '{"delivery_id":"g"}',
        MessageAttributes: {
          event: { DataType: 'String', StringValue: 'push' },
          public: { DataType: 'String', StringValue: 'true' },
          repository: { DataType: 'String', StringValue: 'o/r' },
        },
      });
    },
  );
});
