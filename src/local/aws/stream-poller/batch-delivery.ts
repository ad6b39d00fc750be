/**
 * Lambda's semantics for one batch read from a shard, as an event source mapping with
 * ReportBatchItemFailures, BisectBatchOnFunctionError, MaximumRetryAttempts and an on-failure
 * destination applies them:
 *
 * 1. Invoke with the whole batch: a fresh event each time, a Lambda-like context, a timeout.
 * 2. Read the answer (docs: "Configuring partial batch response with DynamoDB and Lambda"):
 *    nothing or an empty list is success; `batchItemFailures` means the records before the
 *    lowest failed sequence number are done and the rest is retried.
 * 3. Error (thrown, timed out, invalid answer): with bisect on and more than one record, split
 *    the batch in two and invoke each half in order; otherwise retry the same records.
 * 4. Records that failed more than `maxRetryAttempts` retries are given up (reported as an
 *    on-failure destination would receive them), and the batch moves on, so a bad record never
 *    blocks its shard.
 *
 * Splitting does not spend the retry budget: it only narrows down which record is bad, and it
 * ends after log2(batch size) splits, so a record is still invoked a bounded number of times.
 */
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { createLambdaContext } from "../lambda-context.ts";
import type { PollerLogger } from "./poller-logger.ts";

export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;

// 1. Invoking the handler.

export interface InvokerOptions {
  readonly functionName: string;
  readonly timeoutMs: number;
}

export async function invokeStreamHandler(
  handler: StreamHandler,
  records: readonly DynamoDBRecord[],
  options: InvokerOptions,
): Promise<BatchOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HandlerTimeoutError(options.timeoutMs)), options.timeoutMs);
  });
  try {
    const event: DynamoDBStreamEvent = { Records: structuredClone([...records]) };
    const response = await Promise.race([handler(event, createLambdaContext(options.functionName, options.timeoutMs)), timedOut]);
    return readBatchResponse(response, records);
  } catch (error) {
    return { kind: "error", error };
  } finally {
    clearTimeout(timer);
  }
}

/** The handler ran past its timeout; Lambda counts that as a failed invocation. */
export class HandlerTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(
      `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds. Make the stream handler ` +
        "finish sooner or raise the poller's timeoutMs.",
    );
    this.name = "HandlerTimeoutError";
  }
}

// 2. Reading its answer.

export type BatchOutcome =
  | { readonly kind: "success" }
  /** Records from `failedFrom` on (the lowest failed sequence number) must be retried. */
  | { readonly kind: "partial"; readonly failedFrom: number }
  /** The whole batch failed: the handler threw, timed out or answered something invalid. */
  | { readonly kind: "error"; readonly error: unknown };

export function readBatchResponse(response: unknown, records: readonly DynamoDBRecord[]): BatchOutcome {
  // A null, empty or failure-less answer is a complete success.
  if (response === undefined || response === null || typeof response !== "object") return { kind: "success" };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: "success" };
  if (!Array.isArray(failures)) return invalid("batchItemFailures is not a list");
  if (failures.length === 0) return { kind: "success" };
  let failedFrom = records.length;
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== "string" || id === "") return invalid("an itemIdentifier is missing or empty");
    const index = records.findIndex((record) => record.dynamodb?.SequenceNumber === id);
    if (index < 0) return invalid(`itemIdentifier ${id} is not a sequence number of this batch`);
    failedFrom = Math.min(failedFrom, index);
  }
  return { kind: "partial", failedFrom };
}

function invalid(reason: string): BatchOutcome {
  return { kind: "error", error: new InvalidBatchResponseError(reason) };
}

/** The handler's batchItemFailures could not be read; Lambda then fails the whole batch. */
export class InvalidBatchResponseError extends Error {
  constructor(reason: string) {
    super(
      `Invalid batch response: ${reason}. Return { batchItemFailures: [{ itemIdentifier: <SequenceNumber> }] } ` +
        "naming records of the batch, or nothing when all succeeded.",
    );
    this.name = "InvalidBatchResponseError";
  }
}

// 3. Retries and bisection.

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
    const lastError = outcome.kind === "error" ? outcome.error : new Error("the handler reported these records in batchItemFailures");
    await options.giveUp(records.slice(retry.start, retry.end), { invocations: failed, lastError });
    givenUp += retry.end - retry.start;
    completed = retry.end;
  }
  return { completed, invocations, givenUp };
}

// 4. Giving up.

/** What an on-failure destination would receive, with the records themselves. */
export interface StreamFailure {
  readonly condition: "RetryAttemptsExhausted";
  readonly streamArn: string;
  readonly shardId: string;
  readonly approximateInvokeCount: number;
  readonly error: string;
  readonly records: DynamoDBRecord[];
}

/**
 * Hands given-up records to the on-failure callback and logs them. A failing callback must not
 * block the shard either: the records then survive in the log only.
 */
export async function reportFailure(
  failure: Omit<StreamFailure, "condition" | "error"> & { readonly error: unknown },
  onFailure: ((failure: StreamFailure) => void | Promise<void>) | undefined,
  logger: PollerLogger,
): Promise<void> {
  const { error } = failure;
  const report: StreamFailure = {
    ...failure,
    condition: "RetryAttemptsExhausted",
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  };
  logger.error("stream records given up after retries", {
    shardId: report.shardId,
    count: report.records.length,
    sequenceNumbers: report.records.map((record: DynamoDBRecord) => record.dynamodb?.SequenceNumber),
    error: report.error,
  });
  try {
    await onFailure?.(report);
  } catch (onFailureError) {
    logger.error("onFailure failed; the given-up records are only in this log", {
      error: String(onFailureError),
      records: report.records,
    });
  }
}
