import type { PublisherObserver } from '@github-webhooks/pulse';

export interface BrokerStatus {
  readonly connected: boolean;
  readonly lastError: string | undefined;
  /** Since when the broker has been away (a connect failed, or the connection was lost), if it is. */
  readonly awaySince: number | undefined;
}

/** Follows the publisher's connection for /healthz (pulse's brokerObserver writes the logs). */
export class BrokerState {
  private status: BrokerStatus = { connected: false, lastError: undefined, awaySince: undefined };

  constructor(private readonly clock: () => number = Date.now) {}

  get current(): BrokerStatus {
    return this.status;
  }

  readonly observer: PublisherObserver = {
    connected: () => {
      this.status = { connected: true, lastError: undefined, awaySince: undefined };
    },
    connectFailed: (error) => {
      this.status = {
        connected: false,
        lastError: error.message,
        awaySince: this.status.awaySince ?? this.clock(),
      };
    },
    connectionLost: () => {
      this.status = { ...this.status, connected: false, awaySince: this.status.awaySince ?? this.clock() };
    },
  };
}
