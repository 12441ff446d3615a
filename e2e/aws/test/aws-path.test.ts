import { randomUUID } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { readRecords } from '@github-webhooks/archive';
import {
  classify,
  createPrivacyPolicy,
  deliveryKey,
  formatRecordLine,
  pulseMessageBody,
  routingKeyV1,
  routingKeyV2,
} from '@github-webhooks/events';
import {
  allExamples,
  exampleOf,
  httpApiEvent,
  type LambdaProcess,
  scheduledEvent,
  signedRequest,
  sqsEvent,
} from '@github-webhooks/fixtures';
import type { APIGatewayProxyStructuredResultV2, SQSBatchResponse } from 'aws-lambda';
import { PulseConsumer, QueuePoller } from './support/pipeline';
import { AwsWorld, sqsRefuses } from './support/world';

const policy = createPrivacyPolicy();
const V1 = 'exchange/github-webhooks/v1';
// The dotted keys' exchange (the original system used …/v2 for its own format).
const DOTTED = 'exchange/github-webhooks/v3';

interface Sent {
  readonly id: string;
  readonly event: string;
  readonly payloadText: string;
  readonly payload: Record<string, unknown>;
  readonly isPublic: boolean;
}

let world: AwsWorld;
let ingestion: LambdaProcess;
let republisher: LambdaProcess;
let consumer: PulseConsumer;
let poller: QueuePoller;
/** Every delivery the ingestion function acknowledged (2xx), by GUID. */
const accepted = new Map<string, Sent>();
const figures: Record<string, number> = {};

beforeAll(async () => {
  world = await AwsWorld.start();
  [ingestion, republisher] = await Promise.all([
    world.startFunction('ingestion'),
    world.startFunction('pulse-republisher'),
  ]);
  consumer = await PulseConsumer.open(world, { v1: V1, v2: DOTTED });
  poller = new QueuePoller(world, republisher);
}, 120_000);

afterAll(async () => {
  await consumer?.close();
  await world?.stop();
  // The closing figures of the run (read by the closing note), on stderr.
  process.stderr.write(`aws-path figures: ${JSON.stringify({ ...figures, ...poller?.stats })}\n`);
});

async function deliver(
  request: ReturnType<typeof signedRequest>,
  options: { event?: string; base64?: boolean } = {},
) {
  const event = httpApiEvent({
    method: 'POST',
    path: '/webhook',
    headers: request.headers,
    body: request.body,
    ...(options.base64 === undefined ? {} : { base64: options.base64 }),
  });
  return ingestion.invoke<APIGatewayProxyStructuredResultV2>(event);
}

function remember(
  id: string,
  event: string,
  payload: Record<string, unknown>,
  payloadText = JSON.stringify(payload),
) {
  accepted.set(id, { id, event, payload, payloadText, isPublic: classify(event, payload, policy).public });
}

const publicOnes = () => [...accepted.values()].filter((s) => s.isPublic);
const uniqueIds = (messages: { properties: { messageId?: string } }[]) =>
  new Set(messages.map((m) => m.properties.messageId));

describe('the AWS path, from packaged bundles against emulated AWS protocols', () => {
  it('ingestion takes every real example, as JSON and as a form, signed, as API Gateway delivers them', async () => {
    const examples = allExamples();
    for (const [i, example] of examples.entries()) {
      const form = i % 7 === 0;
      const request = signedRequest({ event: example.event, payload: example.payload, form });
      const result = await deliver(request, { base64: i % 2 === 0 });
      expect([example.name, result.statusCode]).toEqual([example.name, example.event === 'ping' ? 200 : 202]);
      remember(request.id, example.event, example.payload);
    }
    figures.examples = examples.length;
    expect(accepted.size).toBe(examples.length);
  });

  it('stores a 2 MiB push by reference in the bucket, and refuses what it must', async () => {
    const push = exampleOf('push', (e) => classify(e.event, e.payload, policy).public);
    const big = { ...push.payload, padding: 'x'.repeat(2 * 1024 * 1024) };
    const request = signedRequest({ event: 'push', payload: big });
    expect((await deliver(request)).statusCode).toBe(202);
    remember(request.id, 'push', big);
    const payloads = await world.s3.send(
      new ListObjectsV2Command({
        Bucket: world.resource('ingestion', 'ArchiveBucket').name,
        Prefix: `payloads/${request.id}-`,
      }),
    );
    expect(payloads.KeyCount).toBe(1);
    const good = signedRequest({ event: 'push', payload: push.payload });
    const refusals: [string, ReturnType<typeof httpApiEvent>, number][] = [
      [
        'no such route',
        httpApiEvent({ method: 'POST', path: '/elsewhere', headers: good.headers, body: good.body }),
        404,
      ],
      [
        'GET',
        httpApiEvent({ method: 'GET', path: '/webhook', headers: good.headers, body: Buffer.alloc(0) }),
        405,
      ],
      [
        'text/plain',
        httpApiEvent({
          method: 'POST',
          path: '/webhook',
          headers: { ...good.headers, 'Content-Type': 'text/plain' },
          body: good.body,
        }),
        415,
      ],
      [
        'no event header',
        httpApiEvent({
          method: 'POST',
          path: '/webhook',
          headers: { ...good.headers, 'X-GitHub-Event': '' },
          body: good.body,
        }),
        400,
      ],
      [
        'a wrong signature',
        httpApiEvent({
          method: 'POST',
          path: '/webhook',
          headers: good.headers,
          body: Buffer.from(`${good.body} `),
        }),
        401,
      ],
      [
        'signed, not JSON',
        (() => {
          const r = signedRequest({ event: 'push', body: '{"truncated":' });
          return httpApiEvent({ method: 'POST', path: '/webhook', headers: r.headers, body: r.body });
        })(),
        400,
      ],
    ];
    for (const [name, event, status] of refusals) {
      const result = await ingestion.invoke<APIGatewayProxyStructuredResultV2>(event);
      expect([name, result.statusCode]).toEqual([name, status]);
    }
  });

  it('answers 503 while Firehose or SNS is down, and a redelivery of the same GUID is taken once', async () => {
    const issues = allExamples()
      .filter((e) => e.event === 'issues' && classify(e.event, e.payload, policy).public)
      .slice(0, 4);
    const attempt = async (
      label: string,
      fail: () => Promise<void> | void,
      heal: () => Promise<void> | void,
    ) => {
      await fail();
      const requests = issues.map((e) => signedRequest({ event: 'issues', payload: e.payload }));
      for (const request of requests)
        expect([label, (await deliver(request)).statusCode]).toEqual([label, 503]);
      await heal();
      for (const request of requests) {
        const redelivery = signedRequest({
          event: 'issues',
          payload: JSON.parse(request.body.toString()),
          id: request.id,
        });
        expect([label, (await deliver(redelivery)).statusCode]).toEqual([label, 202]);
        remember(request.id, 'issues', JSON.parse(request.body.toString()));
      }
    };
    await attempt(
      'Firehose down',
      () => {
        world.firehose.failWith = { status: 503, type: 'ServiceUnavailableException' };
      },
      () => {
        world.firehose.failWith = undefined;
      },
    );
    await attempt(
      'SNS unreachable',
      () => world.snsProxy.refuse(),
      () => world.snsProxy.accept(),
    );
    figures.redelivered = 2 * issues.length;
  });

  it('SNS fans the public ones out to the queue raw; the republisher bundle puts exactly those on Pulse, v1 and v2, byte for byte', async () => {
    const expected = publicOnes();
    expect(expected.length).toBeGreaterThan(100);
    // The broker is cut once in the middle of a batch: what was not confirmed stays on the queue.
    world.brokerProxy.cutAfterClientBytes(400_000);
    setTimeout(() => void world.brokerProxy.accept(), 3_000).unref();
    await poller.pollUntil(
      () => uniqueIds(consumer.v1).size >= expected.length && uniqueIds(consumer.v2).size >= expected.length,
    );
    expect(poller.stats.failed).toBeGreaterThan(0);
    for (const [name, messages, key] of [
      ['v1', consumer.v1, routingKeyV1],
      ['v2', consumer.v2, routingKeyV2],
    ] as const) {
      expect([name, [...uniqueIds(messages)].sort()]).toEqual([name, expected.map((s) => s.id).sort()]);
      for (const message of messages) {
        const sent = accepted.get(message.properties.messageId) as Sent;
        expect(message.fields.routingKey).toBe(key(sent.event, sent.payload));
        expect(
          message.content.equals(
            pulseMessageBody({ event: sent.event, deliveryId: sent.id, payloadText: sent.payloadText }),
          ),
        ).toBe(true);
        expect(message.properties).toMatchObject({ contentType: 'application/json', deliveryMode: 2 });
      }
    }
    figures.public = expected.length;
    figures.receivedV1 = consumer.v1.length;
    figures.duplicatesV1 = consumer.v1.length - uniqueIds(consumer.v1).size;
    // Nothing private went out.
    const privateIds = new Set([...accepted.values()].filter((s) => !s.isPublic).map((s) => s.id));
    expect(consumer.v1.filter((m) => privateIds.has(m.properties.messageId))).toEqual([]);
  });

  it('puts a public issue titled with U+FFFF and an unpaired surrogate on Pulse as GitHub sent it, though SQS refuses both', async () => {
    const issues = allExamples().find(
      (e) => e.event === 'issues' && classify(e.event, e.payload, policy).public,
    );
    if (issues === undefined) throw new Error('no public issues example');
    const payload = structuredClone(issues.payload) as { issue: { title: string } };
    payload.issue.title = 'crash on \uffff and \ud800 in a title';
    // GitHub's JSON: U+FFFF as its UTF-8 bytes, the unpaired surrogate as the escape \ud800 (UTF-8 cannot hold it).
    const body = JSON.stringify(payload);
    expect(sqsRefuses(body)).toMatch(/^U\+FFFF at/);
    const request = signedRequest({ event: 'issues', body });
    expect((await deliver(request)).statusCode).toBe(202);
    remember(request.id, 'issues', payload, body);
    // Through SNS and the queue (the harness's SQS refuses what SQS refuses) into the republisher bundle.
    await poller.pollUntil(() => consumer.v1.some((m) => m.properties.messageId === request.id));
    const expected = pulseMessageBody({ event: 'issues', deliveryId: request.id, payloadText: body });
    for (const messages of [consumer.v1, consumer.v2]) {
      const published = messages.find((m) => m.properties.messageId === request.id);
      expect(published?.content.equals(expected)).toBe(true);
    }
    figures.refusedCharacters = 1;
  });

  it('gives the messages of the *all* topic the attributes a subscriber filters on', async () => {
    // A consumer of the all topic (e.g. a security team) subscribing with a filter policy on `public`.
    const queue = await world.sqs.send(new CreateQueueCommand({ QueueName: 'e2e-private-only' }));
    const url = queue.QueueUrl as string;
    const arn = (
      await world.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))
    ).Attributes?.QueueArn;
    await world.sns.send(
      new SubscribeCommand({
        TopicArn: world.resource('ingestion', 'AllTopic').arn,
        Protocol: 'sqs',
        Endpoint: arn,
        Attributes: {
          RawMessageDelivery: 'true',
          FilterPolicy: JSON.stringify({ public: ['false'], event: ['member'] }),
        },
      }),
    );
    const members = allExamples().filter((e) => e.event === 'member');
    for (const example of members) {
      const request = signedRequest({ event: 'member', payload: example.payload });
      expect((await deliver(request)).statusCode).toBe(202);
      remember(request.id, 'member', example.payload);
    }
    const push = exampleOf('push', (e) => classify(e.event, e.payload, policy).public);
    const pushed = signedRequest({ event: 'push', payload: push.payload });
    expect((await deliver(pushed)).statusCode).toBe(202);
    remember(pushed.id, 'push', push.payload);
    const bodies: string[] = [];
    for (let tries = 0; bodies.length < members.length && tries < 20; tries++) {
      const received = await world.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      bodies.push(...(received.Messages ?? []).map((m) => m.Body ?? ''));
    }
    expect(bodies.map((b) => JSON.parse(b).event)).toEqual(members.map(() => 'member'));
    expect(bodies.every((b) => JSON.parse(b).public === false)).toBe(true);
  });

  it('logs, counts and deletes an SNS subscription confirmation someone had sent to its queue, never dead-lettering it', async () => {
    // fauxqs sends no confirmations: one as AWS documents it, as SNS puts it in a queue someone
    // subscribed to the public topic (the topic's policy now denies that from another account).
    const queue = world.resource('pulse-republisher', 'RepublishQueue');
    const topic = world.resource('ingestion', 'PublicTopic').arn;
    const token = `${randomUUID().replaceAll('-', '')}${'0'.repeat(96)}`;
    const confirmation = {
      Type: 'SubscriptionConfirmation',
      MessageId: randomUUID(),
      Token: token,
      TopicArn: topic,
      Message: `You have chosen to subscribe to the topic ${topic}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
      SubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${topic}&Token=${token}`,
      Timestamp: new Date().toISOString(),
      SignatureVersion: '1',
      Signature: 'EXAMPLE',
      SigningCertURL: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-example.pem',
    };
    await world.sqs.send(
      new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify(confirmation) }),
    );
    const failedBefore = poller.stats.failed;
    const ignored = () =>
      republisher.records().filter((r) => r.message === 'SNS control message ignored: not a delivery');
    await poller.pollUntil(() => ignored().length > 0, 30_000);
    expect(ignored()).toEqual([
      expect.objectContaining({ level: 'WARN', sns_type: 'SubscriptionConfirmation', topic_arn: topic }),
    ]);
    expect(poller.stats.failed).toBe(failedBefore);
    expect(republisher.output.join('\n')).not.toContain(token);
    const emf = republisher.records().filter((r) => typeof r.ControlMessageIgnored === 'number');
    expect(emf.reduce((sum, r) => sum + (r.ControlMessageIgnored as number), 0)).toBe(1);
    const dlq = world.resource('pulse-republisher', 'RepublishDeadLetterQueue');
    const peek = await world.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, WaitTimeSeconds: 0 }));
    expect(peek.Messages ?? []).toEqual([]);
  });

  it('moves a poison message to the dead-letter queue after the configured receives', async () => {
    const queue = world.resource('pulse-republisher', 'RepublishQueue');
    const dlq = world.resource('pulse-republisher', 'RepublishDeadLetterQueue');
    await world.sqs.send(
      new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'this is not an archive record' }),
    );
    const failedBefore = poller.stats.failed;
    let dead: unknown[] = [];
    await poller.pollUntil(async () => {
      const peek = await world.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: dlq.url, WaitTimeSeconds: 0, VisibilityTimeout: 30 }),
      );
      dead = peek.Messages ?? [];
      return dead.length > 0;
    }, 60_000);
    expect(dead).toMatchObject([{ Body: 'this is not an archive record' }]);
    const maxReceiveCount = (
      world.stacks['pulse-republisher'].template.resource('RepublishQueue').Properties.RedrivePolicy as {
        maxReceiveCount: number;
      }
    ).maxReceiveCount;
    expect(poller.stats.failed - failedBefore).toBe(maxReceiveCount);
    expect(republisher.records().some((r) => r.reason === 'bad_message')).toBe(true);
  });

  it('the compactor bundle, on its schedule, turns the Firehose objects into verified hourly files with every delivery once', async () => {
    await world.firehose.flush();
    const bucket = world.resource('ingestion', 'ArchiveBucket').name;
    const list = async (prefix: string) =>
      (
        (await world.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []
      ).map((o) => o.Key as string);
    const raw = await list('raw/');
    expect(raw.length).toBeGreaterThan(0);
    for (const key of raw)
      expect(key).toMatch(
        /^raw\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/github-webhooks-e2e-archive-1-\d{4}(-\d{2}){5}-[0-9a-f-]{36}\.gz$/,
      );
    // Three hours later, every hour written so far is closed.
    const later = 3 * 3_600_000;
    const compactor = await world.startFunction('archive-compactor', { clockOffsetMs: later });
    const summary = await compactor.invoke<{
      hoursCompacted: number;
      newRecords: number;
      duplicatesDropped: number;
      quarantined: number;
      rawDeleted: number;
    }>(scheduledEvent(new Date(Date.now() + later)));
    expect(summary).toMatchObject({ quarantined: 0, rawDeleted: raw.length });
    expect(await list('raw/')).toEqual([]);
    // hourly/ holds only data (Athena reads every object of a day's prefix); manifests are apart.
    const hourly = await list('hourly/');
    expect(hourly.every((k) => k.endsWith('.ndjson.gz'))).toBe(true);
    const manifests = await list('manifests/');
    expect(
      manifests.map((k) => k.replace(/^manifests\//, 'hourly/').replace('.manifest.json', '.ndjson.gz')),
    ).toEqual(hourly);
    const seen = new Map<string, number>();
    for (const key of hourly) {
      const object = await world.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      for await (const item of readRecords(object.Body as AsyncIterable<Uint8Array>)) {
        if (item.kind !== 'record') throw new Error(`unreadable line in ${key}: ${item.reason}`);
        expect(item.record.payload_ref).toBeUndefined();
        seen.set(item.record.delivery_id, (seen.get(item.record.delivery_id) ?? 0) + 1);
        const key2 = deliveryKey(item.record, item.line);
        expect(key2.startsWith(`${item.record.delivery_id}/`)).toBe(true);
      }
    }
    expect([...seen.keys()].sort()).toEqual([...accepted.keys()].sort());
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    figures.archived = seen.size;
    figures.duplicatesDropped = summary.duplicatesDropped;
    const manifest = JSON.parse(
      (await (
        await world.s3.send(new GetObjectCommand({ Bucket: bucket, Key: manifests[0] }))
      ).Body?.transformToString()) ?? '{}',
    );
    expect(manifest).toMatchObject({
      format: 'github-webhooks/hourly-manifest',
      records: expect.any(Number),
    });
    expect(await world.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: hourly[0] }))).toBeDefined();
  });

  it('the functions ask S3 for no encryption but the bucket’s (SSE-KMS with the archive key): no write names another', async () => {
    // The emulator ignores SSE; the archive bucket's policy (DenyOtherEncryption) refuses a write
    // asking for another than aws:kms, and one naming none gets the bucket's default.
    const writes = world.s3Watch.requests.filter((r) => r.method === 'PUT' || r.method === 'POST');
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.filter((r) => r.sse !== undefined && r.sse !== 'aws:kms')).toEqual([]);
    expect(writes.filter((r) => r.sseKeyId !== undefined)).toEqual([]);
    figures.s3Writes = writes.length;
  });
});

describe('the republisher bundle, on what it is given', () => {
  const push = () => exampleOf('push', (e) => classify(e.event, e.payload, policy).public);
  const record = (payloadText: string, id: string, ref?: { key: string; bytes: number; sha256: string }) =>
    formatRecordLine(
      { deliveryId: id, event: 'push', receivedAt: new Date(), public: true },
      ref === undefined ? { payloadText } : { payloadRef: ref },
    ).trimEnd();
  const event = (bodies: string[]) =>
    sqsEvent(
      bodies.map((Body, i) => ({ MessageId: `m-${i}`, ReceiptHandle: `r-${i}`, Body })),
      world.resource('pulse-republisher', 'RepublishQueue').arn,
    );

  it('fails its start naming the variable when its configuration is bad', async () => {
    await expect(
      world.startFunction('pulse-republisher', { environment: { ARCHIVE_BUCKET: '' } }),
    ).rejects.toThrow('ARCHIVE_BUCKET must be set');
    await expect(
      world.startFunction('pulse-republisher', { environment: { PUBLISH_WINDOW: 'many' } }),
    ).rejects.toThrow(/PUBLISH_WINDOW must be/);
    await expect(
      world.startFunction('pulse-republisher', { environment: { DEDUP_WINDOW_SECONDS: 'a week' } }),
    ).rejects.toThrow(/DEDUP_WINDOW_SECONDS must be/);
  });

  it('publishes a delivery once however often it is handed over (its DynamoDB ledger), and once per hook', async () => {
    const payloadText = JSON.stringify(push().payload);
    const id = `ledger-${randomUUID()}`;
    const forHook = (deliveryId: string, hookId: string) =>
      formatRecordLine(
        { deliveryId, event: 'push', receivedAt: new Date(), public: true, hookId },
        { payloadText },
      ).trimEnd();
    const queueArn = world.resource('pulse-republisher', 'RepublishQueue').arn;
    const handOver = async (MessageId: string, Body: string) =>
      (
        await republisher.invoke<SQSBatchResponse>(
          sqsEvent([{ MessageId, ReceiptHandle: `r-${MessageId}`, Body }], queueArn),
        )
      ).batchItemFailures;
    const recordsBefore = republisher.records().length;
    const returnedBefore = world.dynamodb.proxy.counts.itemsReturned;
    // Published; SQS hands the same message over again (a batch whose Lambda timed out after its
    // confirms); GitHub redelivers it (a new SQS message, same GUID, hook and body); the same GUID
    // reached a second hook (another delivery).
    expect(await handOver('first', forHook(id, '111111'))).toEqual([]);
    expect(await handOver('first', forHook(id, '111111'))).toEqual([]);
    expect(await handOver('redelivered', forHook(id, '111111'))).toEqual([]);
    expect(await handOver('other-hook', forHook(id, '222222'))).toEqual([]);
    // Published after them on the same connection: once it is here, nothing before it is on its way.
    const last = `ledger-last-${randomUUID()}`;
    expect(await handOver('last', forHook(last, '111111'))).toEqual([]);
    const count = (guid: string) => consumer.v1.filter((m) => m.properties.messageId === guid).length;
    for (let waited = 0; count(last) === 0 && waited < 10_000; waited += 50)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(count(last)).toBe(1);
    expect(count(id)).toBe(2);
    expect(consumer.v2.filter((m) => m.properties.messageId === id)).toHaveLength(2);

    const counted = (name: string) =>
      republisher
        .records()
        .slice(recordsBefore)
        .reduce((sum, r) => sum + (typeof r[name] === 'number' ? (r[name] as number) : 0), 0);
    expect({ published: counted('Published'), deduplicated: counted('Deduplicated') }).toEqual({
      published: 3,
      deduplicated: 2,
    });
    // The duplicates were told by the failed conditional write itself (its item, ALL_OLD), as on AWS.
    expect(world.dynamodb.proxy.counts.itemsReturned - returnedBefore).toBe(2);
    const table = world.resource('pulse-republisher', 'PublishLedgerTable').name;
    expect(world.dynamodb.proxy.timeToLiveOf(table)).toEqual({ AttributeName: 'expiration', Enabled: true });
    const items = await world.dynamodb.proxy.items(table);
    expect(items.every((item) => (item.status as { S: string }).S === 'COMPLETED')).toBe(true);
  });

  it('refuses a plain-text AMQP URL from SSM, never logging the credentials', async () => {
    world.ssm.put('/github-webhooks/dev/plain-url', { value: 'amqp://guest:guest@127.0.0.1:5672' });
    const fn = await world.startFunction('pulse-republisher', {
      environment: { AMQP_URL_PARAMETER: '/github-webhooks/dev/plain-url' },
    });
    const response = await fn.invoke<SQSBatchResponse>(
      event([record(JSON.stringify(push().payload), 'plain-1')]),
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-0' }]);
    const records = fn.records();
    expect(records.find((r) => r.message === 'cannot obtain a usable AMQP URL')).toMatchObject({
      level: 'ERROR',
      reason: 'url_unavailable',
    });
    expect(fn.output.join('\n')).not.toContain('guest:guest');
    const metrics = records.flatMap((r) =>
      (
        (r._aws as { CloudWatchMetrics?: { Metrics: { Name: string }[] }[] } | undefined)
          ?.CloudWatchMetrics ?? []
      ).flatMap((m) => m.Metrics.map((x) => x.Name)),
    );
    expect(metrics.sort()).toEqual(['BrokerUnavailable', 'PublishFailed']);
  });

  it('reports an unreachable broker once per batch, the URL read once', async () => {
    world.ssm.put('/github-webhooks/dev/nowhere-url', { value: 'amqps://user:secret-pw@localhost:1/pulse' });
    const fn = await world.startFunction('pulse-republisher', {
      environment: { AMQP_URL_PARAMETER: '/github-webhooks/dev/nowhere-url' },
    });
    for (const n of [1, 2]) {
      const response = await fn.invoke<SQSBatchResponse>(
        event([
          record(JSON.stringify(push().payload), `a-${n}`),
          record(JSON.stringify(push().payload), `b-${n}`),
        ]),
      );
      expect(response.batchItemFailures).toHaveLength(2);
    }
    expect(fn.records().filter((r) => r.message === 'the broker is unreachable')).toHaveLength(2);
    expect(world.ssm.requests.filter((r) => r.body.Name === '/github-webhooks/dev/nowhere-url')).toHaveLength(
      1,
    );
    expect(fn.output.join('\n')).not.toContain('secret-pw');
  });

  it('reports a payload reference to a missing object as a bad message', async () => {
    const ref = { key: `payloads/missing-${'c'.repeat(64)}.json.gz`, bytes: 10, sha256: 'c'.repeat(64) };
    const response = await republisher.invoke<SQSBatchResponse>(event([record('', 'missing', ref)]));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-0' }]);
    expect(
      republisher.records().find((r) => r.message_id === 'm-0' && r.delivery_id === 'missing'),
    ).toMatchObject({ reason: 'bad_message' });
  });
});
