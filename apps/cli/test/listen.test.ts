import { connect } from 'amqplib';
import { listen } from '../src/commands/listen';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

describe('listen', () => {
  it('prints one line per message matching its patterns', async () => {
    const exchange = `test/listen-${process.pid}-${Date.now()}`;
    const body = Buffer.from(JSON.stringify({ event: 'push', request_id: 'g-1', payload: {} }));
    const lines: string[] = [];
    const connection = await connect(AMQP_URL, { noDelay: true });
    const channel = await connection.createConfirmChannel();
    try {
      const listening = listen({
        amqpUrl: AMQP_URL,
        exchange,
        patterns: ['mozilla.#'],
        count: 1,
        print: (line) => lines.push(line),
        stopped: new Promise(() => undefined),
        onReady: () => {
          channel.publish(exchange, 'other.repo.push', body, { messageId: 'g-0' });
          channel.publish(exchange, 'mozilla.gecko-dev.push', body, {
            messageId: 'g-1',
            headers: { 'x-github-webhooks-replay': 'true' },
          });
        },
      });
      expect(await listening).toBe(1);
      expect(lines.map((l) => JSON.parse(l))).toEqual([
        {
          routing_key: 'mozilla.gecko-dev.push',
          delivery_id: 'g-1',
          event: 'push',
          bytes: body.length,
          replay: true,
        },
      ]);
    } finally {
      await channel.deleteExchange(exchange).catch(() => undefined);
      await connection.close();
    }
  });
});
