import { randomUUID } from 'node:crypto';
import {
  AMQP_URL,
  brokerAddress,
  TcpProxy,
  TestBroker,
  uniqueName,
  urlVia,
  urlWithWrongPassword,
} from '@github-webhooks/fixtures';
import {
  AmqpPublisher,
  BrokerUnavailableError,
  ConfirmTimeoutError,
  ConnectionLostError,
  type OutgoingMessage,
  PublisherClosedError,
  PublishNackedError,
} from '../src';

const message = (exchange: string, n: number, routingKey = `mozilla/gecko-dev/push`): OutgoingMessage => ({
  exchange,
  routingKey,
  body: Buffer.from(JSON.stringify({ event: 'push', request_id: `id-${n}`, payload: { n } })),
  messageId: `delivery-${n}-${randomUUID()}`,
  timestamp: new Date(1_714_979_289_123 + n * 1000),
});

const errorOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
};

describe('AmqpPublisher', () => {
  let broker: TestBroker;
  let proxy: TcpProxy;
  const publishers: AmqpPublisher[] = [];
  const publisher = (options: Partial<ConstructorParameters<typeof AmqpPublisher>[0]> = {}) => {
    const created = new AmqpPublisher({ url: urlVia(proxy), connectTimeoutMs: 2_000, ...options });
    publishers.push(created);
    return created;
  };

  beforeEach(async () => {
    broker = await TestBroker.open();
    proxy = await TcpProxy.start(brokerAddress());
  });

  afterEach(async () => {
    for (const created of publishers.splice(0)) await created.close();
    await proxy.close();
    await broker.close();
  });

  it('publishes persistent JSON messages with the delivery GUID and timestamp, confirmed', async () => {
    const exchange = await broker.exchange('props');
    const queue = await broker.queue([{ exchange, pattern: '#' }]);
    const sent = [1, 2, 3].map((n) => message(exchange, n));
    const pub = publisher();
    await Promise.all(sent.map((m) => pub.publish(m)));
    const received = await broker.drain(queue);
    expect(received.map((m) => m.content)).toEqual(sent.map((m) => m.body));
    for (const [i, got] of received.entries()) {
      expect(got.fields.exchange).toBe(exchange);
      expect(got.fields.routingKey).toBe('mozilla/gecko-dev/push');
      expect(got.properties).toMatchObject({
        messageId: sent[i]?.messageId,
        deliveryMode: 2,
        contentType: 'application/json',
        timestamp: 1_714_979_289 + (i + 1),
      });
    }
  });

  it('declares the exchanges it is given (topic, durable) on connecting', async () => {
    const exchange = uniqueName('declared');
    broker.track(exchange);
    const pub = publisher({ exchanges: [exchange] });
    await pub.publish(message(exchange, 1));
    // Asserting it again with the same properties succeeds only if they match.
    await expect(broker.channel.assertExchange(exchange, 'topic', { durable: true })).resolves.toBeDefined();
  });

  it('keeps one connection across calls and bounds the publishes in flight', async () => {
    const exchange = await broker.exchange('window');
    const queue = await broker.queue([{ exchange, pattern: '#' }]);
    const connected: string[] = [];
    const pub = publisher({ window: 3, observer: { connected: ({ broker }) => connected.push(broker) } });
    let most = 0;
    const batches = [0, 1, 2].map((b) => Array.from({ length: 20 }, (_, i) => message(exchange, b * 20 + i)));
    for (const batch of batches) {
      await Promise.all(
        batch.map((m) =>
          pub.publish(m).then(() => {
            most = Math.max(most, pub.inFlight);
          }),
        ),
      );
      most = Math.max(most, pub.inFlight);
    }
    expect(connected).toEqual([`amqp://127.0.0.1:${proxy.port}/`]);
    expect(proxy.accepted).toBe(1);
    expect(most).toBeLessThanOrEqual(3);
    expect(most).toBeGreaterThan(0);
    expect((await broker.drain(queue)).map((m) => m.properties.messageId)).toEqual(
      batches.flat().map((m) => m.messageId),
    );
  });

  it('reconnects after the connection dropped between calls', async () => {
    const exchange = await broker.exchange('reconnect');
    const queue = await broker.queue([{ exchange, pattern: '#' }]);
    const lost: unknown[] = [];
    const pub = publisher({ observer: { connectionLost: ({ error }) => lost.push(error) } });
    await pub.publish(message(exchange, 1));
    proxy.dropAll();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await pub.publish(message(exchange, 2));
    expect(proxy.accepted).toBe(2);
    expect(lost).toHaveLength(1);
    expect(await broker.drain(queue)).toHaveLength(2);
  });

  it('retries once on a fresh connection when the connection dies under a publish', async () => {
    const exchange = await broker.exchange('retry');
    const queue = await broker.queue([{ exchange, pattern: '#' }]);
    const pub = publisher();
    const second = message(exchange, 2);
    await pub.publish(message(exchange, 1));
    // The connection dies while the publish awaits its confirm: it goes out again on a new one.
    proxy.stall();
    const pending = pub.publish(second);
    await new Promise((resolve) => setTimeout(resolve, 50));
    proxy.dropAll();
    proxy.unstall();
    await pending;
    expect(proxy.accepted).toBe(2);
    const ids = (await broker.drain(queue)).map((m) => m.properties.messageId);
    expect(ids.filter((id) => id === second.messageId).length).toBeGreaterThanOrEqual(1);
  });

  it('fails with ConnectionLostError once retries are used up', async () => {
    const exchange = await broker.exchange('lost');
    const pub = publisher({ retriesOnConnectionLoss: 0 });
    await pub.publish(message(exchange, 1));
    proxy.stall();
    const pending = errorOf(pub.publish(message(exchange, 2)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    proxy.dropAll();
    expect(await pending).toBeInstanceOf(ConnectionLostError);
  });

  it('reports an unreachable broker, and connects once it is back', async () => {
    const exchange = await broker.exchange('unreachable');
    const failures: BrokerUnavailableError[] = [];
    const pub = publisher({ observer: { connectFailed: (error) => failures.push(error) } });
    await proxy.refuse();
    const error = await errorOf(pub.publish(message(exchange, 1)));
    expect(error).toBeInstanceOf(BrokerUnavailableError);
    expect(error).toMatchObject({ reason: 'unreachable', broker: `amqp://127.0.0.1:${proxy.port}/` });
    expect(failures).toEqual([error]);
    await proxy.accept();
    await pub.publish(message(exchange, 2));
  });

  it('meets an outage once per batch: publishes called before a failed connect share its error', async () => {
    const exchange = await broker.exchange('shared');
    const failures: BrokerUnavailableError[] = [];
    // A window of 2: the later publishes wait for a slot while the first attempt fails.
    const pub = publisher({ window: 2, observer: { connectFailed: (error) => failures.push(error) } });
    await proxy.refuse();
    const errors = await Promise.all([1, 2, 3, 4, 5].map((n) => errorOf(pub.publish(message(exchange, n)))));
    expect(new Set(errors).size).toBe(1);
    expect(failures).toHaveLength(1);
    expect(errors[0]).toBe(failures[0]);
    // A publish called afterwards tries again.
    expect(await errorOf(pub.publish(message(exchange, 6)))).not.toBe(failures[0]);
    expect(failures).toHaveLength(2);
  });

  it('meets an outage once per batch even when a publish of the batch comes after the failure', async () => {
    const exchange = await broker.exchange('batch-view');
    const failures: BrokerUnavailableError[] = [];
    const pub = publisher({ observer: { connectFailed: (error) => failures.push(error) } });
    await proxy.refuse();
    const batch = pub.batch();
    const first = await errorOf(batch.publish(message(exchange, 1)));
    // Called after the failed connect (a message whose ledger look-up came later): no new attempt.
    const second = await errorOf(batch.publish(message(exchange, 2)));
    expect(failures).toEqual([first]);
    expect(second).toBe(first);
    // The next batch tries again, and connects once the broker is back.
    await proxy.accept();
    await pub.batch().publish(message(exchange, 3));
    expect(failures).toHaveLength(1);
  });

  it('reports ACCESS_REFUSED and re-reads the URL on the next attempt', async () => {
    const exchange = await broker.exchange('refused');
    const requests: boolean[] = [];
    const pub = publisher({
      url: async ({ refresh }) => {
        requests.push(refresh);
        return requests.length === 1 ? urlWithWrongPassword() : AMQP_URL;
      },
    });
    const error = await errorOf(pub.publish(message(exchange, 1)));
    expect(error).toBeInstanceOf(BrokerUnavailableError);
    expect(error).toMatchObject({ reason: 'access_refused' });
    expect((error as Error).message).toContain('ACCESS_REFUSED');
    expect(String((error as Error).message)).not.toContain('wrong-');
    await pub.publish(message(exchange, 2));
    expect(requests).toEqual([false, true]);
  });

  it('reports a URL that cannot be obtained', async () => {
    const pub = publisher({
      url: async () => {
        throw new Error('ParameterNotFound');
      },
    });
    const error = await errorOf(pub.publish(message('any', 1)));
    expect(error).toMatchObject({ name: 'BrokerUnavailableError', reason: 'url_unavailable' });
    expect((error as Error).cause).toMatchObject({ message: 'ParameterNotFound' });
  });

  it('fails with PublishNackedError when the broker refuses the message', async () => {
    const exchange = await broker.exchange('nack');
    await broker.queue([{ exchange, pattern: '#' }], { maxLength: 0, rejectPublish: true });
    const error = await errorOf(publisher().publish(message(exchange, 1)));
    expect(error).toBeInstanceOf(PublishNackedError);
  });

  it('fails a publish whose confirm does not come in time, and starts afresh', async () => {
    const exchange = await broker.exchange('timeout');
    const queue = await broker.queue([{ exchange, pattern: '#' }]);
    const pub = publisher({ confirmTimeoutMs: 300 });
    const [first, late, next] = [1, 2, 3].map((n) => message(exchange, n));
    await pub.publish(first as OutgoingMessage);
    proxy.stall();
    const error = await errorOf(pub.publish(late as OutgoingMessage));
    expect(error).toBeInstanceOf(ConfirmTimeoutError);
    proxy.unstall();
    await pub.publish(next as OutgoingMessage);
    expect(proxy.accepted).toBe(2);
    // The timed-out message may or may not have reached the broker; the others did, once each.
    const ids = (await broker.drain(queue)).map((m) => m.properties.messageId);
    expect(ids.filter((id) => id === first?.messageId)).toHaveLength(1);
    expect(ids.filter((id) => id === next?.messageId)).toHaveLength(1);
    expect(ids.filter((id) => id === late?.messageId).length).toBeLessThanOrEqual(1);
  });

  it('names the missing exchange when it is not declared and does not exist', async () => {
    const pub = publisher();
    const missing = uniqueName('missing');
    const error = await errorOf(pub.publish(message(missing, 1)));
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect(String(((error as Error).cause as Error).message)).toContain('NOT_FOUND');
  });

  it('refuses to publish once closed', async () => {
    const pub = publisher();
    await pub.close();
    expect(await errorOf(pub.publish(message('any', 1)))).toBeInstanceOf(PublisherClosedError);
  });
});
