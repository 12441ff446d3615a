import type { TopicMessage, TopicName, Topics } from '@github-webhooks/ingestion';
import type { Outbox } from './outbox';

/**
 * The two topics, in process: *public* messages go into the durable outbox (on disk before the
 * delivery is acknowledged) for the relay to Pulse; *all* messages go to in-process subscribers.
 */
export class LocalTopics implements Topics {
  private readonly subscribers = new Set<(message: TopicMessage) => void>();

  constructor(private readonly outbox: Outbox) {}

  subscribeAll(subscriber: (message: TopicMessage) => void): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  async publish(topic: TopicName, message: TopicMessage): Promise<void> {
    if (topic === 'public') return this.outbox.append(message.body);
    for (const subscriber of this.subscribers) subscriber(message);
  }
}
