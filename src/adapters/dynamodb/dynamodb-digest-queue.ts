/**
 * DigestQueue and DigestBacklog on the digests table (table-definitions.ts digestsTable): one item
 * per channel, user and owed notification, holding the notification; one `#digest` item per
 * channel and user with the day of the last digest. Owing is idempotent: owing a notification
 * again keeps its first `owedAt`, so a retried batch does not push it into the next day.
 *
 * @example
 *   const queue = new DynamoDbDigestQueue({ tableName: "live-likes-digests" });
 *   await queue.owe("line", "alice", [like]);
 *   await queue.owed("line", "alice"); // [{ notification: like, owedAt }]
 */
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { createLimiter } from "#domain/concurrency.ts";
import type { Notification } from "#domain/notification.ts";
import type { Channel, DigestBacklog, OwedNotification } from "#domain/ports.ts";
import { createDocumentClient } from "./document-client.ts";
import { digestsTable, tableName } from "./table-definitions.ts";

/** 35 days: a month of a LINE quota waiting for its next month, and the deliveries ledger's own span. */
export const DIGEST_TTL_SECONDS = 35 * 86_400;
/** The `#digest` item's sort key: "#" sorts before every notification id. */
const LAST_DIGEST_ID = "#digest";
/** Writes in flight at once for one owe. */
const WRITE_CONCURRENCY = 8;
/** BatchWriteItem takes at most 25 requests a call. */
const BATCH_WRITE_LIMIT = 25;
const MAX_UNPROCESSED_ROUNDS = 8;
const CHANNELS: readonly Channel[] = ["line", "email"];

const ownerOf = (channel: Channel, userId: string) => `${channel}#${userId}`;

export class DynamoDbDigestQueue implements DigestBacklog {
  private readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;
  private readonly now: () => number;

  constructor(options: { tableName?: string; client?: DynamoDBDocumentClient; now?: () => number } = {}) {
    this.tableName = options.tableName ?? tableName(digestsTable);
    this.client = options.client ?? createDocumentClient();
    this.now = options.now ?? Date.now;
  }

  async owe(channel: Channel, userId: string, notifications: readonly Notification[]): Promise<void> {
    const owedAt = this.now();
    const expiresAt = Math.floor(owedAt / 1000) + DIGEST_TTL_SECONDS;
    const limit = createLimiter(WRITE_CONCURRENCY);
    await Promise.all(
      notifications.map((notification) =>
        limit(() =>
          this.client.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { owner: ownerOf(channel, userId), id: notification.id },
              UpdateExpression:
                "SET #channel = :channel, userId = :userId, notification = :notification, owedAt = if_not_exists(owedAt, :owedAt), expiresAt = if_not_exists(expiresAt, :expiresAt)",
              ExpressionAttributeNames: { "#channel": "channel" },
              ExpressionAttributeValues: {
                ":channel": channel,
                ":userId": userId,
                ":notification": notification,
                ":owedAt": owedAt,
                ":expiresAt": expiresAt,
              },
            }),
          ),
        ),
      ),
    );
  }

  async debtors(): Promise<{ channel: Channel; userId: string }[]> {
    const found = new Map<string, { channel: Channel; userId: string }>();
    for (const channel of CHANNELS) {
      const pages = paginateQuery(
        { client: this.client },
        {
          TableName: this.tableName,
          IndexName: digestsTable.globalSecondaryIndexes[0].indexName,
          KeyConditionExpression: "#channel = :channel",
          ExpressionAttributeNames: { "#channel": "channel" },
          ExpressionAttributeValues: { ":channel": channel },
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) found.set(item.owner as string, { channel, userId: item.userId as string });
      }
    }
    return [...found.values()];
  }

  async owed(channel: Channel, userId: string): Promise<OwedNotification[]> {
    const owed: OwedNotification[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: "#owner = :owner",
        ExpressionAttributeNames: { "#owner": "owner" },
        ExpressionAttributeValues: { ":owner": ownerOf(channel, userId) },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        if (item.id === LAST_DIGEST_ID) continue;
        owed.push({ notification: item.notification as Notification, owedAt: item.owedAt as number });
      }
    }
    return owed.sort((a, b) => a.owedAt - b.owedAt || (a.notification.id < b.notification.id ? -1 : 1));
  }

  async lastDigest(channel: Channel, userId: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { owner: ownerOf(channel, userId), id: LAST_DIGEST_ID }, ConsistentRead: true }),
    );
    return Item?.day as string | undefined;
  }

  async settle(channel: Channel, userId: string, day: string, ids: readonly string[]): Promise<void> {
    const owner = ownerOf(channel, userId);
    // The day first: a crash before the deletes leaves items the ledger knows as sent, never a second digest that day.
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { owner, id: LAST_DIGEST_ID, day, expiresAt: Math.floor(this.now() / 1000) + DIGEST_TTL_SECONDS },
      }),
    );
    for (let start = 0; start < ids.length; start += BATCH_WRITE_LIMIT) {
      let requests: Record<string, unknown>[] | undefined = ids
        .slice(start, start + BATCH_WRITE_LIMIT)
        .map((id) => ({ DeleteRequest: { Key: { owner, id } } }));
      for (let round = 0; requests && requests.length > 0; round++) {
        if (round === MAX_UNPROCESSED_ROUNDS) throw new Error(`digests table kept ${requests.length} deletes unprocessed`);
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 50 * 2 ** round)));
        const result = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests as never } }));
        requests = result.UnprocessedItems?.[this.tableName] as Record<string, unknown>[] | undefined;
      }
    }
  }
}
