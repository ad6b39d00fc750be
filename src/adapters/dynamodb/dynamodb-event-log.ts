/**
 * EventLog on the events table: every notification of a user, kept RESUME_WINDOW_SECONDS (TTL)
 * so a client that was away can `resume`. Ids sort by stream order, so "after id X" is one
 * key-range query.
 *
 * @example
 *   const log = new DynamoDbEventLog({ tableName: "live-likes-events" });
 *   await log.append([notification]);
 *   await log.after("alice", lastSeenId, 101); // what came after it, oldest first
 */
import { BatchWriteCommand, paginateQuery, type DynamoDBDocumentClient, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { type Notification, RESUME_WINDOW_SECONDS } from "#domain/notification.ts";
import type { EventLog } from "#domain/ports.ts";
import { createDocumentClient } from "./document-client.ts";
import { eventsTable, tableName } from "./table-definitions.ts";

/** BatchWriteItem takes at most 25 items a call. */
const BATCH_LIMIT = 25;
/** Rounds of UnprocessedItems before the write is given up as failed. */
const MAX_UNPROCESSED_ROUNDS = 8;

export class DynamoDbEventLog implements EventLog {
  private readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;
  private readonly now: () => number;

  constructor(options: { tableName?: string; client?: DynamoDBDocumentClient; now?: () => number } = {}) {
    this.tableName = options.tableName ?? tableName(eventsTable);
    this.client = options.client ?? createDocumentClient();
    this.now = options.now ?? Date.now;
  }

  async append(notifications: readonly Notification[]): Promise<void> {
    const expiresAt = Math.floor(this.now() / 1000) + RESUME_WINDOW_SECONDS;
    for (let start = 0; start < notifications.length; start += BATCH_LIMIT) {
      let requests: Record<string, unknown>[] = notifications
        .slice(start, start + BATCH_LIMIT)
        .map((notification) => ({ PutRequest: { Item: { ...notification, expiresAt } } }));
      // A redelivered record writes the same key again: the put is idempotent by design.
      for (let round = 0; requests.length > 0; round++) {
        if (round === MAX_UNPROCESSED_ROUNDS) throw new Error(`events table kept ${requests.length} writes unprocessed`);
        if (round > 0) await new Promise((r) => setTimeout(r, Math.min(1_000, 50 * 2 ** round)));
        const result = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
        requests = (result.UnprocessedItems?.[this.tableName] ?? []) as Record<string, unknown>[];
      }
    }
  }

  recent(userId: string, count: number): Promise<Notification[]> {
    // Newest first, then turned around: the client wants them in the order they happened.
    return this.query({ KeyConditionExpression: "userId = :userId", ScanIndexForward: false }, { ":userId": userId }, count).then(
      (newestFirst) => newestFirst.reverse(),
    );
  }

  after(userId: string, sinceId: string, limit: number): Promise<Notification[]> {
    return this.query({ KeyConditionExpression: "userId = :userId AND id > :since" }, { ":userId": userId, ":since": sinceId }, limit);
  }

  private async query(
    input: Pick<QueryCommandInput, "KeyConditionExpression" | "ScanIndexForward">,
    values: Record<string, unknown>,
    limit: number,
  ): Promise<Notification[]> {
    const found: Notification[] = [];
    const pages = paginateQuery(
      { client: this.client, pageSize: limit },
      {
        TableName: this.tableName,
        ...input,
        // Rows past their TTL may linger until DynamoDB deletes them: the window means the window.
        FilterExpression: "expiresAt > :now",
        ExpressionAttributeValues: { ...values, ":now": Math.floor(this.now() / 1000) },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) found.push(fromItem(item));
      if (found.length >= limit) break;
    }
    return found.slice(0, limit);
  }
}

/** Rows written before notifications had kinds are likes. */
function fromItem(item: Record<string, unknown>): Notification {
  const { expiresAt: _expiresAt, ...rest } = item;
  const userId = rest.userId as string;
  return { kind: "like", to: `user:${userId}`, ...rest } as Notification;
}
