import { beforeAll, describe, expect, it } from "vitest";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { DynamoDbPublishKeyStore } from "#adapters/dynamodb/dynamodb-publish-key-store.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";

describe("DynamoDbPublishKeyStore", () => {
  let tables: TestTables;
  let keys: DynamoDbPublishKeyStore;

  beforeAll(async () => {
    tables = await createTestTables();
    keys = new DynamoDbPublishKeyStore({ tableName: tables.publishKeys, client: tables.doc });
  });

  it("finds a key by its hash until it is revoked, and never stores the key", async () => {
    expect(await keys.create("ci", "hash-ci", 1_000)).toBe(true);
    expect(await keys.findByHash("hash-ci")).toEqual({ name: "ci" });

    expect(await keys.revoke("ci", 2_000)).toBe(true);

    expect(await keys.findByHash("hash-ci")).toBeUndefined();
    expect(await keys.revoke("ci", 3_000)).toBe(false);
    const items = (await tables.doc.send(new ScanCommand({ TableName: tables.publishKeys }))).Items ?? [];
    expect(JSON.stringify(items)).not.toMatch(/llk_/);
  });

  it("refuses a second live key of one name, and lets a revoked name be used again", async () => {
    expect(await keys.create("batch", "hash-1", 1_000)).toBe(true);
    expect(await keys.create("batch", "hash-2", 1_500)).toBe(false);
    expect(await keys.findByHash("hash-2")).toBeUndefined();

    await keys.revoke("batch", 2_000);
    expect(await keys.create("batch", "hash-3", 3_000)).toBe(true);

    expect(await keys.findByHash("hash-1")).toBeUndefined();
    expect(await keys.findByHash("hash-3")).toEqual({ name: "batch" });
  });

  it("lists names and times, never hashes", async () => {
    const listed = await keys.list();

    expect(listed).toEqual([
      { name: "batch", createdAt: 3_000 },
      { name: "ci", createdAt: 1_000, revokedAt: 2_000 },
    ]);
  });
});
