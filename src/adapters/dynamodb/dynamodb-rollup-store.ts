/**
 * RollupStore on the rollups table (table-definitions.ts rollupsTable). One notification is
 * counted by one transaction of three writes: the marker `counted#<id>` put only if absent, ADD
 * to the day's total, ADD to the item's count that day. The marker's condition makes a second
 * count of the same id (a retried batch, two invocations at once) cancel the whole transaction,
 * so nothing is added twice. Why a transaction and not a set of ids on the day item: a day item
 * would grow with every id (400 KB at most) and a late or replayed record's marker would have to
 * be found on whichever day it fell; the marker costs one small item (35 days) per notification.
 *
 * @example
 *   const rollups = new DynamoDbRollupStore({ tableName: "live-likes-rollups" });
 *   await rollups.count({ id, userId: "alice", date: "2026-12-01", kind: "like", item, title, url, delta: 1 });
 *   const { days, items } = await rollups.read("alice", "2026-11-02", "2026-12-01");
 */
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, paginateQuery, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { CountedKind, RollupCount, RollupDay, RollupItemDay, RollupRange, RollupStore } from "#domain/stats/rollups.ts";
import { createDocumentClient } from "./document-client.ts";
import { rollupsTable, tableName } from "./table-definitions.ts";

/** A day is kept this long after its date: `stats` reads up to 400 days back, from any time zone. */
export const ROLLUP_DAY_TTL_SECONDS = 402 * 86_400;
/** A marker outlives the stream's 24 h and the 30 days failed batches are kept for replay. */
export const COUNTED_MARKER_TTL_SECONDS = 35 * 86_400;
/** Tries of a transaction that another one on the same day item made conflict. */
const MAX_CONFLICT_TRIES = 6;
/** What one TransactWriteItems may hold. */
const MAX_TRANSACTION_WRITES = 100;

const itemKey = (count: RollupCount): string => `d#${count.date}#${count.kind}#${count.item}`;
const dayExpiry = (date: string): number => Math.floor(Date.parse(`${date}T00:00:00Z`) / 1000) + ROLLUP_DAY_TTL_SECONDS;

export class DynamoDbRollupStore implements RollupStore {
  private readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;
  private readonly now: () => number;

  constructor(options: { tableName?: string; client?: DynamoDBDocumentClient; now?: () => number } = {}) {
    this.tableName = options.tableName ?? tableName(rollupsTable);
    this.client = options.client ?? createDocumentClient();
    this.now = options.now ?? Date.now;
  }

  async count(count: RollupCount): Promise<boolean> {
    const dayExpiresAt = Math.floor(Date.parse(`${count.date}T00:00:00Z`) / 1000) + ROLLUP_DAY_TTL_SECONDS;
    const names = { "#key": "key" };
    const command = new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: this.tableName,
            Item: {
              userId: count.userId,
              key: `counted#${count.id}`,
              date: count.date,
              expiresAt: Math.floor(this.now() / 1000) + COUNTED_MARKER_TTL_SECONDS,
            },
            ConditionExpression: "attribute_not_exists(#key)",
            ExpressionAttributeNames: names,
          },
        },
        {
          Update: {
            TableName: this.tableName,
            Key: { userId: count.userId, key: `d#${count.date}` },
            UpdateExpression: "ADD #total :delta SET expiresAt = :expiresAt",
            ExpressionAttributeNames: { "#total": count.kind === "like" ? "likes" : "stars" },
            ExpressionAttributeValues: { ":delta": count.delta, ":expiresAt": dayExpiresAt },
          },
        },
        {
          Update: {
            TableName: this.tableName,
            Key: { userId: count.userId, key: `d#${count.date}#${count.kind}#${count.item}` },
            // The latest title and url win: an article may be renamed.
            UpdateExpression: "ADD #count :delta SET kind = :kind, title = :title, #url = :url, expiresAt = :expiresAt",
            ExpressionAttributeNames: { "#count": "count", "#url": "url" },
            ExpressionAttributeValues: {
              ":delta": count.delta,
              ":kind": count.kind,
              ":title": count.title,
              ":url": count.url,
              ":expiresAt": dayExpiresAt,
            },
          },
        },
      ],
    });
    return (await this.transact(command)) === "counted";
  }

  async countMany(counts: readonly RollupCount[]): Promise<boolean[]> {
    const results: boolean[] = [];
    const seen = new Set<string>();
    let chunk: RollupCount[] = [];
    let writes = new Set<string>();
    const flush = async () => {
      if (chunk.length > 0) results.push(...(await this.countChunk(chunk)));
      chunk = [];
      writes = new Set();
    };
    for (const count of counts) {
      // The same id twice in one call: the second adds nothing (one transaction may not write an item twice).
      if (seen.has(count.id)) {
        await flush();
        results.push(false);
        continue;
      }
      seen.add(count.id);
      const keys = [`counted#${count.id}`, `d#${count.date}`, itemKey(count)].filter((key) => !writes.has(key));
      if (writes.size + keys.length > MAX_TRANSACTION_WRITES) await flush();
      chunk.push(count);
      for (const key of [`counted#${count.id}`, `d#${count.date}`, itemKey(count)]) writes.add(key);
    }
    await flush();
    return results;
  }

  /**
   * One transaction for the chunk: a marker per id (put only if absent), each day's and item's
   * counts added up. When a marker is there already (part of the chunk was counted), none is
   * written and each is counted alone, which tells them apart.
   */
  private async countChunk(chunk: readonly RollupCount[]): Promise<boolean[]> {
    if (chunk.length === 1) return [await this.count(chunk[0] as RollupCount)];
    const userId = (chunk[0] as RollupCount).userId;
    const markerExpiresAt = Math.floor(this.now() / 1000) + COUNTED_MARKER_TTL_SECONDS;
    const days = new Map<string, { likes: number; stars: number }>();
    const items = new Map<string, { count: RollupCount; delta: number }>();
    for (const count of chunk) {
      const day = days.get(count.date) ?? { likes: 0, stars: 0 };
      day[count.kind === "like" ? "likes" : "stars"] += count.delta;
      days.set(count.date, day);
      const item = items.get(itemKey(count));
      // The latest title and url win, as in count().
      items.set(itemKey(count), { count, delta: (item?.delta ?? 0) + count.delta });
    }
    const command = new TransactWriteCommand({
      TransactItems: [
        ...chunk.map((count) => ({
          Put: {
            TableName: this.tableName,
            Item: { userId, key: `counted#${count.id}`, date: count.date, expiresAt: markerExpiresAt },
            ConditionExpression: "attribute_not_exists(#key)",
            ExpressionAttributeNames: { "#key": "key" },
          },
        })),
        ...[...days].map(([date, totals]) => ({
          Update: {
            TableName: this.tableName,
            Key: { userId, key: `d#${date}` },
            UpdateExpression: "ADD likes :likes, stars :stars SET expiresAt = :expiresAt",
            ExpressionAttributeValues: { ":likes": totals.likes, ":stars": totals.stars, ":expiresAt": dayExpiry(date) },
          },
        })),
        ...[...items.values()].map(({ count, delta }) => ({
          Update: {
            TableName: this.tableName,
            Key: { userId, key: itemKey(count) },
            UpdateExpression: "ADD #count :delta SET kind = :kind, title = :title, #url = :url, expiresAt = :expiresAt",
            ExpressionAttributeNames: { "#count": "count", "#url": "url" },
            ExpressionAttributeValues: {
              ":delta": delta,
              ":kind": count.kind,
              ":title": count.title,
              ":url": count.url,
              ":expiresAt": dayExpiry(count.date),
            },
          },
        })),
      ],
    });
    const sent = await this.transact(command);
    if (sent === "counted") return chunk.map(() => true);
    const alone: boolean[] = [];
    for (const count of chunk) alone.push(await this.count(count));
    return alone;
  }

  /** Sends a counting transaction, trying again while another on the same item conflicts. */
  private async transact(command: TransactWriteCommand): Promise<"counted" | "marker-there"> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(command);
        return "counted";
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code);
        // A marker's condition: counted already, by an earlier try or a concurrent one.
        if (codes.includes("ConditionalCheckFailed")) return "marker-there";
        if (!codes.includes("TransactionConflict") || attempt === MAX_CONFLICT_TRIES) throw error;
        // Another count on the same day item is in flight: wait a little (jittered) and try again.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** attempt));
      }
    }
  }

  async read(userId: string, from: string, to: string): Promise<RollupRange> {
    const days: RollupDay[] = [];
    const items: RollupItemDay[] = [];
    // `~` sorts after `#`, so the last day's item keys are inside the range too.
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: "userId = :userId AND #key BETWEEN :from AND :to",
        ExpressionAttributeNames: { "#key": "key" },
        ExpressionAttributeValues: { ":userId": userId, ":from": `d#${from}`, ":to": `d#${to}~` },
      },
    );
    for await (const page of pages) {
      for (const row of page.Items ?? []) {
        const [, date, kind, ...item] = (row.key as string).split("#");
        if (kind === undefined) days.push({ date: date as string, likes: Number(row.likes ?? 0), stars: Number(row.stars ?? 0) });
        else
          items.push({
            date: date as string,
            kind: kind as CountedKind,
            item: item.join("#"),
            title: String(row.title),
            url: String(row.url),
            count: Number(row.count),
          });
      }
    }
    return { days, items };
  }
}
