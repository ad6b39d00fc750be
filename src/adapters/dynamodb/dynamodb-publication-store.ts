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
import { GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Publication } from "#domain/notification.ts";
import type { IdempotencyClaim, PublicationDelivery, PublicationStore, StoredPublication } from "#domain/ports.ts";
import { createDocumentClient } from "./document-client.ts";
import { notificationsTable, tableName } from "./table-definitions.ts";

/** How long a receipt can be asked for: a week, the retention for S3 bodies too. */
export const RECEIPT_TTL_SECONDS = 7 * 86_400;
export const IDEMPOTENCY_PREFIX = "idem#";

export class DynamoDbPublicationStore implements PublicationStore {
  private readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;
  private readonly now: () => number;

  constructor(options: { tableName?: string; client?: DynamoDBDocumentClient; now?: () => number } = {}) {
    this.tableName = options.tableName ?? tableName(notificationsTable);
    this.client = options.client ?? createDocumentClient();
    this.now = options.now ?? Date.now;
  }

  async publish(notification: Publication, claim?: IdempotencyClaim) {
    const nowSeconds = Math.floor(this.now() / 1000);
    const item = { TableName: this.tableName, Item: { ...notification, expiresAt: nowSeconds + RECEIPT_TTL_SECONDS } };
    if (!claim) {
      await this.client.send(
        new TransactWriteCommand({ TransactItems: [{ Put: { ...item, ConditionExpression: "attribute_not_exists(id)" } }] }),
      );
      return { written: true as const };
    }
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  id: `${IDEMPOTENCY_PREFIX}${claim.key}`,
                  requestHash: claim.requestHash,
                  notificationId: notification.id,
                  expiresAt: claim.expiresAt,
                },
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
      const held = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { id: `${IDEMPOTENCY_PREFIX}${claim.key}` }, ConsistentRead: true }),
      );
      if (!held.Item) throw error;
      return { written: false as const, id: held.Item.notificationId as string, requestHash: held.Item.requestHash as string };
    }
  }

  async get(id: string): Promise<StoredPublication | undefined> {
    if (id.startsWith(IDEMPOTENCY_PREFIX)) return undefined;
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }));
    if (!Item || Item.kind !== "notification") return undefined;
    const { expiresAt: _expiresAt, delivery, ...notification } = Item;
    return { notification: notification as Publication, ...(delivery ? { delivery: delivery as PublicationDelivery } : {}) };
  }

  async recordDelivery(id: string, delivery: PublicationDelivery): Promise<void> {
    await this.client
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: "SET delivery = :delivery",
          // Never brings back an item TTL removed; the first finished delivery is the receipt's.
          ConditionExpression: "attribute_exists(id) AND attribute_not_exists(delivery)",
          ExpressionAttributeValues: { ":delivery": delivery },
        }),
      )
      .catch((error: Error) => {
        if (error.name !== "ConditionalCheckFailedException") throw error;
      });
  }
}
