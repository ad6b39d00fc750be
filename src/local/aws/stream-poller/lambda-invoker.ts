/**
 * Calls a stream handler the way Lambda's event source mapping does: a fresh event object per
 * invocation (a handler that mutates it cannot change the retry), a Lambda-like context, a
 * timeout, and the answer read as a partial batch response.
 */
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { createLambdaContext } from "../lambda-context.ts";
import { readBatchResponse, type BatchOutcome } from "./batch-response.ts";

export type StreamHandler = (
  event: DynamoDBStreamEvent,
  context: Context,
) => Promise<DynamoDBBatchResponse | void>;

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
    timer = setTimeout(
      () => reject(new HandlerTimeoutError(options.timeoutMs)),
      options.timeoutMs,
    );
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
