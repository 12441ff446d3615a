import type { TopicMessage, TopicName, Topics } from '@github-webhooks/ingestion';

/**
 * The two topics, in process. Nothing is written: the archive record, on disk before ingestion
 * publishes, is the only durable copy, and the relay publishes the public ones from it. A *public*
 * message only tells the relay one more is waiting; *all* messages go to in-process subscribers.
 */
export class LocalTopics implements Topics {
  private readonly subscribers = new Set<(message: TopicMessage) => void>();

  constructor(private readonly onPublic: () => void = () => undefined) {}

  subscribeAll(subscriber: (message: TopicMessage) => void): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  async publish(topic: TopicName, message: TopicMessage): Promise<void> {
    if (topic === 'public') return this.onPublic();
    for (const subscriber of this.subscribers) subscriber(message);
  }
}
