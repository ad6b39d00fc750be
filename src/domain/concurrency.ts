/** Runs a task when a slot is free; resolves or rejects as the task does. */
export type Limiter = <R>(task: () => Promise<R>) => Promise<R>;

/**
 * A limit shared by many callers: at most `limit` tasks run at once, the rest wait in order.
 * The stream handler gives one to a whole batch, so writers fanned out side by side still share
 * one bound on open requests.
 */
export function createLimiter(limit: number): Limiter {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency limit must be >= 1, got ${limit}`);
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    // A finished task hands its slot straight to the next waiter, so a newcomer cannot slip in
    // between and push the count over the limit.
    if (running < limit) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
