/**
 * EventLog on the events table: every like event of a user, kept 24 h (TTL) so a client that
 * was away can `resume`. Ids sort by stream order, so "after id X" is one key-range query.
 *
 * @example
 *   const log = new DynamoDbEventLog({ tableName: "live-likes-events" });
 *   await log.append([event]);
 *   await log.since("alice", lastSeenId); // events after it, oldest first
 */
import { BatchWriteCommand, QueryCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { LikeEvent } from "#domain/model.ts";
import type { EventLog } from "#domain/ports.ts";
import { eventsTable, tableName } from "./table-definitions.ts";
import { createDocumentClient } from "./document-client.ts";

export const EVENT_RETENTION_SECONDS = 24 * 3_600;
/** BatchWriteItem takes at most 25 items a call. */
const BATCH_LIMIT = 25;
/** One resume replays at most this many frames; a client further behind reloads the page. */
export const MAX_REPLAY = 1_000;

export class DynamoDbEventLog implements EventLog {
  private readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;
  private readonly now: () => number;

  constructor(options: { tableName?: string; client?: DynamoDBDocumentClient; now?: () => number } = {}) {
    this.tableName = options.tableName ?? tableName(eventsTable);
    this.client = options.client ?? createDocumentClient();
    this.now = options.now ?? Date.now;
  }

  async append(events: readonly LikeEvent[]): Promise<void> {
    const expiresAt = Math.floor(this.now() / 1000) + EVENT_RETENTION_SECONDS;
    for (let start = 0; start < events.length; start += BATCH_LIMIT) {
      let requests: Record<string, unknown>[] = events
        .slice(start, start + BATCH_LIMIT)
        .map((event) => ({ PutRequest: { Item: { ...event, expiresAt } } }));
      // A redelivered record writes the same key again: the put is idempotent by design.
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1_000, 50 * 2 ** attempt)));
        if (attempt === 8) throw new Error(`events table kept ${requests.length} writes unprocessed`);
        const result = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = (result.UnprocessedItems?.[this.tableName] ?? []) as Record<string, unknown>[];
      }
    }
  }

  async recent(userId: string, count: number): Promise<LikeEvent[]> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "userId = :userId",
        FilterExpression: "expiresAt > :now",
        ExpressionAttributeValues: { ":userId": userId, ":now": Math.floor(this.now() / 1000) },
        // Newest first, then turned around: the client wants them in the order they happened.
        ScanIndexForward: false,
        Limit: count,
      }),
    );
    return (page.Items ?? []).map(withoutTtl).reverse();
  }

  async since(userId: string, sinceId: string): Promise<LikeEvent[]> {
    const events: LikeEvent[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "userId = :userId AND id > :since",
          // Rows past their TTL may linger until DynamoDB deletes them: 24 h means 24 h.
          FilterExpression: "expiresAt > :now",
          ExpressionAttributeValues: {
            ":userId": userId,
            ":since": sinceId,
            ":now": Math.floor(this.now() / 1000),
          },
          ExclusiveStartKey: startKey,
          Limit: MAX_REPLAY,
        }),
      );
      for (const item of page.Items ?? []) events.push(withoutTtl(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey && events.length < MAX_REPLAY);
    return events.slice(0, MAX_REPLAY);
  }
}

function withoutTtl(item: Record<string, unknown>): LikeEvent {
  const { expiresAt: _expiresAt, ...event } = item;
  return event as unknown as LikeEvent;
}
