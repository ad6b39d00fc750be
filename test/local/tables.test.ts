import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { DescribeTableCommand, DescribeTimeToLiveCommand, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { notificationsTable } from "#adapters/dynamodb/table-definitions.ts";
import { ensureTable } from "#local/tables.ts";
import { createTestTables, localDynamoClient } from "#test/support/dynamodb.ts";

describe("local tables", () => {
  it("creates the connections table with the byUser index and TTL on expiresAt", async () => {
    // Prepare
    const tables = await createTestTables();

    // Act
    const { Table } = await tables.client.send(new DescribeTableCommand({ TableName: tables.connections }));
    const ttl = await tables.client.send(new DescribeTimeToLiveCommand({ TableName: tables.connections }));

    // Assess
    expect(Table?.KeySchema).toEqual([{ AttributeName: "connectionId", KeyType: "HASH" }]);
    expect(Table?.GlobalSecondaryIndexes?.[0]?.IndexName).toBe("byUser");
    expect(Table?.GlobalSecondaryIndexes?.[0]?.KeySchema).toEqual([
      { AttributeName: "userId", KeyType: "HASH" },
      { AttributeName: "connectionId", KeyType: "RANGE" },
    ]);
    expect(ttl.TimeToLiveDescription?.AttributeName).toBe("expiresAt");
  });

  it("creates the articles table with a NEW_AND_OLD_IMAGES stream", async () => {
    const tables = await createTestTables();

    const { Table } = await tables.client.send(new DescribeTableCommand({ TableName: tables.articles }));

    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" });
    expect(Table?.LatestStreamArn).toBeTruthy();
  });

  it("adds an index declared after the table was made (a DATA_DIR from before scheduling) and keeps its items", async () => {
    // Prepare: the notifications table as it was before the byDueTime index
    const client = localDynamoClient();
    const name = `notifications-before-index-${randomUUID()}`;
    const { globalSecondaryIndexes: _indexes, ...before } = notificationsTable;
    await ensureTable(client, before, name);
    await client.send(new PutItemCommand({ TableName: name, Item: { id: { S: "kept" } } }));

    // Act
    await ensureTable(client, notificationsTable, name);
    await ensureTable(client, notificationsTable, name);

    // Assess
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(["byDueTime"]);
    expect((await client.send(new GetItemCommand({ TableName: name, Key: { id: { S: "kept" } } }))).Item).toBeDefined();
    client.destroy();
  });
});
