import { beforeAll, describe, expect, it } from "vitest";
import { Logger } from "@aws-lambda-powertools/logger";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { DynamoDbConnectionStore } from "#adapters/dynamodb/dynamodb-connection-store.ts";
import { createConnectHandler, CONNECTION_LIFETIME_SECONDS } from "#handlers/connect.handler.ts";
import { createDisconnectHandler } from "#handlers/disconnect.handler.ts";
import { signToken } from "#domain/token.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";
import { websocketEvent } from "#test/support/events.ts";

const secret = "connect-test-secret-123";
const nowMs = 1_800_000_000_123;
const nowSeconds = Math.floor(nowMs / 1000);
const logger = new Logger({ logLevel: "SILENT" });

describe("connect and disconnect handlers", () => {
  let tables: TestTables;
  let connect: ReturnType<typeof createConnectHandler>;
  let disconnect: ReturnType<typeof createDisconnectHandler>;

  beforeAll(async () => {
    tables = await createTestTables();
    const connections = new DynamoDbConnectionStore({ tableName: tables.connections, client: tables.doc });
    connect = createConnectHandler({ connections, tokenSecret: async () => secret, logger, now: () => nowMs });
    disconnect = createDisconnectHandler({ connections, logger });
  });

  const rowCount = async () =>
    (await tables.doc.send(new ScanCommand({ TableName: tables.connections, Select: "COUNT" }))).Count;

  it("stores one row for a valid token, expiring with API Gateway's 2 h limit", async () => {
    // Prepare
    const token = signToken({ userId: "alice", expiresAt: nowSeconds + 3_600 }, secret);

    // Act
    const result = await connect(websocketEvent("connect", "conn-alice", { token }));

    // Assess
    expect(result.statusCode).toBe(200);
    const store = new DynamoDbConnectionStore({ tableName: tables.connections, client: tables.doc });
    expect(await store.get("conn-alice")).toEqual({
      connectionId: "conn-alice",
      userId: "alice",
      connectedAt: nowMs,
      expiresAt: nowSeconds + CONNECTION_LIFETIME_SECONDS,
    });
  });

  it.each([
    ["missing", null],
    ["malformed", "not-a-token"],
    ["tampered", signToken({ userId: "bob", expiresAt: nowSeconds + 60 }, secret).replace("Ym9i", "bWFsbG9yeQ")],
    ["signed with another secret", signToken({ userId: "bob", expiresAt: nowSeconds + 60 }, "some-other-secret-456")],
    ["expired", signToken({ userId: "bob", expiresAt: nowSeconds - 1 }, secret)],
  ])("answers 401 and writes nothing for a %s token", async (_kind, token) => {
    // Prepare
    const before = await rowCount();

    // Act
    const result = await connect(websocketEvent("connect", `conn-refused-${_kind}`, { token }));

    // Assess
    expect(result.statusCode).toBe(401);
    expect(await rowCount()).toBe(before);
  });

  it("deletes the row on disconnect", async () => {
    const token = signToken({ userId: "carol", expiresAt: nowSeconds + 60 }, secret);
    await connect(websocketEvent("connect", "conn-carol", { token }));

    const result = await disconnect(websocketEvent("disconnect", "conn-carol"));

    expect(result.statusCode).toBe(200);
    const store = new DynamoDbConnectionStore({ tableName: tables.connections, client: tables.doc });
    expect(await store.get("conn-carol")).toBeUndefined();
  });
});
