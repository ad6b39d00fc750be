/**
 * Waiting for a condition with a deadline instead of a fixed sleep, for tests, bench and soak.
 * `until` gives up quietly (the caller decides what a timeout means); `waitFor` fails the test.
 *
 * @example
 * const rows = await waitFor(async () => ((await count()) === 0 ? true : undefined), { what: "rows removed" });
 */

export interface WaitOptions {
  readonly timeoutMs?: number;
  /** Pause between checks. */
  readonly intervalMs?: number;
}

/** Polls `check` until it returns a value other than undefined; undefined once the deadline passed. */
export async function until<T>(
  check: () => T | undefined | Promise<T | undefined>,
  { timeoutMs = 5_000, intervalMs = 20 }: WaitOptions = {},
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}

/**
 * Polls `check` until it returns a value other than undefined, or fails after the deadline.
 * A check that throws counts as not yet; its last error becomes the timeout's cause.
 */
export async function waitFor<T>(
  check: () => T | undefined | Promise<T | undefined>,
  { timeoutMs = 5_000, intervalMs = 20, what = "condition" }: WaitOptions & { readonly what?: string } = {},
): Promise<T> {
  let lastError: unknown;
  const value = await until(
    async () => {
      try {
        return await check();
      } catch (error) {
        lastError = error;
        return undefined;
      }
    },
    { timeoutMs, intervalMs },
  );
  if (value === undefined) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
  return value;
}

/** Whether `work` settled within `timeoutMs`. */
export async function settlesWithin(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([work.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
