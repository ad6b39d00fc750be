/**
 * A token bucket per connection: `burst` frames at once, then `perSecond` frames a second. Keeps
 * one chatty or hostile client from running the routes (and their DynamoDB and post calls)
 * as fast as it can write frames.
 */
export class FrameRateLimit {
  #tokens: number;
  #refilledAt: number;

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#tokens = burst;
    this.#refilledAt = now();
  }

  /** True when a frame arriving now may go to its route (and spends a token). */
  take(): boolean {
    const now = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#refilledAt) / 1000) * this.perSecond);
    this.#refilledAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
