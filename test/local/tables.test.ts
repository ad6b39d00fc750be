import { describe, expect, it } from "vitest";
import { DescribeTableCommand, DescribeTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import { createTestTables } from "#test/support/dynamodb.ts";

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
});
