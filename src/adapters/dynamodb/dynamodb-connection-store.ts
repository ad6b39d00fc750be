/**
 * ConnectionStore on the connections table: one row per connection, looked up per user through
 * the `byUser` index.
 *
 * @example
 *   const store = new DynamoDbConnectionStore({ tableName: "live-likes-connections" });
 *   await store.save({ connectionId, userId, connectedAt: Date.now(), expiresAt });
 *   await store.listByUser("alice", Math.floor(Date.now() / 1000)); // ["Abc123=", …]
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
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
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { connectionId } }),
    );
    return Item as Connection | undefined;
  }

  async listByUser(userId: string, nowSeconds: number): Promise<string[]> {
    const ids: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: byUser.indexName,
          KeyConditionExpression: "userId = :userId",
          // TTL deletes within days, not at the second: skip rows already past their expiry.
          FilterExpression: "expiresAt > :now",
          ExpressionAttributeValues: { ":userId": userId, ":now": nowSeconds },
          ProjectionExpression: "connectionId",
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) ids.push(item.connectionId as string);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return ids;
  }
}
