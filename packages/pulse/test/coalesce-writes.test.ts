import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { AMQP_URL, TestBroker } from '@github-webhooks/fixtures';
import { type ChannelModel, type ConfirmChannel, connect } from 'amqplib';
import { coalesceFrameWrites } from '../src/coalesce-writes';

/** The socket amqplib writes to (amqplib's own field, as coalesce-writes.ts knows it). */
const socketOf = (model: ChannelModel): Duplex =>
  (model as unknown as { connection: { stream: Duplex } }).connection.stream;

/** Counts the writes the socket hands the kernel: one `_write` per chunk, or one `_writev` for many. */
function countWrites(socket: Duplex): { readonly calls: number } {
  const counted = { calls: 0 };
  const target = socket as unknown as Record<'_write' | '_writev', (...args: unknown[]) => unknown>;
  for (const method of ['_write', '_writev'] as const) {
    const original = target[method];
    target[method] = function (this: unknown, ...args: unknown[]) {
      counted.calls++;
      return original.apply(this, args);
    };
  }
  return counted;
}

const publishAll = (channel: ConfirmChannel, exchange: string, bodies: readonly Buffer[]) =>
  Promise.all(
    bodies.map(
      (body, n) =>
        new Promise<void>((resolve, reject) => {
          channel.publish(
            exchange,
            'mozilla/gecko-dev/push',
            body,
            { persistent: true, messageId: `m-${n}` },
            (e) => (e ? reject(e) : resolve()),
          );
        }),
    ),
  );

const digest = (body: Buffer) => createHash('sha256').update(body).digest('hex');

describe('coalesceFrameWrites', () => {
  let broker: TestBroker;
  const models: ChannelModel[] = [];

  beforeEach(async () => {
    broker = await TestBroker.open();
  });

  afterEach(async () => {
    for (const model of models.splice(0)) await model.close();
    await broker.close();
  });

  // 32 publishes of 7.7 KB (two frames each) and one of 300 KB (three body frames at amqplib's
  // 128 KiB frame size), queued in one turn of the event loop.
  const bodies = [
    ...Array.from({ length: 32 }, (_, n) => Buffer.alloc(7_700, 97 + (n % 26))),
    Buffer.alloc(300_000, 122),
  ];

  const bytes = bodies.reduce((sum, body) => sum + body.length, 0);
  // Corked, a pass ends once the socket holds its high-water mark (write() says "full"), and the
  // next starts on 'drain': one write a pass. Not corked, one a frame: 2 per small message.
  it.each([
    {
      coalesced: true,
      writes: (n: number, highWaterMark: number) =>
        expect(n).toBeLessThanOrEqual(Math.ceil(bytes / highWaterMark) + 1),
    },
    { coalesced: false, writes: (n: number) => expect(n).toBeGreaterThanOrEqual(2 * 32) },
  ])(
    'coalesced $coalesced: the socket writes, and every message arrives whole, in order',
    async ({ coalesced, writes }) => {
      const exchange = await broker.exchange('coalesce');
      const queue = await broker.queue([{ exchange, pattern: '#' }]);
      const model = await connect(AMQP_URL, { noDelay: true });
      models.push(model);
      // Installed on the amqplib this project pins; the other case is amqplib as it comes.
      if (coalesced) expect(coalesceFrameWrites(model)).toBe(true);
      const channel = await model.createConfirmChannel();
      const socket = socketOf(model);
      const counted = countWrites(socket);

      await publishAll(channel, exchange, bodies);

      writes(counted.calls, socket.writableHighWaterMark);
      const received = await broker.drain(queue);
      expect(received.map((m) => digest(m.content))).toEqual(bodies.map(digest));
      expect(received.map((m) => m.properties.messageId)).toEqual(bodies.map((_, n) => `m-${n}`));
    },
  );

  it('changes nothing, and says so, on a connection that is not the amqplib it knows', () => {
    const model = { connection: { muxer: { out: {} } } } as unknown as ChannelModel;
    expect(coalesceFrameWrites(model)).toBe(false);
    expect(coalesceFrameWrites({} as ChannelModel)).toBe(false);
  });
});
