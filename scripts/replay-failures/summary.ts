/** What a replay did, and how one batch is named in its output lines. */
import type { DynamoDBRecord } from "aws-lambda";

export interface ReplaySummary {
  /** Failed batches found (file lines or bucket objects). */
  batches: number;
  /** Batches that went through and were removed. */
  delivered: number;
  /** Batches kept because they failed again (or could not be read). */
  failing: number;
  /** Batches kept unsent: older than the deliveries ledger remembers (ledger-age.ts). */
  tooOld: number;
  records: number;
}

/** "2 records (seq 100…200)": enough to find them in the logs. */
export function describeRecords(records: readonly DynamoDBRecord[]): string {
  const sequence = records.map((record) => record.dynamodb?.SequenceNumber).filter(Boolean);
  const range = sequence.length === 0 ? "" : sequence.length === 1 ? ` (seq ${sequence[0]})` : ` (seq ${sequence[0]}…${sequence.at(-1)})`;
  return `${records.length} record${records.length === 1 ? "" : "s"}${range}`;
}

/** ", 1 kept as too old to replay exactly once (…)" when some were. */
export function tooOldPart(summary: ReplaySummary, flag: string): string {
  return summary.tooOld > 0 ? `, ${summary.tooOld} kept unsent as older than the deliveries ledger (${flag} replays them)` : "";
}
