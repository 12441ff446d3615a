import { brokerAddress, TcpProxy, type TestBroker, urlVia } from '@github-webhooks/fixtures';
import { AmqpPublisher, type AmqpPublisherOptions, brokerObserver } from '@github-webhooks/pulse';
import type { RepublishPorts, RepublishSettings } from '../../src';
import { MemoryPayloads, RecordingLogger, RepublisherMetrics } from './recording';
import { defaultPolicy } from './records';

export interface Harness {
  readonly proxy: TcpProxy;
  readonly publisher: AmqpPublisher;
  readonly logger: RecordingLogger;
  readonly metrics: RepublisherMetrics;
  readonly payloads: MemoryPayloads;
  readonly ports: RepublishPorts;
  readonly settings: RepublishSettings;
  readonly v1: string;
  readonly v2: string;
  /** Queue bound to `#` on v1. */
  readonly allV1: string;
  /** Queue bound to `mozilla.#` on v2. */
  readonly mozillaV2: string;
  close(): Promise<void>;
}

/**
 * The republisher wired as the handler wires it (real publisher, broker observer), in front of the
 * real broker through a TCP proxy the test controls, with in-memory payloads and recorded logs.
 */
export async function startHarness(
  broker: TestBroker,
  options: { v2?: boolean; publisher?: Partial<AmqpPublisherOptions> } = {},
): Promise<Harness> {
  const proxy = await TcpProxy.start(brokerAddress());
  const v1 = await broker.exchange('v1');
  const v2 = await broker.exchange('v2');
  const allV1 = await broker.queue([{ exchange: v1, pattern: '#' }]);
  const mozillaV2 = await broker.queue([{ exchange: v2, pattern: 'mozilla.#' }]);
  const logger = new RecordingLogger();
  const metrics = new RepublisherMetrics();
  const payloads = new MemoryPayloads();
  const useV2 = options.v2 ?? true;
  const publisher = new AmqpPublisher({
    url: urlVia(proxy),
    exchanges: useV2 ? [v1, v2] : [v1],
    window: 4,
    connectTimeoutMs: 2_000,
    observer: brokerObserver(logger, () => metrics.count('BrokerUnavailable')),
    ...options.publisher,
  });
  return {
    proxy,
    publisher,
    logger,
    metrics,
    payloads,
    ports: { publisher, payloads, logger, metrics },
    settings: { policy: defaultPolicy, exchanges: { original: [v1], dotted: useV2 ? v2 : undefined } },
    v1,
    v2,
    allV1,
    mozillaV2,
    close: async () => {
      await publisher.close();
      await proxy.close();
    },
  };
}
