/**
 * The shards of a stream and reading one of them, as Lambda's event source mapping does:
 *
 * 1. Which shards exist (all DescribeStream pages), and which may be read now: a child only
 *    after its parent was read to its end, so changes to one item arrive in order across a split.
 * 2. Where to start: after the checkpoint, at LATEST or TRIM_HORIZON. A checkpoint older than the
 *    stream's 24 h retention cannot be continued after: read from the oldest record still there.
 * 3. Read one batch at a time: each batch is delivered completely (Lambda's retries included)
 *    and checkpointed before the next GetRecords, so batches of a shard reach the handler
 *    strictly in order. Expired iterators (a sleeping laptop) and trimmed records are recovered
 *    from; other errors back off.
 */
import {
  DescribeStreamCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ResourceNotFoundException,
  TrimmedDataAccessException,
  type DynamoDBStreamsClient,
  type Shard,
} from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBRecord } from "aws-lambda";
import type { DeliveryResult } from "./batch-delivery.ts";
import { toLambdaRecord } from "./lambda-record.ts";
import type { StopSignal } from "./poller-lifecycle.ts";
import type { PollerLogger } from "./poller-logger.ts";

// 1. Shards.

export interface ShardInfo {
  readonly shardId: string;
  readonly parentShardId?: string;
  /** A closed shard has an ending sequence number and gets no new records. */
  readonly closed: boolean;
}

/** Every shard of the stream, all DescribeStream pages. */
export async function describeShards(client: DynamoDBStreamsClient, streamArn: string): Promise<ShardInfo[]> {
  const shards: ShardInfo[] = [];
  let exclusiveStartShardId: string | undefined;
  do {
    const { StreamDescription } = await client.send(
      new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
    );
    shards.push(...(StreamDescription?.Shards ?? []).flatMap(toShardInfo));
    exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
  } while (exclusiveStartShardId);
  return shards;
}

function toShardInfo(shard: Shard): ShardInfo[] {
  if (!shard.ShardId) return [];
  return [
    {
      shardId: shard.ShardId,
      ...(shard.ParentShardId ? { parentShardId: shard.ParentShardId } : {}),
      closed: shard.SequenceNumberRange?.EndingSequenceNumber !== undefined,
    },
  ];
}

/**
 * Shards not yet started whose parent is finished or no longer listed (trimmed away after
 * 24 h), parents before children.
 */
export function shardsReadyToRead(
  shards: readonly ShardInfo[],
  isFinished: (shardId: string) => boolean,
  isStarted: (shardId: string) => boolean,
): ShardInfo[] {
  const listed = new Set(shards.map((shard) => shard.shardId));
  return shards.filter(
    (shard) =>
      !isStarted(shard.shardId) &&
      !isFinished(shard.shardId) &&
      (shard.parentShardId === undefined || !listed.has(shard.parentShardId) || isFinished(shard.parentShardId)),
  );
}

// 2. Start positions.

export type ShardPosition = { readonly after: string } | { readonly at: "LATEST" | "TRIM_HORIZON" };

export async function openShardIterator(
  client: DynamoDBStreamsClient,
  streamArn: string,
  shardId: string,
  position: ShardPosition,
): Promise<{ iterator: string | undefined; position: ShardPosition }> {
  const request =
    "after" in position
      ? { ShardIteratorType: "AFTER_SEQUENCE_NUMBER" as const, SequenceNumber: position.after }
      : { ShardIteratorType: position.at };
  try {
    const { ShardIterator } = await client.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ...request }));
    return { iterator: ShardIterator, position };
  } catch (error) {
    if (!(error instanceof TrimmedDataAccessException) || !("after" in position)) throw error;
    return openShardIterator(client, streamArn, shardId, { at: "TRIM_HORIZON" });
  }
}

// 3. Reading.

/** GetRecords returns at most 1000 records. */
const maxGetRecordsLimit = 1000;
const maxErrorBackoffMs = 5_000;

export interface ShardReaderOptions {
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
export async function readShard(options: ShardReaderOptions): Promise<"closed" | "stopped"> {
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
        // Only a checkpoint can be overtaken by the 24 h trim. Without one (a stream just made),
        // DynamoDB Local answers this now and then for a LATEST iterator: nothing was missed.
        if ("after" in position) logger.warn("stream records were trimmed (older than 24 h) before being read", { shardId });
        else logger.info("stream iterator refused as trimmed before anything was read; reading from the oldest record", { shardId });
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
