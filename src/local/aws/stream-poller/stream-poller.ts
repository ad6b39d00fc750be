/**
 * The local stand-in for Lambda's DynamoDB Streams event source mapping: polls every shard of
 * a stream and calls the real stream handler with Lambda's event shape and semantics.
 *
 * 1. Load the checkpoint; without one, open shards start at LATEST (closed ones are skipped).
 * 2. Read every shard whose parent is finished, one batch at a time (shard-reader.ts), with
 *    Lambda's retries (batch-delivery.ts), checkpointing after each batch.
 * 3. Every few seconds, and whenever a shard closes, look for new shards (read from TRIM_HORIZON).
 *
 * @example
 * const poller = await startStreamPoller({ client, streamArn, handler: streamHandler,
 *   checkpointFile: ".data/stream-checkpoint.json", onFailure: appendToFailedRecords });
 * // … on Ctrl-C:
 * await poller.stop();
 */
import { ResourceNotFoundException, type DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBRecord } from "aws-lambda";
import { deliverBatch, invokeStreamHandler, reportFailure, type StreamFailure, type StreamHandler } from "./batch-delivery.ts";
import { FileCheckpointStore, MemoryCheckpointStore, type ShardCheckpoint } from "./checkpoint-store.ts";
import { DrainTracker, StopSignal } from "./poller-lifecycle.ts";
import type { PollerLogger } from "./poller-logger.ts";
import { describeShards, openShardIterator, readShard, shardsReadyToRead, type ShardInfo, type ShardPosition } from "./shard-reader.ts";

export type { StreamFailure, StreamHandler } from "./batch-delivery.ts";

export interface StreamPollerOptions {
  readonly client: DynamoDBStreamsClient;
  readonly streamArn: string;
  readonly handler: StreamHandler;
  /** Records per invocation at most (GetRecords caps it at 1000). Default 100, as Lambda. */
  readonly batchSize?: number;
  /** Wait after an empty poll of a shard. Default 250 ms: Lambda polls a shard about 4 times a second. */
  readonly pollIntervalMs?: number;
  /** Retries of a failing record before it goes to onFailure. Default 3. */
  readonly maxRetryAttempts?: number;
  /** Split a batch in two when the handler throws. Default true. */
  readonly bisectBatchOnError?: boolean;
  /** Wait before each retry. Default 200 ms. */
  readonly retryDelayMs?: number;
  /** An invocation running longer fails, as a Lambda timeout. Default 30 s. */
  readonly timeoutMs?: number;
  readonly functionName?: string;
  /** Persist per-shard progress here so a restart continues after it; without one, start at LATEST. */
  readonly checkpointFile?: string;
  /** How often to look for new shards. Default 5 s (and at once when a shard closes). */
  readonly shardRefreshMs?: number;
  /** Records given up on after the retries, like an on-failure destination. */
  readonly onFailure?: (failure: StreamFailure) => void | Promise<void>;
  /** Default: console. */
  readonly logger?: PollerLogger;
}

export interface StreamPollerStats {
  invocations: number;
  /** Records finished: succeeded or given up. */
  records: number;
  failedRecords: number;
  activeShards: number;
}

export interface StreamPoller {
  /**
   * Stops polling and saves the checkpoint. An invocation in flight may finish (up to the
   * timeout); nothing is retried after stop, and unfinished records are read again next start.
   */
  stop(): Promise<void>;
  /** Resolves once every shard has been polled empty after this call, with no batch in flight. */
  drained(): Promise<void>;
  readonly stats: Readonly<StreamPollerStats>;
}

/** The stream ARN names no stream: the table is missing or has no stream enabled. */
export class StreamNotFoundError extends Error {
  constructor(readonly streamArn: string) {
    super(
      `DynamoDB stream ${streamArn} was not found. Create the table with a StreamSpecification ` +
        "and pass the LatestStreamArn that DescribeTable answers.",
    );
    this.name = "StreamNotFoundError";
  }
}

/** Starts polling; resolves once every shard's iterator is positioned, so later writes are seen. */
export async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  const { client, streamArn, logger = console } = options;
  const store = options.checkpointFile ? new FileCheckpointStore(options.checkpointFile) : new MemoryCheckpointStore();
  const saved = await store.load(streamArn);
  const shardStates = new Map<string, ShardCheckpoint>(Object.entries(saved?.shards ?? {}));
  const running = new Map<string, Promise<void>>();
  const stats: StreamPollerStats = { invocations: 0, records: 0, failedRecords: 0, activeShards: 0 };
  const signal = new StopSignal();
  let discovering = 0;
  const drain = new DrainTracker(
    () => running.keys(),
    () => discovering > 0,
  );
  let saving: Promise<void> = Promise.resolve();

  // Saves one after another, so an older snapshot never lands after a newer one.
  const persist = () => {
    saving = saving.catch(() => {}).then(() => store.save({ streamArn, shards: Object.fromEntries(shardStates) }));
    return saving;
  };
  const isFinished = (shardId: string) => shardStates.get(shardId)?.done === true;
  const positionOf = (shardId: string): ShardPosition => {
    const sequenceNumber = shardStates.get(shardId)?.sequenceNumber;
    // Nothing finished yet: everything in the shard came after the poller first started.
    return sequenceNumber !== undefined ? { after: sequenceNumber } : { at: "TRIM_HORIZON" };
  };

  const deliver = (shardId: string) => async (records: readonly DynamoDBRecord[]) => {
    const result = await deliverBatch(records, {
      invoke: (batch) => {
        stats.invocations++;
        return invokeStreamHandler(options.handler, batch, {
          functionName: options.functionName ?? "local-stream-handler",
          timeoutMs: options.timeoutMs ?? 30_000,
        });
      },
      maxRetryAttempts: options.maxRetryAttempts ?? 3,
      bisectOnError: options.bisectBatchOnError ?? true,
      giveUp: async (failed, { invocations, lastError }) => {
        stats.failedRecords += failed.length;
        await reportFailure(
          { streamArn, shardId, approximateInvokeCount: invocations, error: lastError, records: failed },
          options.onFailure,
          logger,
        );
      },
      beforeRetry: () => signal.sleep(options.retryDelayMs ?? 200),
    });
    stats.records += result.completed;
    return result;
  };

  const startShard = (shardId: string, start: ShardPosition, iterator?: string) => {
    if (!shardStates.has(shardId)) shardStates.set(shardId, {});
    const work = readShard({
      client,
      streamArn,
      shardId,
      start,
      ...(iterator !== undefined ? { iterator } : {}),
      batchSize: options.batchSize ?? 100,
      pollIntervalMs: options.pollIntervalMs ?? 250,
      signal,
      logger,
      deliver: deliver(shardId),
      checkpoint: (sequenceNumber) => {
        shardStates.set(shardId, { sequenceNumber });
        return persist();
      },
      polled: (empty, startedAt) => drain.polled(shardId, empty, startedAt),
    })
      .then(async (result) => {
        if (result !== "closed") return;
        shardStates.set(shardId, { ...shardStates.get(shardId), done: true });
        await persist();
        logger.info("stream shard read to its end", { shardId });
      })
      .catch((error) => logger.error("stream shard reader stopped unexpectedly", { shardId, error: String(error) }))
      .finally(() => {
        running.delete(shardId);
        stats.activeShards = running.size;
        // A closed parent lets its children start: look for them now rather than at the next refresh.
        if (!signal.stopped) void discover();
        drain.forget(shardId);
      });
    running.set(shardId, work);
    stats.activeShards = running.size;
  };

  const discover = async () => {
    discovering++;
    try {
      const listed = await describeShards(client, streamArn);
      const ids = new Set(listed.map((shard) => shard.shardId));
      for (const id of shardStates.keys()) if (!ids.has(id) && !running.has(id)) shardStates.delete(id);
      for (const shard of shardsReadyToRead(listed, isFinished, (id) => running.has(id))) {
        if (signal.stopped) break;
        logger.info("reading new stream shard", { shardId: shard.shardId, parentShardId: shard.parentShardId });
        startShard(shard.shardId, positionOf(shard.shardId));
      }
    } catch (error) {
      logger.warn("listing the stream's shards failed; retrying later", { error: String(error) });
    } finally {
      discovering--;
      drain.check();
    }
  };

  let initial: ShardInfo[];
  try {
    initial = await describeShards(client, streamArn);
  } catch (error) {
    throw error instanceof ResourceNotFoundException ? new StreamNotFoundError(streamArn) : error;
  }
  const initialPosition = new Map<string, ShardPosition>();
  for (const shard of initial) {
    if (saved) initialPosition.set(shard.shardId, positionOf(shard.shardId));
    // Starting at LATEST: a closed shard holds nothing newer.
    else if (shard.closed) shardStates.set(shard.shardId, { done: true });
    else initialPosition.set(shard.shardId, { at: "LATEST" });
  }
  const ready = shardsReadyToRead(initial, isFinished, () => false).filter((s) => initialPosition.has(s.shardId));
  // Opened before returning, so a LATEST position is fixed before the caller writes anything.
  const opened = await Promise.all(
    ready.map((shard) => openShardIterator(client, streamArn, shard.shardId, initialPosition.get(shard.shardId)!)),
  );
  for (const [index, shard] of ready.entries()) startShard(shard.shardId, opened[index]!.position, opened[index]!.iterator);
  await persist();
  logger.info("stream poller started", {
    streamArn,
    shards: ready.map((shard) => shard.shardId),
    from: saved ? "checkpoint" : "LATEST",
  });

  const refreshing = (async () => {
    while (await signal.sleep(options.shardRefreshMs ?? 5_000)) await discover();
  })();

  return {
    stats,
    drained: () => drain.drained(),
    async stop() {
      signal.stop();
      await refreshing;
      await Promise.all(running.values());
      await saving.catch((error) => logger.error("saving the stream checkpoint failed", { error: String(error) }));
      drain.release();
    },
  };
}
