/**
 * Remembers, per account, "no poll before this time" after a rate limit, so the collector skips
 * polls until the source's budget resets instead of spending requests on refusals.
 * Kept in memory: a new Lambda instance learns the same from the source's first refusal.
 */
export class PollPause {
  readonly #until = new Map<string, number>();

  /** Epoch ms before which the account is not polled, or undefined when it may be polled at `now`. */
  pausedUntil(userId: string, now: number): number | undefined {
    const until = this.#until.get(userId);
    if (until === undefined || until <= now) {
      this.#until.delete(userId);
      return undefined;
    }
    return until;
  }

  pause(userId: string, until: number): void {
    this.#until.set(userId, until);
  }
}
