/**
 * articles, repositories and notifications streams ─▶ [stream handler] ─▶ deliver-batch
 * (src/domain/delivery/deliver-batch.ts). One handler for every table's stream.
 * 1. Read each record as notifications, by its table's reader: a like, a star, a published notification,
 *    or one copy per member of a group's; a malformed record is logged and skipped, never retried.
 *    A group of more than GROUP_PART_MEMBERS members is handed on in parts instead, each delivered
 *    by an invocation of its own (src/handlers/group-part.handler.ts); its record is done once
 *    every part is accepted.
 * 2. Deliver the batch; log what went wrong and count what went out. Count likes and stars into
 *    the users' days for `stats` (once per notification id); a record whose count failed is retried.
 * 3. Record on each published notification what its delivery did (its receipt; a group's added up
 *    over its members), once every copy of its record went; a failure to record is logged, not
 *    retried: the frames went out. A record whose LINE push was refused for good records a
 *    `failed` receipt instead (and still retries).
 * 4. Report the records that failed (a group's when any member's copy did); Lambda retries from
 *    the lowest one, and the ledger keeps the members done from being sent to again.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { articleChangeFromRecord } from "#adapters/dynamodb/stream-record.ts";
import { LinePermanentError } from "#adapters/line/line-errors.ts";
import { type BatchItem, type DeliverBatchPorts, deliverBatch, type LineOutcome } from "#domain/delivery/deliver-batch.ts";
import { likeEventFromChange, MalformedChangeError } from "#domain/like-events.ts";
import { combineDeliveries, type GroupPart, needsParts, splitGroup } from "#domain/delivery/group-parts.ts";
import type { Notification, PublishedNotification } from "#domain/notification.ts";
import type { GroupPartDispatcher, PublicationDelivery, PublicationStore } from "#domain/ports.ts";
import { deliversPublication, publishedNotificationsFromChange } from "#domain/published-events.ts";
import { starEventFromChange } from "#domain/star-events.ts";
import { type RecordRollupsPorts, recordRollups } from "#domain/stats/record-rollups.ts";

export interface StreamDeps extends DeliverBatchPorts {
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** Where published notifications' receipts are recorded; needed once the notifications stream is wired. */
  readonly publications?: Pick<PublicationStore, "recordDelivery"> & Partial<Pick<PublicationStore, "recordFailure">>;
  /** Delivers a large group message in parts, each an invocation of its own (delivery/group-parts.ts); absent: here. */
  readonly groupParts?: GroupPartDispatcher;
  /** Members per part; default GROUP_PART_MEMBERS. */
  readonly groupPartMembers?: number;
  /** Where likes and stars are counted into days for `stats` (stats/record-rollups.ts); absent: not counted. */
  readonly rollups?: RecordRollupsPorts;
}

/**
 * The record's table, told by its key schema (the same in every environment, unlike the stream
 * ARN): the notifications table's key is `id` alone, the articles table's `userId` + `itemId`,
 * the repositories table's `userId` + `repo`.
 */
function notificationsFromRecord(record: DynamoDBRecord): { readonly published?: string; readonly notifications: Notification[] } {
  const change = articleChangeFromRecord(record);
  const keys = record.dynamodb?.Keys ?? {};
  if ("id" in keys && !("itemId" in keys)) {
    const notifications = publishedNotificationsFromChange(change);
    // A group with no members delivers nothing, and its receipt still says so.
    const published = deliversPublication(change) ? String(change.newImage?.id) : undefined;
    return { ...(published ? { published } : {}), notifications };
  }
  if ("repo" in keys) {
    const star = starEventFromChange(change);
    return { notifications: star ? [star] : [] };
  }
  const like = likeEventFromChange(change);
  return { notifications: like ? [like] : [] };
}

/** One stream record: its published notification's id (for the receipt) and the batch items it became. */
interface ReadRecord {
  readonly sequenceNumber: string;
  readonly published?: string;
  readonly items: readonly BatchItem[];
  /** A large group message's parts, delivered elsewhere (and their receipts recorded there). */
  readonly parts?: readonly GroupPart[];
}

export function createStreamHandler(deps: StreamDeps) {
  const now = deps.nowMs ?? Date.now;
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    // 1. Records → notifications; a group's copies get keys of their own (the record's, then the member).
    const records: ReadRecord[] = [];
    for (const record of event.Records) {
      const sequenceNumber = record.dynamodb?.SequenceNumber as string;
      try {
        const { published, notifications } = notificationsFromRecord(record);
        const first = notifications[0];
        if (published && deps.groupParts && first?.to.startsWith("group:") && needsParts(notifications.length, deps.groupPartMembers)) {
          const { id: _copy, userId: _member, ...message } = first as PublishedNotification;
          const group = { ...message, id: published, to: first.to as `group:${string}`, members: notifications.map((copy) => copy.userId) };
          records.push({ sequenceNumber, items: [], parts: splitGroup(group, deps.groupPartMembers) });
          continue;
        }
        const items = notifications.map((notification) => ({
          key:
            notifications.length === 1 && notification.to.startsWith("user:") ? sequenceNumber : `${sequenceNumber} ${notification.userId}`,
          notification,
        }));
        records.push({ sequenceNumber, ...(published ? { published } : {}), items });
      } catch (error) {
        if (!(error instanceof MalformedChangeError)) throw error;
        // Retrying cannot fix a malformed record; skipping it keeps its batch moving.
        deps.logger.error("skipping malformed stream record", {
          sequenceNumber: record.dynamodb?.SequenceNumber,
          reason: error.message,
        });
      }
    }

    // 1b. Large groups: handed on in parts; the record is done once every part is accepted, and the
    // ledger remembers it, so a retried batch does not queue the parts again.
    const undispatched = new Set<ReadRecord>();
    const grouped = records.filter((record) => record.parts);
    const handedOn = grouped.length > 0 ? await deps.ledger.liveDeliveries(grouped.map(partsKey)) : new Map<string, number>();
    for (const record of grouped) {
      if (!deps.groupParts || handedOn.has(partsKey(record))) continue;
      try {
        await deps.groupParts.dispatch(record.parts as readonly GroupPart[]);
        await deps.ledger.recordLiveDelivery(partsKey(record), (record.parts as readonly GroupPart[]).length);
        deps.logger.info("group message handed on in parts", { id: record.parts?.[0]?.notification.id, parts: record.parts?.length });
      } catch (error) {
        undispatched.add(record);
        deps.logger.error("could not hand a group message's parts on; the batch retries it", { error: error as Error });
      }
    }

    // 2. Deliver.
    const items = records.flatMap((record) => record.items);
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
      deps.metrics.addMetric("EmailPushes", MetricUnit.Count, result.emailPushes);
      for (const item of items) {
        deps.metrics.addMetric("EndToEndDelay", MetricUnit.Milliseconds, now() - Date.parse(item.notification.at));
      }
      deps.metrics.publishStoredMetrics();
    }

    // 2b. Likes and stars counted into their days (stats). A count that failed retries its record:
    // the ledger keeps its frames from going out again and the count's marker from adding twice.
    const uncounted = new Set<string>();
    if (deps.rollups) {
      const counting = await recordRollups(
        items.map((item) => item.notification),
        deps.rollups,
      );
      for (const { id, error } of counting.failed) {
        deps.logger.error("could not count a notification into the daily rollups; its record is retried", { id, error: error as Error });
        uncounted.add(id);
      }
    }

    // 3. Receipts of published notifications.
    const failed = new Set([...result.failed, ...items.filter((item) => uncounted.has(item.notification.id)).map((item) => item.key)]);
    const failedRecords = records.filter((record) => undispatched.has(record) || record.items.some((item) => failed.has(item.key)));
    const sentAt = new Date(now()).toISOString();
    // Users whose LINE push was refused for good (400/401/403): retrying cannot send it.
    const refused = new Set(
      result.problems.filter((problem) => problem.error instanceof LinePermanentError).map((problem) => problem.userId),
    );
    for (const record of records) {
      if (!record.published || !deps.publications) continue;
      if (failedRecords.includes(record)) {
        // Its receipt says "failed" (what did go out, and line "failed"); the record still retries,
        // and a try that sends it once the setting is fixed records "sent" over it.
        if (deps.publications.recordFailure && record.items.some((item) => refused.has(item.notification.userId))) {
          await deps.publications
            .recordFailure(record.published, receipt(record.items, result, sentAt, deps.email !== undefined))
            .catch((error: unknown) =>
              deps.logger.error("could not record a published notification's failure", { id: record.published, error: error as Error }),
            );
        }
        continue;
      }
      const delivery = receipt(record.items, result, sentAt, deps.email !== undefined);
      await deps.publications.recordDelivery(record.published, delivery).catch((error: unknown) => {
        deps.logger.error("could not record a published notification's receipt; it was delivered", {
          id: record.published,
          error: error as Error,
        });
      });
    }

    // 4. Lambda retries from the lowest reported sequence number.
    return { batchItemFailures: failedRecords.map((record) => ({ itemIdentifier: record.sequenceNumber })) };
  };
}

/** The ledger's record that a group message's parts were handed on (they deliver their own). */
const partsKey = (record: ReadRecord): string => `parts#${record.parts?.[0]?.notification.id}`;

/**
 * What a published notification's delivery did, over its copies (one, or a group's members),
 * combined as a group's parts are (delivery/group-parts.ts combineDeliveries); e-mail where it is wired.
 */
function receipt(
  items: readonly BatchItem[],
  result: {
    readonly delivered: ReadonlyMap<string, number>;
    readonly line: ReadonlyMap<string, LineOutcome>;
    readonly email: ReadonlyMap<string, LineOutcome>;
  },
  sentAt: string,
  emailWired: boolean,
): PublicationDelivery {
  const copies = items.map(({ notification: { id } }) => ({
    sentAt,
    live: result.delivered.get(id) ?? 0,
    line: result.line.get(id) ?? "not-needed",
    ...(emailWired ? { email: result.email.get(id) ?? ("not-needed" as const) } : {}),
  }));
  // A group with no members: nothing delivered, and the receipt still says so.
  return copies.length > 0
    ? combineDeliveries(copies)
    : { sentAt, live: 0, line: "not-needed", ...(emailWired ? { email: "not-needed" } : {}) };
}
