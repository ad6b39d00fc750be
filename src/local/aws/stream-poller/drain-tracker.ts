/**
 * Knows when every shard reader has caught up: each has finished a GetRecords that started
 * after the question was asked and came back empty. Lets tests and shutdown wait without sleeps.
 */
export class DrainTracker {
  readonly #lastEmptyPoll = new Map<string, number>();
  readonly #waiters: { since: number; resolve: () => void }[] = [];

  constructor(
    private readonly activeShards: () => Iterable<string>,
    /** True while something may still start a reader (shard discovery in flight). */
    private readonly busy: () => boolean,
  ) {}

  polled(shardId: string, empty: boolean, startedAt: number): void {
    if (empty) this.#lastEmptyPoll.set(shardId, startedAt);
    else this.#lastEmptyPoll.delete(shardId);
    this.check();
  }

  forget(shardId: string): void {
    this.#lastEmptyPoll.delete(shardId);
    this.check();
  }

  drained(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiters.push({ since: performance.now(), resolve });
      this.check();
    });
  }

  /** Resolves every waiter, caught up or not (the poller is stopping). */
  release(): void {
    for (const waiter of this.#waiters.splice(0)) waiter.resolve();
  }

  check(): void {
    if (this.busy()) return;
    const shards = [...this.activeShards()];
    for (const waiter of [...this.#waiters]) {
      if (shards.every((id) => (this.#lastEmptyPoll.get(id) ?? -1) >= waiter.since)) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }
}
