/**
 * One task per key at a time: a second task for a key starts only once the first has settled. The
 * publish ledgers use it so that one delivery twice in a batch (a redelivery read right after the
 * original) is published once: the second finds the first written down, or publishes if it failed;
 * the test proxies use it to make a conditional write's check and write one step per object.
 */
export class OnePerKey<T> {
  private readonly running = new Map<string, Promise<T>>();

  async run(key: string, task: () => Promise<T>): Promise<T> {
    for (let current = this.running.get(key); current !== undefined; current = this.running.get(key))
      await current.catch(() => undefined);
    const started = task();
    this.running.set(key, started);
    try {
      return await started;
    } finally {
      if (this.running.get(key) === started) this.running.delete(key);
    }
  }
}
