/**
 * Runs `work` over `items` with at most `limit` in flight; results keep the items' order.
 * Bounded, unlike `Promise.all(items.map(…))`, so a large fan-out does not open thousands of
 * sockets at once or trip API Gateway's throttling all together.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency limit must be >= 1, got ${limit}`);
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

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
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
