import { RecordingLogger } from '@github-webhooks/runtime/testing';
import { BrokerUnavailableError, brokerObserver, combineObservers, type PublisherObserver } from '../src';

const BROKER = 'amqp://127.0.0.1:5672/';

describe('combineObservers', () => {
  it('tells every observer every event, in order: the logs once, and the state a deployable keeps', () => {
    const logger = new RecordingLogger();
    const seen: string[] = [];
    const state: PublisherObserver = {
      connected: () => seen.push('connected'),
      connectFailed: (error) => seen.push(`failed ${error.reason}`),
      connectionLost: () => seen.push('lost'),
    };
    const observer = combineObservers(brokerObserver(logger), state);

    observer.connectFailed?.(new BrokerUnavailableError('unreachable', BROKER, 'connect ECONNREFUSED'));
    observer.connected?.({ broker: BROKER });
    observer.blocked?.({ broker: BROKER, reason: 'low on memory' });
    observer.unblocked?.({ broker: BROKER });
    observer.connectionLost?.({ broker: BROKER, error: undefined });

    expect(seen).toEqual(['failed unreachable', 'connected', 'lost']);
    expect(logger.lines.map((line) => [line.level, line.message])).toEqual([
      ['error', 'the broker is unreachable'],
      ['info', 'connected to the broker'],
      ['warn', 'the broker blocked publishing'],
      ['info', 'the broker unblocked publishing'],
      ['warn', 'lost the broker connection; the next publish reconnects'],
    ]);
    expect(logger.lines[2]?.fields).toEqual({ broker: BROKER, reason: 'low on memory' });
  });
});
