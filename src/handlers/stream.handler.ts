/**
 * articles stream, notifications stream ─▶ [stream handler] ─▶ deliver-batch
 * (src/domain/delivery/deliver-batch.ts). One handler for both tables' streams.
 * 1. Read each record as a notification, by its table's reader; a malformed record is logged and
 *    skipped, never retried.
 * 2. Deliver the batch; log what went wrong and count what went out.
 * 3. Record on each published notification what its delivery did (its receipt); a failure to
 *    record is logged, not retried: the frames went out.
 * 4. Report the records that failed; Lambda retries from the lowest one.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { articleChangeFromRecord } from "#adapters/dynamodb/stream-record.ts";
import { LinePermanentError } from "#adapters/line/line-errors.ts";
import { type BatchItem, type DeliverBatchPorts, deliverBatch } from "#domain/delivery/deliver-batch.ts";
import { likeEventFromChange, MalformedChangeError } from "#domain/like-events.ts";
import type { Notification } from "#domain/notification.ts";
import type { PublicationStore } from "#domain/ports.ts";
import { publishedNotificationFromChange } from "#domain/published-events.ts";

export interface StreamDeps extends DeliverBatchPorts {
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** Where published notifications' receipts are recorded; needed once the notifications stream is wired. */
  readonly publications?: Pick<PublicationStore, "recordDelivery">;
}

/**
 * The record's table, told by its key schema (the same in every environment, unlike the stream
 * ARN): the notifications table's key is `id` alone, the articles table's `userId` + `itemId`.
 */
function notificationFromRecord(record: DynamoDBRecord): Notification | null {
  const change = articleChangeFromRecord(record);
  const keys = record.dynamodb?.Keys ?? {};
  return "id" in keys && !("itemId" in keys) ? publishedNotificationFromChange(change) : likeEventFromChange(change);
}

export function createStreamHandler(deps: StreamDeps) {
  const now = deps.nowMs ?? Date.now;
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    // 1. Records → notifications.
    const items: BatchItem[] = [];
    for (const record of event.Records) {
      try {
        const notification = notificationFromRecord(record);
        if (notification) items.push({ key: record.dynamodb?.SequenceNumber as string, notification });
      } catch (error) {
        if (!(error instanceof MalformedChangeError)) throw error;
        // Retrying cannot fix a malformed record; skipping it keeps its batch moving.
        deps.logger.error("skipping malformed stream record", {
          sequenceNumber: record.dynamodb?.SequenceNumber,
          reason: error.message,
        });
      }
    }

    // 2. Deliver.
    const result = await deliverBatch(items, deps);
    for (const problem of result.problems) {
      // A refused push (400/401/403) will be refused again: say so, so the operator fixes the
      // setting; the bounded retries then move the records to the failure destination.
      const message =
        problem.error instanceof LinePermanentError
          ? "LINE refused the push; retrying cannot help, the records go to the failure destination after the retry limit"
          : problem.message;
      deps.logger.error(message, { userId: problem.userId, error: problem.error as Error });
    }
    if (deps.metrics) {
      const delivered = [...result.delivered.values()].reduce((sum, n) => sum + n, 0);
      deps.metrics.addMetric("Deliveries", MetricUnit.Count, delivered);
      deps.metrics.addMetric("GoneConnections", MetricUnit.Count, result.gone);
      deps.metrics.addMetric("LinePushes", MetricUnit.Count, result.linePushes);
      for (const item of items) {
        deps.metrics.addMetric("EndToEndDelay", MetricUnit.Milliseconds, now() - Date.parse(item.notification.at));
      }
      deps.metrics.publishStoredMetrics();
    }

    // 3. Receipts of published notifications.
    const failed = new Set(result.failed);
    const sentAt = new Date(now()).toISOString();
    for (const { key, notification } of items) {
      if (notification.kind !== "notification" || failed.has(key) || !deps.publications) continue;
      const delivery = { sentAt, live: result.delivered.get(notification.id) ?? 0, line: result.line.get(notification.id) ?? "not-needed" };
      await deps.publications.recordDelivery(notification.id, delivery).catch((error: unknown) => {
        deps.logger.error("could not record a published notification's receipt; it was delivered", {
          id: notification.id,
          error: error as Error,
        });
      });
    }

    // 4. Lambda retries from the lowest reported sequence number.
    return { batchItemFailures: result.failed.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
