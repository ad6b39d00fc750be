import { beforeAll, describe, expect, it } from "vitest";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { DynamoDbPreferenceStore } from "#adapters/dynamodb/dynamodb-preference-store.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";

let tables: TestTables;
let store: DynamoDbPreferenceStore;
beforeAll(async () => {
  tables = await createTestTables();
  store = new DynamoDbPreferenceStore({ tableName: tables.preferences, client: tables.doc });
});

describe("DynamoDbPreferenceStore", () => {
  it("has nothing for someone who never chose", async () => {
    expect(await store.get("nobody")).toBeUndefined();
  });

  it("keeps only the fields given, merges later changes, and removes a cleared address", async () => {
    // Act
    const first = await store.update("alice", { email: "always", emailAddress: "alice@example.com", digestHour: 0 });
    const second = await store.update("alice", { line: "digest", emailAddress: null });

    // Assess
    expect(first).toEqual({ email: "always", emailAddress: "alice@example.com", digestHour: 0 });
    expect(second).toEqual({ line: "digest", email: "always", digestHour: 0 });
    expect(await store.get("alice")).toEqual(second);
    const { Item } = await tables.doc.send(new GetCommand({ TableName: tables.preferences, Key: { userId: "alice" } }));
    expect(Item).toEqual({ userId: "alice", line: "digest", email: "always", digestHour: 0 });
  });

  it("keeps two changes of different fields made at once", async () => {
    await Promise.all([store.update("bob", { line: "off" }), store.update("bob", { timeZone: "Asia/Tokyo" })]);
    expect(await store.get("bob")).toEqual({ line: "off", timeZone: "Asia/Tokyo" });
  });

  it("answers what is stored to a change with nothing in it, without writing", async () => {
    expect(await store.update("carol", {})).toEqual({});
    expect(await store.get("carol")).toBeUndefined();
  });
});
