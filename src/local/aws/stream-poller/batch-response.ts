/**
 * Reads a stream handler's answer the way Lambda does with ReportBatchItemFailures on
 * (docs: "Configuring partial batch response with DynamoDB and Lambda").
 */
import type { DynamoDBRecord } from "aws-lambda";

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
