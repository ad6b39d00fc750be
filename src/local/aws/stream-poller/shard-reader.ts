/**
 * Reads one shard from its start position to its end (or until stopped), one batch at a time:
 * each batch is delivered completely (Lambda's retries included) and checkpointed before the
 * next GetRecords, so batches of a shard reach the handler strictly in order.
 */
import {
  ExpiredIteratorException,
  GetRecordsCommand,
  ResourceNotFoundException,
  TrimmedDataAccessException,
  type DynamoDBStreamsClient,
} from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBRecord } from "aws-lambda";
import type { DeliveryResult } from "./batch-delivery.ts";
import { toLambdaRecord } from "./lambda-record.ts";
import type { PollerLogger } from "./poller-logger.ts";
import { openShardIterator, type ShardPosition } from "./shard-iterator.ts";
import type { StopSignal } from "./stop-signal.ts";

/** GetRecords returns at most 1000 records. */
const maxGetRecordsLimit = 1000;
const maxErrorBackoffMs = 5_000;

export interface ShardWorkerOptions {
  readonly client: DynamoDBStreamsClient;
  readonly streamArn: string;
  readonly shardId: string;
  readonly start: ShardPosition;
  /** An iterator already opened at `start` (the poller opens LATEST ones before it returns). */
  readonly iterator?: string;
  readonly batchSize: number;
  readonly pollIntervalMs: number;
  readonly signal: StopSignal;
  readonly logger: PollerLogger;
  deliver(records: DynamoDBRecord[]): Promise<DeliveryResult>;
  checkpoint(sequenceNumber: string): Promise<void>;
  /** After every GetRecords: whether it was empty, and when (performance.now()) it started. */
  polled(empty: boolean, startedAt: number): void;
}

/** Resolves "closed" once a closed (or vanished) shard was read to its end, "stopped" on stop. */
export async function readShard(options: ShardWorkerOptions): Promise<"closed" | "stopped"> {
  const { client, streamArn, shardId, signal, logger } = options;
  let position = options.start;
  let iterator = options.iterator;
  let failures = 0;
  const reopen = async (at: ShardPosition) => {
    ({ iterator, position } = await openShardIterator(client, streamArn, shardId, at));
  };
  while (!signal.stopped) {
    const startedAt = performance.now();
    try {
      if (iterator === undefined) await reopen(position);
      if (iterator === undefined) return "closed";
      const { Records = [], NextShardIterator } = await client.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(options.batchSize, maxGetRecordsLimit) }),
      );
      failures = 0;
      // Stopping: leave this batch unread; it is read again after a restart.
      if (signal.stopped) break;
      if (Records.length > 0) {
        const records = Records.map((record) => toLambdaRecord(record, streamArn));
        const { completed } = await options.deliver(records);
        const last = records[completed - 1]?.dynamodb?.SequenceNumber;
        if (last !== undefined) {
          position = { after: last };
          await options.checkpoint(last);
        }
        // Stopped mid-batch: the unfinished records are read again after a restart.
        if (completed < records.length) return "stopped";
      }
      options.polled(Records.length === 0, startedAt);
      if (NextShardIterator === undefined || NextShardIterator === null) return "closed";
      iterator = NextShardIterator;
      if (Records.length === 0) await signal.sleep(options.pollIntervalMs);
    } catch (error) {
      if (error instanceof ResourceNotFoundException) {
        logger.warn("stream shard no longer exists; moving on", { shardId });
        return "closed";
      }
      if (error instanceof ExpiredIteratorException) {
        // Unused for 15 minutes (a sleeping laptop): continue after the last finished record.
        iterator = undefined;
        continue;
      }
      if (error instanceof TrimmedDataAccessException) {
        logger.warn("stream records were trimmed (older than 24 h) before being read", { shardId });
        iterator = undefined;
        position = { at: "TRIM_HORIZON" };
        continue;
      }
      failures++;
      const backoff = Math.min(options.pollIntervalMs * 2 ** failures, maxErrorBackoffMs);
      logger.warn("reading the stream failed; retrying", { shardId, backoffMs: backoff, error: String(error) });
      await signal.sleep(backoff);
    }
  }
  return "stopped";
}
