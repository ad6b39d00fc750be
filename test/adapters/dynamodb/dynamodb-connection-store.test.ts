import { beforeAll, describe, expect, it } from "vitest";
import { DynamoDbConnectionStore } from "#adapters/dynamodb/dynamodb-connection-store.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";

describe("DynamoDbConnectionStore", () => {
  let tables: TestTables;
  let store: DynamoDbConnectionStore;
  const now = 1_800_000_000;

  beforeAll(async () => {
    tables = await createTestTables();
    store = new DynamoDbConnectionStore({ tableName: tables.connections, client: tables.doc });
  });

  it("saves a row per connection with the public attribute names", async () => {
    // Act
    await store.save({ connectionId: "c-1", userId: "alice", connectedAt: 1_000, expiresAt: now + 60 });

    // Assess
    expect(await store.get("c-1")).toEqual({ connectionId: "c-1", userId: "alice", connectedAt: 1_000, expiresAt: now + 60 });
  });

  it("lists every live connection of one user and no one else's", async () => {
    // Prepare
    const ids = Array.from({ length: 120 }, (_, i) => `bob-${String(i).padStart(3, "0")}`);
    await Promise.all(ids.map((id) => store.save({ connectionId: id, userId: "bob", connectedAt: 1, expiresAt: now + 60 })));
    await store.save({ connectionId: "carol-1", userId: "carol", connectedAt: 1, expiresAt: now + 60 });

    // Act
    const listed = await store.listByUser("bob", now);

    // Assess
    expect(listed.sort()).toEqual(ids);
  });

  it("skips rows whose TTL has passed but that DynamoDB has not deleted yet", async () => {
    await store.save({ connectionId: "dave-old", userId: "dave", connectedAt: 1, expiresAt: now - 1 });
    await store.save({ connectionId: "dave-new", userId: "dave", connectedAt: 1, expiresAt: now + 1 });

    expect(await store.listByUser("dave", now)).toEqual(["dave-new"]);
  });

  it("removes a row", async () => {
    await store.save({ connectionId: "erin-1", userId: "erin", connectedAt: 1, expiresAt: now + 60 });

    await store.remove("erin-1");

    expect(await store.get("erin-1")).toBeUndefined();
    expect(await store.listByUser("erin", now)).toEqual([]);
  });
});
