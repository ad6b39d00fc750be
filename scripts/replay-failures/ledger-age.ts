/**
 * How old a failed batch may be for its replay to stay exactly once. The deliveries table
 * remembers what went out for LEDGER_TTL_SECONDS (35 days) while a failure may be kept longer (30 days
 * in the bucket, for ever in the local file). Past that, a record whose fan-out had finished would
 * be posted again, and a LINE push accepted before the batch failed (an answer lost, or another
 * writer's push in the same batch) would be sent with a key LINE may no longer remember.
 * Such a batch is kept, not replayed, unless the operator accepts repeats (--include-old).
 */
import type { DynamoDBRecord } from "aws-lambda";
import { LEDGER_TTL_SECONDS } from "#adapters/dynamodb/dynamodb-delivery-ledger.ts";

export const INCLUDE_OLD_FLAG = "--include-old";

/**
 * Whether the oldest record was written longer ago than the ledger keeps rows: its rows were
 * written at the first try, no earlier than the record, so until then they are all still there.
 * A record without ApproximateCreationDateTime (AWS always sends it) is taken as recent.
 */
export function outlivedLedger(records: readonly DynamoDBRecord[], nowMs: number): boolean {
  const created = records
    .map((record) => record.dynamodb?.ApproximateCreationDateTime)
    .filter((seconds): seconds is number => typeof seconds === "number");
  if (created.length === 0) return false;
  return nowMs / 1000 - Math.min(...created) > LEDGER_TTL_SECONDS;
}

export const OUTLIVED_LEDGER =
  `older than the ${LEDGER_TTL_SECONDS / 86_400} days the deliveries table remembers what went out, so what had gone out ` +
  `could go out again; not replayed (replay it anyway with ${INCLUDE_OLD_FLAG})`;
