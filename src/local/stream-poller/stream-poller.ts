/**
 * The local stand-in for Lambda's DynamoDB Streams event source mapping: polls every shard of
 * a stream and calls the real stream handler with Lambda's event shape and semantics.
 *
 * @example
 * const poller = await startStreamPoller({ client, streamArn, handler: streamHandler,
 *   checkpointFile: ".live-likes/stream-checkpoint.json", onFailure: appendToFailedRecords });
 * // … on Ctrl-C:
 * await poller.stop();
 */
import { ResourceNotFoundException, type DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBRecord } from "aws-lambda";
import { deliverBatch } from "./batch-delivery.ts";
import {
  FileCheckpointStore,
  MemoryCheckpointStore,
  type CheckpointStore,
  type ShardCheckpoint,
} from "./checkpoint-store.ts";
import { invokeStreamHandler, type StreamHandler } from "./lambda-invoker.ts";
import type { PollerLogger } from "./poller-logger.ts";
import { describeShards, shardsReadyToRead, type ShardInfo } from "./shard-discovery.ts";
import { openShardIterator, type ShardPosition } from "./shard-iterator.ts";
import { readShard } from "./shard-worker.ts";
import { StopSignal } from "./stop-signal.ts";

export type { StreamHandler } from "./lambda-invoker.ts";

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
  readonly logger?: PollerLogger;
}

export interface StreamFailure {
  readonly condition: "RetryAttemptsExhausted";
  readonly streamArn: string;
  readonly shardId: string;
  readonly approximateInvokeCount: number;
  readonly error: string;
  readonly records: DynamoDBRecord[];
}

export interface StreamPollerStats {
  invocations: number;
  /** Records finished: succeeded or given up. */
  records: number;
  failedRecords: number;
  activeShards: number;
}

export interface StreamPoller {
  /** Stops polling, lets the batch in flight finish (no further retries) and saves the checkpoint. */
  stop(): Promise<void>;
  /** Resolves once every shard has been polled empty after this call, with no batch in flight. */
  drained(): Promise<void>;
  readonly stats: Readonly<StreamPollerStats>;
}

/** Starts polling; resolves once every shard's iterator is positioned, so later writes are seen. */
export async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  const { client, streamArn, logger = console } = options;
  const store: CheckpointStore = options.checkpointFile
    ? new FileCheckpointStore(options.checkpointFile)
    : new MemoryCheckpointStore();
  const saved = await store.load(streamArn);
  const shardStates = new Map<string, ShardCheckpoint>(Object.entries(saved?.shards ?? {}));
  const running = new Map<string, Promise<void>>();
  const lastEmptyPoll = new Map<string, number>();
  const waiters: { since: number; resolve: () => void }[] = [];
  const stats: StreamPollerStats = { invocations: 0, records: 0, failedRecords: 0, activeShards: 0 };
  const signal = new StopSignal();
  let discovering = 0;
  let saving: Promise<void> = Promise.resolve();

  const persist = () => {
    saving = saving
      .catch(() => {})
      .then(() => store.save({ streamArn, shards: Object.fromEntries(shardStates) }));
    return saving;
  };

  const checkDrained = () => {
    for (const waiter of [...waiters]) {
      const idle = [...running.keys()].every((id) => (lastEmptyPoll.get(id) ?? -1) >= waiter.since);
      if (signal.stopped || (discovering === 0 && idle)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };

  const reportFailure = async (shardId: string, records: DynamoDBRecord[], invocations: number, error: unknown) => {
    stats.failedRecords += records.length;
    const failure: StreamFailure = {
      condition: "RetryAttemptsExhausted",
      streamArn,
      shardId,
      approximateInvokeCount: invocations,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      records,
    };
    logger.error("stream records given up after retries", {
      shardId,
      count: records.length,
      sequenceNumbers: records.map((record) => record.dynamodb?.SequenceNumber),
      error: failure.error,
    });
    try {
      await options.onFailure?.(failure);
    } catch (onFailureError) {
      logger.error("onFailure failed; the given-up records are only in this log", {
        error: String(onFailureError),
        records,
      });
    }
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
      deliver: async (records) => {
        const result = await deliverBatch(records, {
          invoke: (batch) => {
            stats.invocations++;
            return invokeStreamHandler(options.handler, batch, {
              functionName: options.functionName ?? "live-likes-stream",
              timeoutMs: options.timeoutMs ?? 30_000,
            });
          },
          maxRetryAttempts: options.maxRetryAttempts ?? 3,
          bisectOnError: options.bisectBatchOnError ?? true,
          giveUp: (failed, { invocations, lastError }) => reportFailure(shardId, failed, invocations, lastError),
          beforeRetry: () => signal.sleep(options.retryDelayMs ?? 200),
        });
        stats.records += result.completed;
        return result;
      },
      checkpoint: (sequenceNumber) => {
        shardStates.set(shardId, { sequenceNumber });
        return persist();
      },
      polled: (empty, startedAt) => {
        if (empty) lastEmptyPoll.set(shardId, startedAt);
        else lastEmptyPoll.delete(shardId);
        checkDrained();
      },
    })
      .then(async (result) => {
        if (result === "closed") {
          shardStates.set(shardId, { ...shardStates.get(shardId), done: true });
          await persist();
          logger.info("stream shard read to its end", { shardId });
        }
      })
      .catch((error) => logger.error("stream shard reader stopped unexpectedly", { shardId, error: String(error) }))
      .finally(() => {
        running.delete(shardId);
        lastEmptyPoll.delete(shardId);
        stats.activeShards = running.size;
        // A closed parent lets its children start: look for them now rather than at the next refresh.
        if (!signal.stopped) void discover();
        checkDrained();
      });
    running.set(shardId, work);
    stats.activeShards = running.size;
  };

  const isFinished = (shardId: string) => shardStates.get(shardId)?.done === true;
  const positionOf = (shardId: string): ShardPosition => {
    const sequenceNumber = shardStates.get(shardId)?.sequenceNumber;
    // No finished record yet: everything in the shard came after we first started, so read it all.
    return sequenceNumber !== undefined ? { after: sequenceNumber } : { at: "TRIM_HORIZON" };
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
      checkDrained();
    }
  };

  let initial: ShardInfo[];
  try {
    initial = await describeShards(client, streamArn);
  } catch (error) {
    if (error instanceof ResourceNotFoundException) throw new StreamNotFoundError(streamArn);
    throw error;
  }
  const initialPosition = new Map<string, ShardPosition>();
  for (const shard of initial) {
    if (saved) {
      initialPosition.set(shard.shardId, positionOf(shard.shardId));
    } else if (shard.closed) {
      // Starting at LATEST: a closed shard holds nothing newer.
      shardStates.set(shard.shardId, { done: true });
    } else {
      initialPosition.set(shard.shardId, { at: "LATEST" });
    }
  }
  const ready = shardsReadyToRead(initial, isFinished, () => false).filter((s) => initialPosition.has(s.shardId));
  const opened = await Promise.all(
    ready.map((shard) => openShardIterator(client, streamArn, shard.shardId, initialPosition.get(shard.shardId)!)),
  );
  ready.forEach((shard, index) => {
    const { iterator, position } = opened[index]!;
    startShard(shard.shardId, position, iterator);
  });
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
    drained: () =>
      new Promise<void>((resolve) => {
        waiters.push({ since: performance.now(), resolve });
        checkDrained();
      }),
    async stop() {
      signal.stop();
      await refreshing;
      await Promise.all(running.values());
      await saving;
      checkDrained();
    },
  };
}

/** The stream ARN names no stream: the table is missing or has no stream enabled. */
export class StreamNotFoundError extends Error {
  constructor(readonly streamArn: string) {
    super(
      `DynamoDB stream ${streamArn} was not found. Create the table with its stream ` +
        "(src/local/tables.ts ensureTable) and pass its LatestStreamArn.",
    );
    this.name = "StreamNotFoundError";
  }
}
