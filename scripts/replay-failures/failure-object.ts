/**
 * One object of the stream's S3 on-failure destination (infra/s3-failure-destination.ts): the
 * invocation record Lambda writes for a discarded batch ("Retaining discarded batches for a
 * DynamoDB event source"), `requestContext` (functionArn, condition, approximateInvokeCount),
 * `responseContext`, `DDBStreamBatchInfo` (shard, sequence numbers) and, for S3 destinations
 * only, `payload`: the whole invocation payload, the DynamoDB stream event the function got.
 * The docs show `payload` as the event's JSON text; an object is read too.
 *
 * @example
 * const failure = parseFailureObject(await body.transformToString());
 * await lambda.send(new InvokeCommand({ FunctionName: failure.functionArn, Payload: failure.payload }));
 */
import type { DynamoDBStreamEvent } from "aws-lambda";

export interface FailureObject {
  /** The function the batch failed in, when the record names it. */
  readonly functionArn?: string;
  readonly condition?: string;
  readonly shardId?: string;
  /** The invocation payload to send again, as JSON text. */
  readonly payload: string;
  readonly event: DynamoDBStreamEvent;
}

/** The object is not an invocation record with a payload: it cannot be replayed. */
export class UnreadableFailureObjectError extends Error {
  constructor(reason: string) {
    super(`${reason}: not an S3 on-failure invocation record with a payload; left in the bucket for a look`);
    this.name = "UnreadableFailureObjectError";
  }
}

export function parseFailureObject(text: string): FailureObject {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new UnreadableFailureObjectError("not JSON");
  }
  if (record === null || typeof record !== "object") throw new UnreadableFailureObjectError("not a JSON object");
  const raw = record.payload;
  if (raw === undefined || raw === null) throw new UnreadableFailureObjectError("no payload");
  let event: unknown;
  try {
    event = typeof raw === "string" ? JSON.parse(raw) : raw;
  } catch {
    throw new UnreadableFailureObjectError("a payload that is not JSON");
  }
  if (!Array.isArray((event as { Records?: unknown } | null)?.Records)) throw new UnreadableFailureObjectError("a payload without Records");
  const context = (record.requestContext ?? {}) as { functionArn?: unknown; condition?: unknown };
  const batch = (record.DDBStreamBatchInfo ?? {}) as { shardId?: unknown };
  return {
    ...(typeof context.functionArn === "string" && context.functionArn ? { functionArn: context.functionArn } : {}),
    ...(typeof context.condition === "string" ? { condition: context.condition } : {}),
    ...(typeof batch.shardId === "string" ? { shardId: batch.shardId } : {}),
    payload: typeof raw === "string" ? raw : JSON.stringify(raw),
    event: event as DynamoDBStreamEvent,
  };
}
