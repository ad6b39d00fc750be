/**
 * PublishKeyStore on the publish-keys table: `name#<NAME>` {`hash`, `createdAt`, `revokedAt`?}
 * and `hash#<HASH>` {`name`}, written and removed together in one transaction, so a request's
 * key is one strongly consistent GetItem and a revoke takes effect on the next request.
 *
 * @example
 *   const keys = new DynamoDbPublishKeyStore({ tableName: "live-likes-publish-keys" });
 *   await keys.findByHash(hashPublishKey(key)); // { name: "ci" } or undefined
 */
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { GetCommand, paginateScan, TransactWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { PublishKeyInfo, PublishKeyStore } from "#domain/ports.ts";
import { createDocumentClient } from "./document-client.ts";
import { publishKeysTable, tableName } from "./table-definitions.ts";

const NAME = "name#";
const HASH = "hash#";

export class DynamoDbPublishKeyStore implements PublishKeyStore {
  private readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;

  constructor(options: { tableName?: string; client?: DynamoDBDocumentClient } = {}) {
    this.tableName = options.tableName ?? tableName(publishKeysTable);
    this.client = options.client ?? createDocumentClient();
  }

  async create(name: string, hash: string, createdAt: number): Promise<boolean> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              // A revoked name may be used again; its old hash item is gone already.
              Put: {
                TableName: this.tableName,
                Item: { id: `${NAME}${name}`, hash, createdAt },
                ConditionExpression: "attribute_not_exists(id) OR attribute_exists(revokedAt)",
              },
            },
            { Put: { TableName: this.tableName, Item: { id: `${HASH}${hash}`, name }, ConditionExpression: "attribute_not_exists(id)" } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }

  async revoke(name: string, revokedAt: number): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { id: `${NAME}${name}` }, ConsistentRead: true }),
    );
    if (!Item || Item.revokedAt !== undefined) return false;
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: { id: `${NAME}${name}` },
                UpdateExpression: "SET revokedAt = :at",
                ConditionExpression: "#hash = :hash AND attribute_not_exists(revokedAt)",
                ExpressionAttributeNames: { "#hash": "hash" },
                ExpressionAttributeValues: { ":at": revokedAt, ":hash": Item.hash },
              },
            },
            { Delete: { TableName: this.tableName, Key: { id: `${HASH}${Item.hash as string}` } } },
          ],
        }),
      );
      return true;
    } catch (error) {
      // Revoked or replaced between the read and the write: nothing live of that name is left to revoke.
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }

  async list(): Promise<PublishKeyInfo[]> {
    const found: PublishKeyInfo[] = [];
    // A handful of keys: a Scan of this small table, never of the notifications.
    for await (const page of paginateScan({ client: this.client }, { TableName: this.tableName })) {
      for (const item of page.Items ?? []) {
        const id = item.id as string;
        if (!id.startsWith(NAME)) continue;
        found.push({
          name: id.slice(NAME.length),
          createdAt: item.createdAt as number,
          ...(item.revokedAt !== undefined ? { revokedAt: item.revokedAt as number } : {}),
        });
      }
    }
    return found.sort((a, b) => a.name.localeCompare(b.name));
  }

  async findByHash(hash: string): Promise<{ name: string } | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { id: `${HASH}${hash}` }, ConsistentRead: true }),
    );
    return Item ? { name: Item.name as string } : undefined;
  }
}
