import type { PublisherObserver } from '@github-webhooks/pulse';
import { describeError, type Logger } from '@github-webhooks/runtime';

export interface BrokerStatus {
  readonly connected: boolean;
  readonly lastError: string | undefined;
  /** Since when the broker has been away (a connect failed, or the connection was lost), if it is. */
  readonly awaySince: number | undefined;
}

/** Follows the publisher's connection for /healthz and the logs. */
export class BrokerState {
  private status: BrokerStatus = { connected: false, lastError: undefined, awaySince: undefined };

  constructor(
    private readonly logger: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  get current(): BrokerStatus {
    return this.status;
  }

  readonly observer: PublisherObserver = {
    connected: ({ broker }) => {
      this.status = { connected: true, lastError: undefined, awaySince: undefined };
      this.logger.info('connected to the broker', { broker });
    },
    connectFailed: (error) => {
      this.status = {
        connected: false,
        lastError: error.message,
        awaySince: this.status.awaySince ?? this.clock(),
      };
      this.logger.error('broker unavailable; public deliveries wait', { error: describeError(error) });
    },
    connectionLost: ({ broker }) => {
      this.status = { ...this.status, connected: false, awaySince: this.status.awaySince ?? this.clock() };
      this.logger.warn('lost the broker connection', { broker });
    },
  };
}
