/**
 * PublicationStore on the notifications table: the notification item (its stream delivers it)
 * and, with an Idempotency-Key, an `idem#<key>` item holding the request's hash and the id,
 * written in one transaction, the claim only if no live claim of that key exists. A refused
 * transaction writes nothing; the claim that refused it is read back for the use case to compare.
 *
 * @example
 *   const store = new DynamoDbPublicationStore({ tableName: "live-likes-notifications" });
 *   const result = await store.publish(notification, { key: "job-42", requestHash, expiresAt });
 */
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Publication } from "#domain/notification.ts";
import type {
  CancelOutcome,
  GroupPartReceipts,
  HeldClaim,
  IdempotencyClaim,
  PublicationDelivery,
  PublicationSchedule,
  PublicationStatus,
  PublicationStore,
  StoredPublication,
} from "#domain/ports.ts";
import { combineDeliveries } from "#domain/delivery/group-parts.ts";
import { createDocumentClient } from "./document-client.ts";
import { DUE_INDEX, notificationsTable, tableName } from "./table-definitions.ts";

/** How long a receipt can be asked for: a week, the retention for S3 bodies too. */
export const RECEIPT_TTL_SECONDS = 7 * 86_400;
export const IDEMPOTENCY_PREFIX = "idem#";
/** The `schedule` value of every scheduled item: the due index's one partition, read in due-time order. */
export const SCHEDULE_PENDING = "pending";
/** How often a publish whose key another request is claiming at that moment tries again. */
const CONFLICT_ATTEMPTS = 5;

export class DynamoDbPublicationStore implements PublicationStore, GroupPartReceipts {
  private readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;
  private readonly now: () => number;

  constructor(options: { tableName?: string; client?: DynamoDBDocumentClient; now?: () => number } = {}) {
    this.tableName = options.tableName ?? tableName(notificationsTable);
    this.client = options.client ?? createDocumentClient();
    this.now = options.now ?? Date.now;
  }

  async publish(notification: Publication, claim?: IdempotencyClaim, schedule?: PublicationSchedule) {
    const nowSeconds = Math.floor(this.now() / 1000);
    // A scheduled one's receipt is kept a week after its sendAt, not after the request.
    const keptFrom = schedule ? Math.max(nowSeconds, Math.ceil(schedule.sendAtMs / 1000)) : nowSeconds;
    const scheduled = schedule
      ? { status: "scheduled", sendAt: new Date(schedule.sendAtMs).toISOString(), schedule: SCHEDULE_PENDING, dueAt: schedule.sendAtMs }
      : {};
    const item = { TableName: this.tableName, Item: { ...notification, ...scheduled, expiresAt: keptFrom + RECEIPT_TTL_SECONDS } };
    if (!claim) {
      await this.client.send(
        new TransactWriteCommand({ TransactItems: [{ Put: { ...item, ConditionExpression: "attribute_not_exists(id)" } }] }),
      );
      return { written: true as const };
    }
    const claimKey = { id: `${IDEMPOTENCY_PREFIX}${claim.key}` };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  Item: { ...claimKey, requestHash: claim.requestHash, notificationId: notification.id, expiresAt: claim.expiresAt },
                  // TTL deletes late: an expired claim is free again.
                  ConditionExpression: "attribute_not_exists(id) OR expiresAt < :now",
                  ExpressionAttributeValues: { ":now": nowSeconds },
                },
              },
              { Put: { ...item, ConditionExpression: "attribute_not_exists(id)" } },
            ],
          }),
        );
        return { written: true as const };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const held = await this.heldClaim(claim.key, nowSeconds * 1000);
        if (held) return { written: false as const, ...held };
        // Two requests with one key at once: the loser's transaction is cancelled as a conflict while
        // the winner's is still being written, so there is no claim to read yet. Try again: the
        // winner's claim then refuses it, and is read back.
        const conflict = error.CancellationReasons?.some((reason) => reason.Code === "TransactionConflict");
        if (!conflict || attempt >= CONFLICT_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      }
    }
  }

  async heldClaim(key: string, nowMs: number): Promise<HeldClaim | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { id: `${IDEMPOTENCY_PREFIX}${key}` }, ConsistentRead: true }),
    );
    // TTL deletes late: an expired claim holds nothing.
    if (!Item || Item.expiresAt < Math.floor(nowMs / 1000)) return undefined;
    return { id: Item.notificationId as string, requestHash: Item.requestHash as string, expiresAt: Item.expiresAt as number };
  }

  async get(id: string): Promise<StoredPublication | undefined> {
    if (id.startsWith(IDEMPOTENCY_PREFIX)) return undefined;
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }));
    if (!Item || Item.kind !== "notification") return undefined;
    const { expiresAt: _expiresAt, delivery: whole, partDeliveries, parts, ...notification } = Item;
    // A group delivered in parts: its receipt once every part recorded one.
    const partList = Object.values((partDeliveries ?? {}) as Record<string, PublicationDelivery>);
    const delivery = whole ?? (typeof parts === "number" && partList.length >= parts ? combineDeliveries(partList) : undefined);
    const {
      status,
      sendAt,
      schedule: _schedule,
      dueAt: _dueAt,
      releasedAt: _releasedAt,
      cancelledAt: _cancelledAt,
      ...content
    } = notification;
    return {
      notification: content as Publication,
      ...(status ? { status: status as PublicationStatus } : {}),
      ...(sendAt ? { sendAt: sendAt as string } : {}),
      ...(delivery ? { delivery: delivery as PublicationDelivery } : {}),
    };
  }

  async recordDelivery(id: string, delivery: PublicationDelivery): Promise<void> {
    await this.client
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          // status "sent": this MODIFY's new image must not look like a release ("due") and deliver again.
          UpdateExpression: "SET delivery = :delivery, #status = :sent",
          // Never brings back an item TTL removed; the first finished delivery is the receipt's
          // (a failure recorded before it gives way).
          ConditionExpression: "attribute_exists(id) AND (attribute_not_exists(delivery) OR #status = :failed)",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":delivery": delivery, ":sent": "sent", ":failed": "failed" },
        }),
      )
      .catch((error: Error) => {
        if (error.name !== "ConditionalCheckFailedException") throw error;
      });
  }

  async recordPartDelivery(id: string, part: number, parts: number, delivery: PublicationDelivery): Promise<void> {
    const alreadyThere = (error: Error) => {
      if (error.name !== "ConditionalCheckFailedException") throw error;
    };
    // Two steps, because DynamoDB refuses to set a map's entry in the same update that creates the map.
    await this.client
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: "SET partDeliveries = :empty, parts = :parts",
          ConditionExpression: "attribute_exists(id) AND attribute_not_exists(partDeliveries)",
          ExpressionAttributeValues: { ":empty": {}, ":parts": parts },
        }),
      )
      .catch(alreadyThere);
    // The first record of a part is its receipt: a retried part changes nothing.
    await this.client
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: "SET partDeliveries.#part = :delivery",
          ConditionExpression: "attribute_exists(id) AND attribute_not_exists(partDeliveries.#part)",
          ExpressionAttributeNames: { "#part": `p${part}` },
          ExpressionAttributeValues: { ":delivery": delivery },
        }),
      )
      .catch(alreadyThere);
  }

  async recordFailure(id: string, delivery: PublicationDelivery): Promise<void> {
    await this.client
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: "SET delivery = :delivery, #status = :failed",
          // Never over a finished delivery; a later failure of the same kind keeps the first one's record.
          ConditionExpression: "attribute_exists(id) AND attribute_not_exists(delivery)",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":delivery": delivery, ":failed": "failed" },
        }),
      )
      .catch((error: Error) => {
        if (error.name !== "ConditionalCheckFailedException") throw error;
      });
  }

  async due(untilMs: number, limit: number): Promise<{ id: string; dueAt: number }[]> {
    // The index is sparse: only items still scheduled carry `schedule`, so this reads nothing else.
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: DUE_INDEX,
        KeyConditionExpression: "#schedule = :pending AND dueAt <= :until",
        ExpressionAttributeNames: { "#schedule": "schedule" },
        ExpressionAttributeValues: { ":pending": SCHEDULE_PENDING, ":until": untilMs },
        Limit: limit,
      }),
    );
    return Items.map((item) => ({ id: item.id as string, dueAt: item.dueAt as number }));
  }

  async release(id: string, atMs: number): Promise<boolean> {
    // The index is eventually consistent: an item it lists may be released or cancelled already. The condition decides.
    return this.fromScheduled(id, "due", "releasedAt", atMs);
  }

  async cancel(id: string, atMs: number): Promise<CancelOutcome> {
    if (await this.fromScheduled(id, "cancelled", "cancelledAt", atMs)) return "cancelled";
    const found = await this.get(id);
    if (!found) return "unknown";
    return found.status === "cancelled" ? "already-cancelled" : "not-scheduled";
  }

  /** scheduled → `status` in one conditional write, leaving the due index; false when it was not scheduled. */
  private async fromScheduled(id: string, status: PublicationStatus, timeAttribute: string, atMs: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: "SET #status = :next, #at = :at REMOVE #schedule, dueAt",
          ConditionExpression: "#status = :scheduled",
          ExpressionAttributeNames: { "#status": "status", "#at": timeAttribute, "#schedule": "schedule" },
          ExpressionAttributeValues: { ":next": status, ":scheduled": "scheduled", ":at": new Date(atMs).toISOString() },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") return false;
      throw error;
    }
  }
}
