/**
 * HotPollLease on the articles table: one `#hot-lease` item in the account's own partition,
 * taken by a conditional write only once the last holder's time ran out.
 *
 * Why there: the collector already owns that partition, its Query skips "#" items, the stream
 * handler ignores them (likeEventFromChange) and the deployed stream filter never lets an item
 * without `lastDelta` invoke the function, so a lease write costs one write unit and nothing more.
 *
 * @example
 *   const lease = new DynamoDbHotPollLease({ tableName: "live-likes-articles" });
 *   if (await lease.take("alice", Date.now(), Date.now() + 7_000)) await pollFirstPage();
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { HotPollLease } from "#domain/ports.ts";
import { createDocumentClient } from "./document-client.ts";
import { articlesTable, tableName } from "./table-definitions.ts";

export const HOT_LEASE_ITEM_ID = "#hot-lease";

export class DynamoDbHotPollLease implements HotPollLease {
  private readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;

  constructor(options: { tableName?: string; client?: DynamoDBDocumentClient } = {}) {
    this.tableName = options.tableName ?? tableName(articlesTable);
    this.client = options.client ?? createDocumentClient();
  }

  async take(userId: string, nowMs: number, untilMs: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { userId, itemId: HOT_LEASE_ITEM_ID, leaseUntil: untilMs },
          ConditionExpression: "attribute_not_exists(itemId) OR leaseUntil <= :now",
          ExpressionAttributeValues: { ":now": nowMs },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
