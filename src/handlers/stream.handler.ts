/**
 * articles stream ─▶ like frames to every live connection of the writer ─▶ LINE per LINE_MODE.
 * 1. Read each record as a like (malformed records are logged and skipped, never retried).
 * 2. Keep every like 24 h in the events table, so a client that was away can `resume`.
 * 3. Post each like to its writer's connections (looked up once per writer per batch). Writers
 *    go side by side under one bound on open requests; one writer's likes go out one after
 *    another in stream order, and wait for a retry once one of them fails.
 * 4. One LINE push per writer per batch for the likes that need it, with a retry key derived
 *    from those likes, so a retried batch is not pushed twice.
 * 5. Report failed records; Lambda retries from the lowest one.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { ManagementApiPoster } from "#adapters/apigateway/management-api-poster.ts";
import { DynamoDbConnectionStore } from "#adapters/dynamodb/dynamodb-connection-store.ts";
import { DynamoDbEventLog } from "#adapters/dynamodb/dynamodb-event-log.ts";
import { articleChangeFromRecord } from "#adapters/dynamodb/stream-record.ts";
import { LinePermanentError } from "#adapters/line/line-errors.ts";
import { MessagingApiLineSender } from "#adapters/line/messaging-api-line-sender.ts";
import { readAccounts, readLineChannelToken } from "#adapters/secrets/deployed-settings.ts";
import { createLimiter } from "#domain/concurrency.ts";
import { deliverLike } from "#domain/deliver-like.ts";
import { likeEventFromChange, MalformedChangeError } from "#domain/like-events.ts";
import { isLineMode, needsLine, type LineMode } from "#domain/line-mode.ts";
import { lineRetryKey, lineTexts } from "#domain/line-message.ts";
import type { LikeEvent } from "#domain/model.ts";
import type { ConnectionStore, EventLog, FramePoster, LineSender } from "#domain/ports.ts";

/** Posts open at once per invocation: keeps a 1,000-connection fan-out short without a thundering herd. */
export const DEFAULT_FANOUT_CONCURRENCY = 64;

export interface LineTarget {
  readonly sender: LineSender;
  readonly to: string;
}

export interface StreamDeps {
  readonly connections: ConnectionStore;
  readonly poster: FramePoster;
  readonly events: EventLog;
  readonly lineMode: LineMode;
  /** The LINE sender and recipient of a writer, or undefined when LINE is not set up for them. */
  readonly lineFor: (userId: string) => Promise<LineTarget | undefined>;
  readonly logger: Logger;
  readonly metrics?: Metrics;
  readonly fanoutConcurrency?: number;
  readonly now?: () => number;
}

class EarlierRecordFailedError extends Error {
  constructor(userId: string) {
    super(`an earlier like of ${userId} in this batch failed; this one waits to keep their order`);
    this.name = "EarlierRecordFailedError";
  }
}

export function createStreamHandler(deps: StreamDeps) {
  const now = deps.now ?? Date.now;
  const concurrency = deps.fanoutConcurrency ?? DEFAULT_FANOUT_CONCURRENCY;

  return async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> => {
    // 1. Records → likes.
    const likes = new Map<DynamoDBRecord, LikeEvent>();
    for (const record of event.Records) {
      try {
        const like = likeEventFromChange(articleChangeFromRecord(record));
        if (like) likes.set(record, like);
      } catch (error) {
        if (!(error instanceof MalformedChangeError)) throw error;
        // Retrying cannot fix a malformed record; skipping it keeps its batch moving.
        deps.logger.error("skipping malformed stream record", {
          sequenceNumber: record.dynamodb?.SequenceNumber,
          reason: error.message,
        });
      }
    }
    if (likes.size === 0) return { batchItemFailures: [] };

    // 2. Keep them for `resume` before anyone can miss them.
    await deps.events.append([...likes.values()]);

    // 3. Fan out: writers side by side, each writer's likes in stream order.
    const limit = createLimiter(concurrency);
    const connectionsOf = new Map<string, Promise<string[]>>();
    const failedUsers = new Set<string>();
    const deliveredTo = new Map<LikeEvent, number>();
    const lastOf = new Map<string, Promise<unknown>>();
    const deliver = (record: DynamoDBRecord): Promise<void> => {
      const like = likes.get(record);
      if (!like) return Promise.resolve();
      // Records are handed out in batch order, so chaining per writer keeps that writer's order.
      const mine = (lastOf.get(like.userId) ?? Promise.resolve()).then(() => deliverInOrder(like));
      lastOf.set(like.userId, mine.catch(() => undefined));
      return mine;
    };
    const deliverInOrder = async (like: LikeEvent) => {
      if (failedUsers.has(like.userId)) throw new EarlierRecordFailedError(like.userId);
      try {
        let ids = connectionsOf.get(like.userId);
        if (!ids) connectionsOf.set(like.userId, (ids = deps.connections.listByUser(like.userId, Math.floor(now() / 1000))));
        const delivery = await deliverLike(like, await ids, deps, limit);
        deliveredTo.set(like, delivery.delivered);
        deps.metrics?.addMetric("Deliveries", MetricUnit.Count, delivery.delivered);
        deps.metrics?.addMetric("GoneConnections", MetricUnit.Count, delivery.gone);
        deps.metrics?.addMetric("EndToEndDelay", MetricUnit.Milliseconds, now() - Date.parse(like.at));
        if (delivery.errors.length > 0) {
          throw new AggregateError(delivery.errors, `${delivery.errors.length} posts of like ${like.id} failed`);
        }
      } catch (error) {
        failedUsers.add(like.userId);
        deps.logger.warn("fan-out of a like failed", { likeId: like.id, userId: like.userId, error });
        throw error;
      }
    };
    const fanOut = await processPartialResponse(event, deliver, new BatchProcessor(EventType.DynamoDBStreams), {
      context,
      processInParallel: true,
      throwOnFullBatchFailure: false,
    });
    const failed = new Set(fanOut.batchItemFailures.map((failure) => failure.itemIdentifier));

    // 4. LINE, one push per writer, only for likes whose fan-out finished.
    if (deps.lineMode !== "off") {
      const byUser = new Map<string, { like: LikeEvent; sequenceNumber: string }[]>();
      for (const [record, like] of likes) {
        const sequenceNumber = record.dynamodb?.SequenceNumber as string;
        if (failed.has(sequenceNumber) || !needsLine(deps.lineMode, deliveredTo.get(like) ?? 0)) continue;
        byUser.set(like.userId, [...(byUser.get(like.userId) ?? []), { like, sequenceNumber }]);
      }
      for (const [userId, pending] of byUser) {
        try {
          const target = await deps.lineFor(userId);
          if (!target) continue;
          const shown = pending.map((entry) => entry.like);
          const key = lineRetryKey(userId, shown.map((like) => like.id));
          const outcome = await target.sender.push(target.to, lineTexts(shown), key);
          deps.metrics?.addMetric("LinePushes", MetricUnit.Count, 1);
          deps.logger.info("pushed to LINE", { userId, likes: shown.length, outcome });
        } catch (error) {
          // A refused push (400/401/403) will be refused again: say so, so the operator fixes the
          // setting; the bounded retries then move the records to the failure destination.
          const refused = error instanceof LinePermanentError;
          deps.logger.error(
            refused
              ? "LINE refused the push; retrying cannot help, the records go to the failure destination after the retry limit"
              : "LINE push failed; the batch will retry it",
            { userId, error },
          );
          for (const entry of pending) failed.add(entry.sequenceNumber);
        }
      }
    }
    deps.metrics?.publishStoredMetrics();

    // 5. Lambda retries from the lowest reported sequence number.
    return {
      batchItemFailures: [...failed]
        .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))
        .map((itemIdentifier) => ({ itemIdentifier })),
    };
  };
}

function lineModeFromEnv(): LineMode {
  const mode = process.env.LINE_MODE || "fallback";
  if (!isLineMode(mode)) throw new Error(`LINE_MODE is "${mode}": use fallback, always or off`);
  return mode;
}

/** LINE sender for the deployed stack: channel token and recipients from Secrets Manager. */
async function deployedLineFor(userId: string): Promise<LineTarget | undefined> {
  const [token, accounts] = await Promise.all([readLineChannelToken(), readAccounts()]);
  const to = accounts.find((account) => account.userId === userId)?.lineTo;
  if (!token || !to) return undefined;
  if (deployedSender?.token !== token) deployedSender = { token, sender: new MessagingApiLineSender({ channelAccessToken: token }) };
  return { sender: deployedSender.sender, to };
}
let deployedSender: { token: string; sender: LineSender } | undefined;

export const handler = createStreamHandler({
  connections: new DynamoDbConnectionStore(),
  poster: new ManagementApiPoster({ endpoint: process.env.MANAGEMENT_API_ENDPOINT }),
  events: new DynamoDbEventLog(),
  lineMode: lineModeFromEnv(),
  lineFor: deployedLineFor,
  logger: new Logger(),
  metrics: new Metrics(),
});
