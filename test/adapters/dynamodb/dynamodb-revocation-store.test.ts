import { beforeAll, describe, expect, it } from "vitest";
import { DynamoDbRevocationStore } from "#adapters/dynamodb/dynamodb-revocation-store.ts";
import { revocationsTable } from "#adapters/dynamodb/table-definitions.ts";
import { ensureTable } from "#local/tables.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";

describe("DynamoDbRevocationStore", () => {
  let tables: TestTables;
  let store: DynamoDbRevocationStore;
  const at = 1_800_000_000;

  beforeAll(async () => {
    tables = await createTestTables();
    const name = `revocations-${tables.connections.slice("connections-".length)}`;
    await ensureTable(tables.client, revocationsTable, name);
    store = new DynamoDbRevocationStore({ tableName: name, client: tables.doc });
  });

  it("knows no revocation of a user never revoked", async () => {
    expect(await store.revokedAt("never-revoked")).toBeUndefined();
  });

  it("reads back the second a revocation was recorded at", async () => {
    // Act
    await store.revoke("alice", at);

    // Assess
    expect(await store.revokedAt("alice")).toBe(at);
  });

  it("moves a revocation later, never earlier", async () => {
    // Prepare
    await store.revoke("bob", at);

    // Act
    await store.revoke("bob", at + 60);
    await store.revoke("bob", at - 60);

    // Assess
    expect(await store.revokedAt("bob")).toBe(at + 60);
  });

  it("keeps users apart", async () => {
    await store.revoke("carol", at);

    expect(await store.revokedAt("carol")).toBe(at);
    expect(await store.revokedAt("dave")).toBeUndefined();
  });
});
