/**
 * ConnectionStore on the connections table: one row per connection, looked up per user through
 * the `byUser` index.
 *
 * @example
 *   const store = new DynamoDbConnectionStore({ tableName: "live-likes-connections" });
 *   await store.save({ connectionId, userId, connectedAt: Date.now(), expiresAt });
 *   await store.listByUser("alice", Math.floor(Date.now() / 1000)); // ["Abc123=", …]
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, GetCommand, PutCommand, paginateQuery, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Connection } from "#domain/model.ts";
import type { ConnectionStore } from "#domain/ports.ts";
import { connectionsTable, tableName } from "./table-definitions.ts";
import { createDocumentClient } from "./document-client.ts";

const [byUser] = connectionsTable.globalSecondaryIndexes;

export class DynamoDbConnectionStore implements ConnectionStore {
  private readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;

  constructor(options: { tableName?: string; client?: DynamoDBDocumentClient } = {}) {
    this.tableName = options.tableName ?? tableName(connectionsTable);
    this.client = options.client ?? createDocumentClient();
  }

  async save(connection: Connection): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          connectionId: connection.connectionId,
          userId: connection.userId,
          connectedAt: connection.connectedAt,
          expiresAt: connection.expiresAt,
        },
      }),
    );
  }

  async remove(connectionId: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { connectionId } }));
  }

  async get(connectionId: string): Promise<Connection | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { connectionId } }));
    return Item as Connection | undefined;
  }

  async listByUser(userId: string, nowSeconds: number): Promise<string[]> {
    const ids: string[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        IndexName: byUser.indexName,
        KeyConditionExpression: "userId = :userId",
        // TTL deletes within days, not at the second: skip rows already past their expiry.
        FilterExpression: "expiresAt > :now",
        ExpressionAttributeValues: { ":userId": userId, ":now": nowSeconds },
        ProjectionExpression: "connectionId",
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) ids.push(item.connectionId as string);
    return ids;
  }

  /** A fixed window on the row itself (`slotWindow`, `slotCount`): one conditional update a call. */
  async takeSlot(connectionId: string, max: number, windowMs: number, nowMs: number): Promise<number> {
    const window = Math.floor(nowMs / windowMs);
    const attempts = [
      // The same window: count one more while under the allowance.
      {
        UpdateExpression: "ADD slotCount :one",
        ConditionExpression: "slotWindow = :window AND slotCount < :max",
        ExpressionAttributeValues: { ":one": 1, ":window": window, ":max": max },
      },
      // A new window (or the first request): start counting again.
      {
        UpdateExpression: "SET slotWindow = :window, slotCount = :one",
        ConditionExpression: "attribute_exists(connectionId) AND (attribute_not_exists(slotWindow) OR slotWindow <> :window)",
        ExpressionAttributeValues: { ":one": 1, ":window": window },
      },
    ];
    for (const attempt of attempts) {
      try {
        await this.client.send(new UpdateCommand({ TableName: this.tableName, Key: { connectionId }, ...attempt }));
        return 0;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    return (window + 1) * windowMs - nowMs;
  }
}
