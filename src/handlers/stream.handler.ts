/**
 * articles stream ─▶ [stream handler] ─▶ deliver-batch (src/domain/delivery/deliver-batch.ts).
 * 1. Read each record as a notification; a malformed record is logged and skipped, never retried.
 * 2. Deliver the batch; log what went wrong and count what went out.
 * 3. Report the records that failed; Lambda retries from the lowest one.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { articleChangeFromRecord } from "#adapters/dynamodb/stream-record.ts";
import { LinePermanentError } from "#adapters/line/line-errors.ts";
import { type BatchItem, type DeliverBatchPorts, deliverBatch } from "#domain/delivery/deliver-batch.ts";
import { likeEventFromChange, MalformedChangeError } from "#domain/like-events.ts";

export interface StreamDeps extends DeliverBatchPorts {
  readonly logger: Logger;
  readonly metrics?: Metrics;
}

export function createStreamHandler(deps: StreamDeps) {
  const now = deps.nowMs ?? Date.now;
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    // 1. Records → notifications.
    const items: BatchItem[] = [];
    for (const record of event.Records) {
      try {
        const notification = likeEventFromChange(articleChangeFromRecord(record));
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

    // 3. Lambda retries from the lowest reported sequence number.
    return { batchItemFailures: result.failed.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
