import { beforeAll, describe, expect, it } from "vitest";
import { Logger } from "@aws-lambda-powertools/logger";
import { QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { DynamoDbConnectionStore } from "#adapters/dynamodb/dynamodb-connection-store.ts";
import { DynamoDbRevocationStore } from "#adapters/dynamodb/dynamodb-revocation-store.ts";
import { revocationsTable } from "#adapters/dynamodb/table-definitions.ts";
import { createConnectHandler, CONNECTION_LIFETIME_SECONDS, DEFAULT_MAX_CONNECTIONS_PER_USER } from "#handlers/connect.handler.ts";
import { createDisconnectHandler } from "#handlers/disconnect.handler.ts";
import { revocationSecond, signToken } from "#domain/token.ts";
import { ensureTable } from "#local/tables.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";
import { websocketEvent } from "#test/support/events.ts";

const secret = "connect-test-secret-0123456789-abcdef";
const nowMs = 1_800_000_000_123;
const nowSeconds = Math.floor(nowMs / 1000);
const logger = new Logger({ logLevel: "SILENT" });

/** A four-part token of `userId`, issued `agoSeconds` before now, good for an hour after now. */
const tokenFor = (userId: string, agoSeconds = 60) =>
  signToken({ userId, issuedAt: nowSeconds - agoSeconds, expiresAt: nowSeconds + 3_600 }, secret);

describe("connect and disconnect handlers", () => {
  let tables: TestTables;
  let connections: DynamoDbConnectionStore;
  let revocations: DynamoDbRevocationStore;
  let connect: ReturnType<typeof createConnectHandler>;
  let disconnect: ReturnType<typeof createDisconnectHandler>;

  beforeAll(async () => {
    tables = await createTestTables();
    const revocationsName = `revocations-${tables.connections.slice("connections-".length)}`;
    await ensureTable(tables.client, revocationsTable, revocationsName);
    connections = new DynamoDbConnectionStore({ tableName: tables.connections, client: tables.doc });
    revocations = new DynamoDbRevocationStore({ tableName: revocationsName, client: tables.doc });
    connect = createConnectHandler({ connections, revocations, tokenSecret: async () => secret, logger, now: () => nowMs });
    disconnect = createDisconnectHandler({ connections, logger });
  });

  const rowCount = async () => (await tables.doc.send(new ScanCommand({ TableName: tables.connections, Select: "COUNT" }))).Count;
  const rowsOf = async (userId: string) =>
    (
      await tables.doc.send(
        new QueryCommand({
          TableName: tables.connections,
          IndexName: "byUser",
          KeyConditionExpression: "userId = :userId",
          ExpressionAttributeValues: { ":userId": userId },
        }),
      )
    ).Items?.length;

  it("stores one row for a valid token, expiring with API Gateway's 2 h limit", async () => {
    // Act
    const result = await connect(websocketEvent("connect", "conn-alice", { token: tokenFor("alice") }));

    // Assess
    expect(result.statusCode).toBe(200);
    expect(await connections.get("conn-alice")).toEqual({
      connectionId: "conn-alice",
      userId: "alice",
      connectedAt: nowMs,
      expiresAt: nowSeconds + CONNECTION_LIFETIME_SECONDS,
    });
  });

  it.each([
    ["missing", null],
    ["malformed", "not-a-token"],
    ["tampered", tokenFor("bob").replace("Ym9i", "bWFsbG9yeQ")],
    [
      "signed with another secret",
      signToken({ userId: "bob", issuedAt: nowSeconds - 60, expiresAt: nowSeconds + 60 }, "some-other-secret-456"),
    ],
    ["expired", signToken({ userId: "bob", issuedAt: nowSeconds - 60, expiresAt: nowSeconds - 1 }, secret)],
    ["100-year three-part", signToken({ userId: "bob", expiresAt: nowSeconds + 100 * 365 * 86_400 }, secret)],
  ])("answers 401 and writes nothing for a %s token", async (_kind, token) => {
    // Prepare
    const before = await rowCount();

    // Act
    const result = await connect(websocketEvent("connect", `conn-refused-${_kind}`, { token }));

    // Assess
    expect(result.statusCode).toBe(401);
    expect(await rowCount()).toBe(before);
  });

  it("answers 401 and writes nothing for a token issued before its user's revocation", async () => {
    // Prepare: issued a day ago, revoked a minute ago.
    const token = tokenFor("revoked-erin", 86_400);
    await revocations.revoke("revoked-erin", nowSeconds - 60);

    // Act
    const result = await connect(websocketEvent("connect", "conn-erin-old", { token }));

    // Assess
    expect(result.statusCode).toBe(401);
    expect(await rowsOf("revoked-erin")).toBe(0);
  });

  it("refuses a token issued in the very second of the revocation and takes one from the next", async () => {
    // Prepare: revoked at now.123 s, recorded as the next whole second.
    await revocations.revoke("revoked-frank", revocationSecond(nowMs));
    const sameSecond = tokenFor("revoked-frank", 0);
    const nextSecond = signToken({ userId: "revoked-frank", issuedAt: nowSeconds + 1, expiresAt: nowSeconds + 3_600 }, secret);

    // Act
    const refused = await connect(websocketEvent("connect", "conn-frank-same", { token: sameSecond }));
    const accepted = await connect(websocketEvent("connect", "conn-frank-next", { token: nextSecond }));

    // Assess
    expect(refused.statusCode).toBe(401);
    expect(accepted.statusCode).toBe(200);
    expect(await connections.get("conn-frank-same")).toBeUndefined();
    expect(await connections.get("conn-frank-next")).toMatchObject({ userId: "revoked-frank" });
  });

  it("takes a three-part token (no issue time) until its user is revoked, then refuses it", async () => {
    // Prepare
    const legacy = signToken({ userId: "legacy-gina", expiresAt: nowSeconds + 3_600 }, secret);
    const before = await connect(websocketEvent("connect", "conn-gina-1", { token: legacy }));

    // Act
    await revocations.revoke("legacy-gina", nowSeconds - 86_400);
    const after = await connect(websocketEvent("connect", "conn-gina-2", { token: legacy }));

    // Assess
    expect(before.statusCode).toBe(200);
    expect(after.statusCode).toBe(401);
    expect(await rowsOf("legacy-gina")).toBe(1);
  });

  it(`takes ${DEFAULT_MAX_CONNECTIONS_PER_USER} connections of one user and answers the next with 429, writing nothing`, async () => {
    // Prepare
    const token = tokenFor("busy-hana");
    for (let i = 0; i < DEFAULT_MAX_CONNECTIONS_PER_USER; i++) {
      expect((await connect(websocketEvent("connect", `conn-hana-${i}`, { token }))).statusCode).toBe(200);
    }

    // Act
    const over = await connect(websocketEvent("connect", "conn-hana-over", { token }));

    // Assess
    expect(over).toEqual({ statusCode: 429, body: "Too Many Requests" });
    expect(await connections.get("conn-hana-over")).toBeUndefined();
    expect(await rowsOf("busy-hana")).toBe(DEFAULT_MAX_CONNECTIONS_PER_USER);
  });

  it("counts only one user's live rows: another user still connects, a freed slot is taken again", async () => {
    // Prepare: a cap of 2, one row already past its TTL (not yet deleted by DynamoDB).
    const capped = createConnectHandler({
      connections,
      revocations,
      tokenSecret: async () => secret,
      logger,
      now: () => nowMs,
      maxConnectionsPerUser: 2,
    });
    await connections.save({ connectionId: "conn-ivan-stale", userId: "capped-ivan", connectedAt: 1, expiresAt: nowSeconds - 1 });
    const token = tokenFor("capped-ivan");
    await capped(websocketEvent("connect", "conn-ivan-1", { token }));
    await capped(websocketEvent("connect", "conn-ivan-2", { token }));

    // Act
    const third = await capped(websocketEvent("connect", "conn-ivan-3", { token }));
    const otherUser = await capped(websocketEvent("connect", "conn-jun-1", { token: tokenFor("capped-jun") }));
    await disconnect(websocketEvent("disconnect", "conn-ivan-1"));
    const afterLeave = await capped(websocketEvent("connect", "conn-ivan-4", { token }));

    // Assess
    expect(third.statusCode).toBe(429);
    expect(otherUser.statusCode).toBe(200);
    expect(afterLeave.statusCode).toBe(200);
  });

  it("deletes the row on disconnect", async () => {
    await connect(websocketEvent("connect", "conn-carol", { token: tokenFor("carol") }));

    const result = await disconnect(websocketEvent("disconnect", "conn-carol"));

    expect(result.statusCode).toBe(200);
    expect(await connections.get("conn-carol")).toBeUndefined();
  });
});
