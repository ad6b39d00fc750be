/**
 * GroupDirectory on the groups table: one item `{group, userId}` per member. Adding answers
 * whether the member is new from the item it replaced (one write, no read first); members are
 * one strongly consistent Query, so a publish right after a PUT already reaches the new member.
 *
 * @example
 *   const groups = new DynamoDbGroupDirectory({ tableName: "live-likes-groups" });
 *   await groups.add("on-call", "alice"); // true: new
 *   await groups.members("on-call"); // ["alice"]
 */
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, paginateQuery } from "@aws-sdk/lib-dynamodb";
import type { GroupDirectory } from "#domain/ports.ts";
import { createDocumentClient } from "./document-client.ts";
import { groupsTable, tableName } from "./table-definitions.ts";

export class DynamoDbGroupDirectory implements GroupDirectory {
  private readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;
  private readonly now: () => number;

  constructor(options: { tableName?: string; client?: DynamoDBDocumentClient; now?: () => number } = {}) {
    this.tableName = options.tableName ?? tableName(groupsTable);
    this.client = options.client ?? createDocumentClient();
    this.now = options.now ?? Date.now;
  }

  async add(group: string, userId: string): Promise<boolean> {
    const { Attributes } = await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: { group, userId, addedAt: this.now() }, ReturnValues: "ALL_OLD" }),
    );
    return Attributes === undefined;
  }

  async remove(group: string, userId: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { group, userId } }));
  }

  async members(group: string): Promise<string[]> {
    const members: string[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: "#group = :group",
        ExpressionAttributeNames: { "#group": "group" },
        ExpressionAttributeValues: { ":group": group },
        ProjectionExpression: "userId",
        ConsistentRead: true,
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) members.push(item.userId as string);
    return members;
  }
}
