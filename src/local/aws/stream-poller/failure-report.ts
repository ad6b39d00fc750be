/**
 * Hands records given up on to the on-failure callback, and logs them. A failing callback
 * must not block the shard either: the records then survive in the log only.
 */
import type { DynamoDBRecord } from "aws-lambda";
import type { PollerLogger } from "./poller-logger.ts";
import type { StreamFailure } from "./stream-poller-types.ts";

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
