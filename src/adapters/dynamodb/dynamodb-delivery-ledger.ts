/**
 * DeliveryLedger on the deliveries table. Rows, by key:
 * - `live#<id>`: the live fan-out of notification <id> finished; `delivered` connections got it.
 * - `<channel>#<id>`: notification <id> is carried by the push `push`.
 * - `push#<key>`: one push: recipient, exact texts, the ids it carries, `sent`.
 * A push and its claims are written in one transaction, each claim only if absent, so two
 * invocations can never put one notification in two pushes. Rows expire after LEDGER_TTL_SECONDS.
 *
 * @example
 *   const ledger = new DynamoDbDeliveryLedger({ tableName: "live-likes-deliveries" });
 *   if (await ledger.open(push)) await sender.push(push.to, push.texts, push.key);
 */
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import type { Channel, ChannelPush, DeliveryLedger } from "#domain/ports.ts";
import { createDocumentClient } from "./document-client.ts";
import { deliveriesTable, tableName } from "./table-definitions.ts";

/**
 * 35 days: past the stream's 24 h retention, and past the 30 days failed batches are kept for
 * `npm run replay-failures`, so a replay still finds what had gone out. A few small rows per
 * notification: storage stays a fraction of a cent.
 */
export const LEDGER_TTL_SECONDS = 35 * 86_400;
/** BatchGetItem reads at most 100 keys a call. */
const BATCH_GET_LIMIT = 100;
/** Rounds of UnprocessedKeys before the read is given up as failed. */
const MAX_UNPROCESSED_ROUNDS = 8;

export class DynamoDbDeliveryLedger implements DeliveryLedger {
  private readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;
  private readonly now: () => number;

  constructor(options: { tableName?: string; client?: DynamoDBDocumentClient; now?: () => number } = {}) {
    this.tableName = options.tableName ?? tableName(deliveriesTable);
    this.client = options.client ?? createDocumentClient();
    this.now = options.now ?? Date.now;
  }

  async liveDeliveries(ids: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.getMany(ids.map((id) => `live#${id}`));
    return new Map(rows.map((row) => [(row.key as string).slice("live#".length), row.delivered as number]));
  }

  async recordLiveDelivery(id: string, delivered: number): Promise<void> {
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: { key: `live#${id}`, delivered, expiresAt: this.expiresAt() } }),
    );
  }

  async claims(channel: Channel, ids: readonly string[]): Promise<Map<string, string>> {
    const prefix = `${channel}#`;
    const rows = await this.getMany(ids.map((id) => prefix + id));
    return new Map(rows.map((row) => [(row.key as string).slice(prefix.length), row.push as string]));
  }

  async open(push: ChannelPush): Promise<boolean> {
    const expiresAt = this.expiresAt();
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...push, key: `push#${push.key}`, pushKey: push.key, expiresAt },
                ConditionExpression: "attribute_not_exists(#key)",
                ExpressionAttributeNames: { "#key": "key" },
              },
            },
            ...push.notificationIds.map((id) => ({
              Put: {
                TableName: this.tableName,
                Item: { key: `${push.channel}#${id}`, push: push.key, expiresAt },
                ConditionExpression: "attribute_not_exists(#key)",
                ExpressionAttributeNames: { "#key": "key" },
              },
            })),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException && isConditionFailure(error)) return false;
      throw error;
    }
  }

  async push(key: string): Promise<ChannelPush | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { key: `push#${key}` }, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return {
      key: Item.pushKey as string,
      channel: Item.channel as Channel,
      to: Item.to as string,
      texts: Item.texts as string[],
      notificationIds: Item.notificationIds as string[],
      sent: Item.sent === true,
    };
  }

  async markSent(key: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { key: `push#${key}` },
        UpdateExpression: "SET sent = :sent",
        ExpressionAttributeValues: { ":sent": true },
      }),
    );
  }

  private expiresAt(): number {
    return Math.floor(this.now() / 1000) + LEDGER_TTL_SECONDS;
  }

  /** Strongly consistent: a claim written a moment ago by another invocation must be seen. */
  private async getMany(keys: readonly string[]): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    const unique = [...new Set(keys)];
    for (let start = 0; start < unique.length; start += BATCH_GET_LIMIT) {
      let request: { Keys: Record<string, unknown>[]; ConsistentRead: boolean } | undefined = {
        Keys: unique.slice(start, start + BATCH_GET_LIMIT).map((key) => ({ key })),
        ConsistentRead: true,
      };
      for (let round = 0; request && request.Keys.length > 0; round++) {
        if (round === MAX_UNPROCESSED_ROUNDS) throw new Error(`deliveries table kept ${request.Keys.length} reads unprocessed`);
        if (round > 0) await new Promise((r) => setTimeout(r, Math.min(1_000, 50 * 2 ** round)));
        const result = await this.client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: request } }));
        rows.push(...(result.Responses?.[this.tableName] ?? []));
        request = result.UnprocessedKeys?.[this.tableName] as typeof request;
      }
    }
    return rows;
  }
}

function isConditionFailure(error: TransactionCanceledException): boolean {
  return (error.CancellationReasons ?? []).some((reason) => reason.Code === "ConditionalCheckFailed");
}
