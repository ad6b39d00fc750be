/** The options, results and errors of startStreamPoller (stream-poller.ts). */
import type { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBRecord } from "aws-lambda";
import type { StreamHandler } from "./lambda-invoker.ts";
import type { PollerLogger } from "./poller-logger.ts";

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

/** What an on-failure destination would receive, with the records themselves. */
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
      `DynamoDB stream ${streamArn} was not found. Create the table with its stream ` +
        "(src/local/tables.ts ensureTable) and pass its LatestStreamArn.",
    );
    this.name = "StreamNotFoundError";
  }
}
