/**
 * What the poller's callers wait on, without sleeps:
 * - StopSignal: one switch every loop of the poller watches, so `stop()` ends sleeps at once
 *   instead of waiting out a poll interval or a retry delay.
 * - DrainTracker: knows when every shard reader has caught up, i.e. each has finished a
 *   GetRecords that started after the question was asked and came back empty.
 */
export class StopSignal {
  #stopped = false;
  readonly #wakers = new Set<() => void>();

  get stopped(): boolean {
    return this.#stopped;
  }

  stop(): void {
    this.#stopped = true;
    for (const wake of this.#wakers) wake();
    this.#wakers.clear();
  }

  /** Resolves true after `ms`, or false as soon as the signal stops. */
  sleep(ms: number): Promise<boolean> {
    if (this.#stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.#wakers.delete(wake);
        resolve(true);
      }, ms);
      this.#wakers.add(wake);
    });
  }
}

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
