import { createHash } from 'node:crypto';
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { deliveryKeyOf, formatRecordLine } from '@github-webhooks/events';
import { type Example, TestBroker, waitFor } from '@github-webhooks/fixtures';
import type { GetMessage } from 'amqplib';
import type { SQSBatchResponse } from 'aws-lambda';
import {
  DEFAULT_DEDUP_WINDOW_SECONDS,
  handleSqsBatch,
  PublishFailedError,
  type QueueMessage,
  type RepublishPorts,
} from '../src';
import { LEDGER_KEY_PREFIX, PowertoolsPublishLedger } from '../src/adapters/powertools-ledger';
import { type Harness, startHarness } from './support/harness';
import { LedgerTable } from './support/ledger-table';
import {
  deliveryOf,
  inlineBody,
  metaOf,
  onePerEvent,
  queueMessage,
  sqsEvent,
  type TestDelivery,
  underOwner,
} from './support/records';

const failedIds = (response: SQSBatchResponse): string[] =>
  response.batchItemFailures.map((failure) => failure.itemIdentifier).sort();

const countBy = (messages: GetMessage[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const m of messages) counts.set(m.properties.messageId, (counts.get(m.properties.messageId) ?? 0) + 1);
  return counts;
};

const firstExample = (): Example => onePerEvent()[0] as Example;

/** The item's `id` Powertools writes for a delivery: the prefix, then sha256 of the key's JSON. */
const itemIdOf = (delivery: TestDelivery, hookId = metaOf(delivery).hookId): string => {
  const digest = createHash('sha256').update(delivery.payloadText).digest('hex');
  const key = deliveryKeyOf(delivery.deliveryId, hookId, digest);
  return `${LEDGER_KEY_PREFIX}#${createHash('sha256').update(JSON.stringify(key)).digest('base64')}`;
};

/** The same delivery as a new SQS message: what SNS or GitHub's redelivery hands the queue again. */
const again = (message: QueueMessage): QueueMessage => queueMessage(String(message.body));

/** The delivery as it reached another hook of the same event: same GUID and body, its own hook. */
const toHook = (delivery: TestDelivery, hookId: string): string =>
  formatRecordLine({ ...metaOf(delivery), hookId }, { payloadText: delivery.payloadText }).trimEnd();

describe('the Powertools publish ledger (DynamoDB emulator) in front of RabbitMQ', () => {
  let broker: TestBroker;
  let table: LedgerTable;
  let h: Harness;
  let ledger: PowertoolsPublishLedger;
  let ports: RepublishPorts;
  /** What Lambda's context says is left of the invocation. */
  let remainingMs = 30_000;

  const ledgerOf = (options: { windowSeconds?: number } = {}) => {
    const made = new PowertoolsPublishLedger({
      tableName: table.name,
      windowSeconds: options.windowSeconds ?? DEFAULT_DEDUP_WINDOW_SECONDS,
      client: table.client,
      logger: h.logger,
      metrics: h.metrics,
    });
    made.registerLambdaContext({ getRemainingTimeInMillis: () => remainingMs });
    return made;
  };

  beforeAll(async () => {
    table = await LedgerTable.start();
  });

  afterAll(async () => {
    await table.close();
  });

  beforeEach(async () => {
    remainingMs = 30_000;
    broker = await TestBroker.open();
    h = await startHarness(broker);
    ledger = ledgerOf();
    ports = { ...h.ports, ledger };
  });

  afterEach(async () => {
    table.proxy.failWith = undefined;
    await h.close();
    await broker.close();
  });

  it('publishes a message SQS hands over twice (a retried batch) once, and counts one Deduplicated', async () => {
    const deliveries = onePerEvent()
      .slice(0, 3)
      .map((e) => deliveryOf(underOwner(e, 'mozilla')));
    const messages = deliveries.map((d) => queueMessage(inlineBody(d)));
    const before = Date.now();
    expect(await handleSqsBatch(sqsEvent(messages), h.settings, ports)).toEqual({ batchItemFailures: [] });
    // The batch again, as after a Lambda timed out once its publishes were confirmed: same message ids.
    expect(await handleSqsBatch(sqsEvent(messages.slice(0, 1)), h.settings, ports)).toEqual({
      batchItemFailures: [],
    });

    expect(countBy(await broker.drain(h.allV1))).toEqual(new Map(deliveries.map((d) => [d.deliveryId, 1])));
    expect(countBy(await broker.drain(h.mozillaV2))).toEqual(
      new Map(deliveries.map((d) => [d.deliveryId, 1])),
    );
    expect(h.metrics.snapshot()).toEqual({ Published: 3, Deduplicated: 1 });
    expect(h.logger.about(messages[0]?.messageId).map((l) => [l.level, l.message])).toEqual([
      ['info', 'published'],
      ['info', 'published before; not again'],
    ]);

    // Powertools' items: one per delivery, keyed on its identity, done, kept for the window (the TTL attribute).
    const items = new Map((await table.items()).map((item) => [item.id, item]));
    for (const delivery of deliveries) {
      const item = items.get(itemIdOf(delivery));
      expect(item?.status).toBe('COMPLETED');
      const expiration = Number(item?.expiration);
      expect(expiration).toBeGreaterThanOrEqual(Math.floor(before / 1000) + DEFAULT_DEDUP_WINDOW_SECONDS);
      expect(expiration).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + DEFAULT_DEDUP_WINDOW_SECONDS);
    }
    expect(table.proxy.timeToLiveOf(table.name)).toEqual({ AttributeName: 'expiration', Enabled: true });
  });

  it('has its table as the template defines it: TTL on expiration (the stand-in answers DescribeTimeToLive)', async () => {
    const described = await table.client.send(new DescribeTimeToLiveCommand({ TableName: table.name }));
    expect(described.TimeToLiveDescription).toEqual({
      TimeToLiveStatus: 'ENABLED',
      AttributeName: 'expiration',
    });
    const key = await table.client.send(new DescribeTableCommand({ TableName: table.name }));
    expect(key.Table?.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    await expect(
      table.client.send(new DescribeTimeToLiveCommand({ TableName: 'no-such-table' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('reads the item from the failed conditional write (ALL_OLD), as DynamoDB answers it: one call per duplicate', async () => {
    const message = queueMessage(inlineBody(deliveryOf(firstExample())));
    await handleSqsBatch(sqsEvent([message]), h.settings, ports);
    const calls = table.proxy.operations.length;
    const returned = table.proxy.counts.itemsReturned;
    await handleSqsBatch(sqsEvent([message]), h.settings, ports);
    expect(table.proxy.operations.slice(calls)).toEqual(['PutItem']);
    expect(table.proxy.counts.itemsReturned).toBe(returned + 1);
    expect(h.metrics.get('Deduplicated')).toBe(1);
  });

  it('publishes a delivery GitHub redelivered (same GUID, hook and body; a new SQS message) once', async () => {
    const delivery = deliveryOf(underOwner(firstExample(), 'mozilla'));
    const first = queueMessage(inlineBody(delivery));
    // In one batch (SNS delivered it twice, or the redelivery came at once) and in a later one.
    const redelivered = again(first);
    const later = again(first);
    expect(await handleSqsBatch(sqsEvent([first, redelivered]), h.settings, ports)).toEqual({
      batchItemFailures: [],
    });
    expect(await handleSqsBatch(sqsEvent([later]), h.settings, ports)).toEqual({ batchItemFailures: [] });
    expect(countBy(await broker.drain(h.allV1))).toEqual(new Map([[delivery.deliveryId, 1]]));
    expect(h.metrics.snapshot()).toEqual({ Published: 1, Deduplicated: 2 });
  });

  it('publishes one GUID delivered to two hooks twice: they are two deliveries', async () => {
    const delivery = deliveryOf(underOwner(firstExample(), 'mozilla'));
    const hookA = queueMessage(toHook(delivery, '111111'));
    const hookB = queueMessage(toHook(delivery, '222222'));
    expect(await handleSqsBatch(sqsEvent([hookA, hookB]), h.settings, ports)).toEqual({
      batchItemFailures: [],
    });
    expect(countBy(await broker.drain(h.allV1))).toEqual(new Map([[delivery.deliveryId, 2]]));
    expect(h.metrics.snapshot()).toEqual({ Published: 2 });
  });

  it('does not remember a failed publish: the retry publishes it', async () => {
    const delivery = deliveryOf(firstExample());
    const message = queueMessage(inlineBody(delivery));
    await h.proxy.refuse();
    expect(failedIds(await handleSqsBatch(sqsEvent([message]), h.settings, ports))).toEqual([
      message.messageId,
    ]);
    expect(await broker.drain(h.allV1)).toEqual([]);
    expect((await table.items()).map((item) => item.id)).not.toContain(itemIdOf(delivery));

    await h.proxy.accept();
    expect(await handleSqsBatch(sqsEvent([message]), h.settings, ports)).toEqual({ batchItemFailures: [] });
    expect(countBy(await broker.drain(h.allV1))).toEqual(new Map([[delivery.deliveryId, 1]]));
    expect(h.metrics.get('Published')).toBe(1);
    expect(h.metrics.get('Deduplicated')).toBe(0);
  });

  it('holds a failed publish whose item could not be deleted only until its invocation would have timed out', async () => {
    const delivery = deliveryOf(firstExample());
    const message = queueMessage(inlineBody(delivery));
    remainingMs = 1_500;
    await h.proxy.refuse();
    table.proxy.failWith = { status: 500, type: 'InternalServerError', operations: ['DeleteItem'] };
    expect(failedIds(await handleSqsBatch(sqsEvent([message]), h.settings, ports))).toEqual([
      message.messageId,
    ]);
    expect(h.logger.find('publish ledger: could not forget a failed publish')?.level).toBe('warn');
    table.proxy.failWith = undefined;
    await h.proxy.accept();
    // Its INPROGRESS item still stands: not published now (SQS's visibility timeout is far longer).
    expect(failedIds(await handleSqsBatch(sqsEvent([message]), h.settings, ports))).toEqual([
      message.messageId,
    ]);
    expect(JSON.stringify(h.logger.about(message.messageId).at(-1)?.fields)).toContain(
      'IdempotencyAlreadyInProgressError',
    );
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    expect(await handleSqsBatch(sqsEvent([message]), h.settings, ports)).toEqual({ batchItemFailures: [] });
    expect(countBy(await broker.drain(h.allV1))).toEqual(new Map([[delivery.deliveryId, 1]]));
    expect(h.metrics.snapshot()).toMatchObject({ Published: 1, PublishFailed: 2, LedgerUnavailable: 1 });
  });

  it('lets another container retry a delivery only once the invocation publishing it would have timed out', async () => {
    const key = `guid-${Date.now()}/123456/0123456789abcdef`;
    // Container A: its invocation has 1 s left and never hears back from the broker.
    remainingMs = 1_000;
    const stuck = ledgerOf();
    let claimed = false;
    const publishing = stuck.once(key, () => {
      claimed = true; // its INPROGRESS item is written before the publish is called
      return new Promise<void>(() => undefined);
    });
    await waitFor("container A's claim", () => claimed, 5_000);
    // Container B, meanwhile: the delivery is being published; its message fails, to be retried.
    remainingMs = 30_000;
    const other = ledgerOf();
    const published: string[] = [];
    const publish = async () => void published.push(key);
    await expect(other.once(key, publish)).rejects.toBeInstanceOf(PublishFailedError);
    // After A's deadline (SQS's visibility timeout is 6x the function's): B publishes, once.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await other.once(key, publish)).toBe('published');
    expect(await other.once(key, publish)).toBe('duplicate');
    expect(published).toEqual([key]);
    void publishing;
  });

  it('forgets a delivery after the window', async () => {
    const short = ledgerOf({ windowSeconds: 1 });
    const key = `guid-${Date.now()}/123456/fedcba9876543210`;
    const publish = jest.fn(async () => undefined);
    expect(await short.once(key, publish)).toBe('published');
    expect(await short.once(key, publish)).toBe('duplicate');
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect(await short.once(key, publish)).toBe('published');
    expect(publish).toHaveBeenCalledTimes(2);
  });

  it('publishes all the same when the ledger is unavailable, and says so (LedgerUnavailable)', async () => {
    const deliveries = onePerEvent()
      .slice(0, 2)
      .map((e) => deliveryOf(e));
    const messages = deliveries.map((d) => queueMessage(inlineBody(d)));
    table.proxy.failWith = { status: 400, type: 'ThrottlingException' };
    expect(await handleSqsBatch(sqsEvent(messages), h.settings, ports)).toEqual({ batchItemFailures: [] });
    expect(countBy(await broker.drain(h.allV1))).toEqual(new Map(deliveries.map((d) => [d.deliveryId, 1])));
    expect(h.metrics.snapshot()).toEqual({ Published: 2, LedgerUnavailable: 2 });
    const line = h.logger.find('publish ledger unavailable: publishing without it');
    expect(line?.level).toBe('error');
    expect(JSON.stringify(line?.fields.error)).toContain('ThrottlingException');
  });

  it('counts a publish confirmed but not recorded as done (the repeat it leaves possible)', async () => {
    const delivery = deliveryOf(firstExample());
    const message = queueMessage(inlineBody(delivery));
    table.proxy.failWith = { status: 500, type: 'InternalServerError', operations: ['UpdateItem'] };
    expect(await handleSqsBatch(sqsEvent([message]), h.settings, ports)).toEqual({ batchItemFailures: [] });
    expect(countBy(await broker.drain(h.allV1))).toEqual(new Map([[delivery.deliveryId, 1]]));
    expect(h.metrics.snapshot()).toEqual({ Published: 1, LedgerUnavailable: 1 });
    expect(h.logger.find('publish ledger: published, but not recorded')?.level).toBe('warn');
  });
});
