/**
 * LineQuota on the deliveries table (beside the ledger it guards). Items, by key:
 * - `line-quota#<YYYY-MM>`: `used` slots of the month, `digestSince` (epoch ms) once the pace
 *   switched LINE to digests.
 * - `line-slot#<push key>`: the push that took a slot, so its retry takes none.
 * - `line-note#<YYYY-MM>#<to>`: the switch's note was given to that recipient.
 * A slot is `ADD used 1` on the condition `used < limit`: DynamoDB applies conditional writes to
 * one item one at a time, so however many pushes race, at most `limit` get through. The slot is
 * taken before the push is sent; a crash between the two counts a push that never went (the safe
 * side). Items expire (TTL) after LINE_QUOTA_TTL_SECONDS.
 *
 * @example
 *   const quota = new DynamoDbLineQuota({ tableName: "live-likes-deliveries" });
 *   if (await quota.claimSlot("2026-11", retryKey, 200)) await sender.push(to, texts, retryKey);
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { LineQuota } from "#domain/ports.ts";
import { createDocumentClient } from "./document-client.ts";
import { deliveriesTable, tableName } from "./table-definitions.ts";

/** 62 days: the month's count is read through its last day, then it is only history. */
export const LINE_QUOTA_TTL_SECONDS = 62 * 86_400;

export class DynamoDbLineQuota implements LineQuota {
  private readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;
  private readonly now: () => number;

  constructor(options: { tableName?: string; client?: DynamoDBDocumentClient; now?: () => number } = {}) {
    this.tableName = options.tableName ?? tableName(deliveriesTable);
    this.client = options.client ?? createDocumentClient();
    this.now = options.now ?? Date.now;
  }

  async usage(month: string): Promise<{ used: number; digestSince?: number }> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { key: `line-quota#${month}` }, ConsistentRead: true }),
    );
    const used = (Item?.used as number | undefined) ?? 0;
    return Item?.digestSince === undefined ? { used } : { used, digestSince: Item.digestSince as number };
  }

  async switchToDigests(month: string, atMs: number): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { key: `line-quota#${month}` },
        UpdateExpression: "SET digestSince = if_not_exists(digestSince, :at), expiresAt = :expiresAt",
        ExpressionAttributeValues: { ":at": atMs, ":expiresAt": this.expiresAt() },
      }),
    );
  }

  async claimSlot(month: string, pushKey: string, limit: number): Promise<boolean> {
    const slot = { key: `line-slot#${pushKey}` };
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: slot, ConsistentRead: true }));
    if (Item) return true;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { key: `line-quota#${month}` },
          UpdateExpression: "ADD used :one SET expiresAt = :expiresAt",
          ConditionExpression: "attribute_not_exists(used) OR used < :limit",
          ExpressionAttributeValues: { ":one": 1, ":limit": limit, ":expiresAt": this.expiresAt() },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...slot, month, expiresAt: this.expiresAt() } }));
    return true;
  }

  async takeNote(month: string, to: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { key: `line-note#${month}#${to}`, at: this.now(), expiresAt: this.expiresAt() },
          ConditionExpression: "attribute_not_exists(#key)",
          ExpressionAttributeNames: { "#key": "key" },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private expiresAt(): number {
    return Math.floor(this.now() / 1000) + LINE_QUOTA_TTL_SECONDS;
  }
}
