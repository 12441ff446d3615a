import { exampleOf, TestBroker } from '@github-webhooks/fixtures';
import { handleSqsBatch, snsControlMessage } from '../src';
import { type Harness, startHarness } from './support/harness';
import { deliveryOf, expectedBody, inlineBody, queueMessage, sqsEvent, underOwner } from './support/records';

// SNS's own messages, in the JSON format AWS documents ("HTTP/HTTPS subscription confirmation JSON
// format", "… unsubscribe confirmation …", "… notification …"); SQS endpoints get the same document as
// the message body. fauxqs sends no confirmations, so they are modelled here.
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:github-webhooks-ingestion-prod-PublicTopic-1ABC';
const TOKEN =
  '2336412f37fb687f5d51e6e241d164b0533302ec696efc8f113cd2252ce8a925c1e44a3c4ca2984675da85b9bd8c05da8';
const signed = {
  Timestamp: '2026-11-28T15:06:18.123Z',
  SignatureVersion: '1',
  Signature:
    'EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=',
  SigningCertURL:
    'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem',
};
const subscriptionConfirmation = {
  Type: 'SubscriptionConfirmation',
  MessageId: '165545c9-2a5c-472c-8df2-7ff2be2b3b1b',
  Token: TOKEN,
  TopicArn: TOPIC,
  Message: `You have chosen to subscribe to the topic ${TOPIC}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
  SubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=${TOKEN}`,
  ...signed,
};
const unsubscribeConfirmation = {
  ...subscriptionConfirmation,
  Type: 'UnsubscribeConfirmation',
  MessageId: '47138184-6831-46b8-8f7c-afc488602d7d',
  Message: `You have chosen to deactivate subscription ${TOPIC}:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`,
};
const notification = (message: string) => ({
  Type: 'Notification',
  MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
  TopicArn: TOPIC,
  Subject: 'My First Message',
  Message: message,
  ...signed,
  UnsubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC}:c9135db0-26c4-47ec-8998-413945fb5a96`,
});

describe('snsControlMessage', () => {
  it.each([
    ['SubscriptionConfirmation', subscriptionConfirmation],
    ['UnsubscribeConfirmation', unsubscribeConfirmation],
    ['Notification', notification('Hello world!')],
  ])('recognises a %s as AWS documents it', (type, message) => {
    expect(snsControlMessage(JSON.stringify(message))).toEqual({
      type,
      messageId: message.MessageId,
      topicArn: TOPIC,
      timestamp: signed.Timestamp,
    });
  });

  it('takes nothing else for one: a record, an envelope carrying a record, other JSON, not JSON', () => {
    const record = inlineBody(deliveryOf(exampleOf('push')));
    for (const body of [
      record,
      // The stack's own subscription without raw delivery: a bad message (its alarm says so), not ignored.
      JSON.stringify(notification(record)),
      JSON.stringify({ ...subscriptionConfirmation, Token: undefined }),
      JSON.stringify({ ...subscriptionConfirmation, Type: 'Confirmation' }),
      JSON.stringify({ ...subscriptionConfirmation, delivery_id: 'x' }),
      '{"Type":',
      '["Type"]',
      'Type',
    ])
      expect(snsControlMessage(body)).toBeUndefined();
  });
});

describe('handleSqsBatch with SNS control messages in the queue', () => {
  let broker: TestBroker;
  let h: Harness;
  beforeEach(async () => {
    broker = await TestBroker.open();
  });
  afterEach(async () => {
    await h?.close();
    await broker.close();
  });

  it('logs and counts them, reports none as failed (never dead-lettered), and publishes the deliveries beside them', async () => {
    h = await startHarness(broker);
    const delivery = deliveryOf(underOwner(exampleOf('push'), 'mozilla'));
    const controls = [subscriptionConfirmation, unsubscribeConfirmation, notification('not a delivery')].map(
      (m) => queueMessage(JSON.stringify(m)),
    );
    const real = queueMessage(inlineBody(delivery));
    const response = await handleSqsBatch(
      sqsEvent([controls[0], real, ...controls.slice(1)] as never),
      h.settings,
      h.ports,
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(h.metrics.snapshot()).toEqual({ ControlMessageIgnored: 3, Published: 1 });
    const [published] = await broker.drain(h.allV1);
    expect(published?.content.equals(expectedBody(delivery))).toBe(true);
    for (const [i, message] of controls.entries()) {
      expect(h.logger.about(message.messageId)).toEqual([
        {
          level: 'warn',
          message: 'SNS control message ignored: not a delivery',
          fields: expect.objectContaining({
            sns_type: ['SubscriptionConfirmation', 'UnsubscribeConfirmation', 'Notification'][i],
            topic_arn: TOPIC,
          }),
        },
      ]);
    }
    // The token would confirm the subscription: it is never written anywhere.
    expect(JSON.stringify(h.logger.lines)).not.toContain(TOKEN);
    expect(h.logger.find('batch done')?.fields).toMatchObject({
      received: 4,
      published: 1,
      failed: 0,
      ignored: 3,
    });
  });
});
