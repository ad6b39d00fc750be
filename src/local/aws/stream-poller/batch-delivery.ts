/**
 * Lambda's retry semantics for one batch read from a shard, with the invocation passed in.
 *
 * 1. Invoke with the whole batch.
 * 2. Partial failure: the records before the lowest failed one are done; retry from it on.
 * 3. Error (thrown, timed out, invalid answer): with bisect on and more than one record, split
 *    the batch in two and invoke each half in order; otherwise retry the same records.
 * 4. Records that failed more than `maxRetryAttempts` retries go to `giveUp`, and the batch
 *    moves on, so a bad record never blocks its shard.
 *
 * Splitting does not spend the retry budget: it only narrows down which record is bad, and it
 * ends after log2(batch size) splits, so a record is still invoked a bounded number of times.
 */
import type { BatchOutcome } from "./batch-response.ts";

export interface DeliveryOptions<R> {
  invoke(records: R[]): Promise<BatchOutcome>;
  readonly maxRetryAttempts: number;
  readonly bisectOnError: boolean;
  /** Called with records whose retries ran out, before the batch moves on. */
  giveUp(records: R[], details: { invocations: number; lastError: unknown }): Promise<void>;
  /** Awaited before every invocation after the first; false stops delivery (poller stopping). */
  beforeRetry(): Promise<boolean>;
}

export interface DeliveryResult {
  /** How many leading records are done (succeeded or given up); the rest must be read again. */
  readonly completed: number;
  readonly invocations: number;
  readonly givenUp: number;
}

interface Segment {
  readonly start: number;
  readonly end: number;
  readonly retries: number;
  /** Failed invocations these records took part in, for the failure report. */
  readonly invocations: number;
}

export async function deliverBatch<R>(records: readonly R[], options: DeliveryOptions<R>): Promise<DeliveryResult> {
  const pending: Segment[] = [{ start: 0, end: records.length, retries: 0, invocations: 0 }];
  let completed = 0;
  let invocations = 0;
  let givenUp = 0;
  while (pending.length > 0) {
    if (invocations > 0 && !(await options.beforeRetry())) break;
    const segment = pending.shift()!;
    invocations++;
    const outcome = await options.invoke(records.slice(segment.start, segment.end));
    if (outcome.kind === "success") {
      completed = segment.end;
      continue;
    }
    const failed = segment.invocations + 1;
    let retry: Segment;
    if (outcome.kind === "partial") {
      completed = segment.start + outcome.failedFrom;
      retry = { start: completed, end: segment.end, retries: segment.retries + 1, invocations: failed };
    } else if (options.bisectOnError && segment.end - segment.start > 1) {
      const middle = segment.start + Math.ceil((segment.end - segment.start) / 2);
      pending.unshift(
        { start: segment.start, end: middle, retries: segment.retries, invocations: failed },
        { start: middle, end: segment.end, retries: segment.retries, invocations: failed },
      );
      continue;
    } else {
      retry = { ...segment, retries: segment.retries + 1, invocations: failed };
    }
    if (retry.retries <= options.maxRetryAttempts) {
      pending.unshift(retry);
      continue;
    }
    const lastError =
      outcome.kind === "error" ? outcome.error : new Error("the handler reported these records in batchItemFailures");
    await options.giveUp(records.slice(retry.start, retry.end), { invocations: failed, lastError });
    givenUp += retry.end - retry.start;
    completed = retry.end;
  }
  return { completed, invocations, givenUp };
}
