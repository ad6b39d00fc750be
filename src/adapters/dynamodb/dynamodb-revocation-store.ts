/**
 * RevocationStore on the revocations table: one row per user, `revokedAt` in epoch seconds.
 * Read with a strongly consistent GetItem so a connect right after `revoke` already sees it.
 *
 * @example
 *   const revocations = new DynamoDbRevocationStore({ tableName: "live-likes-revocations" });
 *   await revocations.revoke("alice", 1_800_000_001);
 *   await revocations.revokedAt("alice"); // 1800000001
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { RevocationStore } from "#domain/ports.ts";
import { createDocumentClient } from "./document-client.ts";
import { revocationsTable, tableName } from "./table-definitions.ts";

export class DynamoDbRevocationStore implements RevocationStore {
  private readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;

  constructor(options: { tableName?: string; client?: DynamoDBDocumentClient } = {}) {
    this.tableName = options.tableName ?? tableName(revocationsTable);
    this.client = options.client ?? createDocumentClient();
  }

  async revokedAt(userId: string): Promise<number | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { userId },
        ConsistentRead: true,
        ProjectionExpression: "revokedAt",
      }),
    );
    return typeof Item?.revokedAt === "number" ? Item.revokedAt : undefined;
  }

  async revoke(userId: string, atSeconds: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { userId },
          UpdateExpression: "SET revokedAt = :at",
          // A machine whose clock is behind must not bring back tokens a later revocation refused.
          ConditionExpression: "attribute_not_exists(revokedAt) OR revokedAt < :at",
          ExpressionAttributeValues: { ":at": atSeconds },
        }),
      );
    } catch (error) {
      if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
    }
  }
}
