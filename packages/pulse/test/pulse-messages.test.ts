import { pulseMessageBody } from '@github-webhooks/events';
import { DEFAULT_EXCHANGE_DOTTED, pulseMessagesFor } from '../src';

describe('pulseMessagesFor', () => {
  const route = {
    event: 'pull_request',
    deliveryId: 'd-1',
    receivedAt: '2026-11-28T15:06:18.123Z',
    repository: 'mozilla/gecko-dev',
    action: 'opened',
  };
  const payloadText = '{"action":"opened"}';

  it('sends the original format to each original exchange and the dotted keys to the dotted one', () => {
    const messages = pulseMessagesFor(route, payloadText, {
      original: ['exchange/github-webhooks/v1', 'exchange/github-webhooks/v2'],
      dotted: DEFAULT_EXCHANGE_DOTTED,
    });
    expect(messages.map((m) => [m.exchange, m.routingKey])).toEqual([
      ['exchange/github-webhooks/v1', 'mozilla/gecko-dev/pull_request'],
      ['exchange/github-webhooks/v2', 'mozilla/gecko-dev/pull_request'],
      ['exchange/github-webhooks/v3', 'mozilla.gecko-dev.pull_request.opened'],
    ]);
    const body = pulseMessageBody({ event: 'pull_request', deliveryId: 'd-1', payloadText });
    for (const message of messages) {
      expect(Buffer.from(message.body).equals(Buffer.from(body))).toBe(true);
      expect(message).toMatchObject({ messageId: 'd-1', timestamp: new Date(route.receivedAt) });
    }
  });

  it('sends nothing dotted when the dotted exchange is off', () => {
    const messages = pulseMessagesFor(route, payloadText, { original: ['x/v1'], dotted: undefined });
    expect(messages.map((m) => m.exchange)).toEqual(['x/v1']);
  });
});
