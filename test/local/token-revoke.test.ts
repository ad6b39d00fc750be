/**
 * `npm run token -- revoke USER` over real parts: DynamoDB Local, the WebSocket emulator running
 * the real connect/disconnect handlers, real `ws` clients and the real Management API client.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Logger } from "@aws-lambda-powertools/logger";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { WebSocket } from "ws";
import { DynamoDbConnectionStore } from "#adapters/dynamodb/dynamodb-connection-store.ts";
import { DynamoDbRevocationStore } from "#adapters/dynamodb/dynamodb-revocation-store.ts";
import { revocationsTable } from "#adapters/dynamodb/table-definitions.ts";
import { createConnectHandler } from "#handlers/connect.handler.ts";
import { createDisconnectHandler } from "#handlers/disconnect.handler.ts";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createDocumentClient } from "#adapters/dynamodb/document-client.ts";
import { connectionsTable } from "#adapters/dynamodb/table-definitions.ts";
import { freePort, startDynamoDbLocal, type DynamoDbLocal } from "#local/aws/dynamodb-local.ts";
import { loadConfig } from "#local/config.ts";
import { startLocalRuntime, type LocalRuntime } from "#local/runtime.ts";
import { startWebSocketEmulator, type WebSocketEmulator } from "#local/aws/websocket-api/start-websocket-emulator.ts";
import { ensureTable } from "#local/tables.ts";
import { mintToken, revokeUser } from "#local/token-cli.ts";
import { createTestTables, localRegion, type TestTables } from "#test/support/dynamodb.ts";
import { connect, refusedStatus, type TestClient } from "#test/support/ws-client.ts";
import { localRuntimeEnv } from "#test/support/local-runtime.ts";
import { waitFor } from "#test/support/wait-for.ts";

const secret = "token-revoke-test-secret-0123456789abcdef";
const logger = new Logger({ logLevel: "SILENT" });
const run = promisify(execFile);

describe("npm run token -- revoke USER", () => {
  let tables: TestTables;
  let revocationsName: string;
  let connections: DynamoDbConnectionStore;
  let emulator: WebSocketEmulator;
  let env: Record<string, string>;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    tables = await createTestTables();
    revocationsName = `revocations-${tables.connections.slice("connections-".length)}`;
    await ensureTable(tables.client, revocationsTable, revocationsName);
    connections = new DynamoDbConnectionStore({ tableName: tables.connections, client: tables.doc });
    const revocations = new DynamoDbRevocationStore({ tableName: revocationsName, client: tables.doc });
    emulator = await startWebSocketEmulator({
      port: 0,
      routes: {
        $connect: { handler: createConnectHandler({ connections, revocations, tokenSecret: async () => secret, logger }) },
        $disconnect: { handler: createDisconnectHandler({ connections, logger }) },
      },
      log: () => undefined,
    });
    // What a user running `npm start` with DYNAMODB_ENDPOINT has in their shell.
    env = {
      PORT: String(emulator.port),
      DYNAMODB_ENDPOINT: tables.endpoint,
      // The run's DynamoDB Local keeps one database per access key id and region.
      AWS_REGION: localRegion,
      AWS_ACCESS_KEY_ID: tables.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: tables.credentials.secretAccessKey,
      DATA_DIR: "memory",
      TOKEN_SECRET: secret,
      ...tables.env,
      REVOCATIONS_TABLE: revocationsName,
    };
  });

  afterAll(async () => {
    for (const client of clients) client.socket.terminate();
    await emulator?.close();
  });

  const open = async (token: string) => {
    const client = await connect(`${emulator.url}/?token=${token}`);
    clients.push(client);
    return client;
  };
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
    ).Items ?? [];
  const user = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

  it("refuses the tokens issued before it, closes the user's sockets, and a token minted after it works", async () => {
    // Prepare: two tabs of alice, one of bob, and a row of alice whose client vanished.
    const alice = user("alice");
    const bob = user("bob");
    const before = mintToken([alice], env, Date.now());
    const tabs = [await open(before), await open(before)];
    const bobTab = await open(mintToken([bob], env, Date.now()));
    await connections.save({ connectionId: "vanished=", userId: alice, connectedAt: 1, expiresAt: Math.floor(Date.now() / 1000) + 60 });

    // Act
    const { line, complete } = await revokeUser([alice], env);
    const after = mintToken([alice], env, Date.now());

    // Assess: what it says.
    expect(complete).toBe(true);
    expect(line).toMatch(
      new RegExp(
        `^revoked tokens of ${alice} issued before \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ; closed 2 connections; removed 1 row of connections already gone$`,
      ),
    );
    // Alice's sockets are closed by the server, bob's stays; no row of alice is left.
    await Promise.all(tabs.map((tab) => tab.closed));
    expect(bobTab.socket.readyState).toBe(WebSocket.OPEN);
    await waitFor(async () => ((await rowsOf(alice)).length === 0 ? true : undefined), { what: "alice's rows to go" });
    expect(await rowsOf(bob)).toHaveLength(1);
    // The old token is refused at $connect and writes nothing; the new one connects.
    expect((await refusedStatus(`${emulator.url}/?token=${before}`)).status).toBe(401);
    expect(await rowsOf(alice)).toHaveLength(0);
    const fresh = await open(after);
    expect(fresh.socket.readyState).toBe(WebSocket.OPEN);
    expect(await rowsOf(alice)).toHaveLength(1);
  });

  it("through npm with npm start not running: records the revocation, drops the rows and says so", async () => {
    // Prepare: rows left by a runtime that is gone, on a port where nothing listens now.
    const carol = user("carol");
    const port = await freePort();
    const expiresAt = Math.floor(Date.now() / 1000) + 60;
    await connections.save({ connectionId: "left-1=", userId: carol, connectedAt: 1, expiresAt });
    await connections.save({ connectionId: "left-2=", userId: carol, connectedAt: 1, expiresAt });
    const old = mintToken([carol], env, Date.now());

    // Act
    const { stdout, stderr } = await run("npm", ["run", "--silent", "token", "--", "revoke", carol], {
      env: { ...process.env, ...env, PORT: String(port) },
      encoding: "utf8",
    });

    // Assess
    expect(stdout).toMatch(
      new RegExp(
        `^revoked tokens of ${carol} issued before \\S+Z; npm start is not running on port ${port}, so no connection was open: removed 2 connection rows\\n$`,
      ),
    );
    expect(stderr.match(/revoke|revoked/g) ?? []).toEqual([]);
    expect(await rowsOf(carol)).toHaveLength(0);
    expect((await refusedStatus(`${emulator.url}/?token=${old}`)).status).toBe(401);
  });

  it("says in one line when the DYNAMODB_ENDPOINT given cannot be reached", async () => {
    const port = await freePort();

    await expect(revokeUser([user("dave")], { ...env, DYNAMODB_ENDPOINT: `http://127.0.0.1:${port}` })).rejects.toThrow(
      `cannot reach DynamoDB at http://127.0.0.1:${port} (DYNAMODB_ENDPOINT): start that DynamoDB and run revoke again, with the settings npm start uses`,
    );
  });

  it.each<[string, Record<string, string>]>([
    ["another table name", { CONNECTIONS_TABLE: "no-such-connections" }],
    ["another access key (another database of DynamoDB Local)", { AWS_ACCESS_KEY_ID: "SOMEONEELSE" }],
  ])("refuses to write a revocation where npm start does not look: %s", async (_kind, change) => {
    const name = change.CONNECTIONS_TABLE ?? env.CONNECTIONS_TABLE;

    await expect(revokeUser([user("erin")], { ...env, ...change })).rejects.toThrow(
      `no table ${name} in that DynamoDB: run revoke with the DATA_DIR, DYNAMODB_ENDPOINT and CONNECTIONS_TABLE npm start uses`,
    );
  });

  it.each([[[]], [["a", "b"]], [["has space"]], [["alice", "--ttl", "1d"]]])("refuses the arguments %j", async (argv) => {
    await expect(revokeUser(argv, env)).rejects.toThrow(/usage|user id|Unknown option/);
  });
});

describe("revoke against the runtime npm start runs", () => {
  let runtime: LocalRuntime;
  let env: Record<string, string>;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    const runtimeEnv = localRuntimeEnv();
    runtime = await startLocalRuntime(loadConfig(runtimeEnv), { logLevel: "SILENT" });
    // The shell of a second terminal: same settings, and the port npm start printed.
    env = { ...runtimeEnv, PORT: new URL(runtime.websocketUrl).port };
  });

  afterAll(async () => {
    for (const client of clients) client.socket.terminate();
    await runtime?.stop();
  });

  it("closes the user's sockets, refuses the old token with 401 and takes one minted after", async () => {
    // Prepare
    const userId = `frank-${randomUUID().slice(0, 8)}`;
    const old = mintToken([userId], env, Date.now());
    const tabs = [await connect(`${runtime.websocketUrl}/?token=${old}`), await connect(`${runtime.websocketUrl}/?token=${old}`)];
    clients.push(...tabs);

    // Act
    const { line } = await revokeUser([userId], env);

    // Assess
    expect(line).toMatch(/; closed 2 connections$/);
    await Promise.all(tabs.map((tab) => tab.closed));
    expect((await refusedStatus(`${runtime.websocketUrl}/?token=${old}`)).status).toBe(401);
    const fresh = await connect(`${runtime.websocketUrl}/?token=${mintToken([userId], env, Date.now())}`);
    clients.push(fresh);
    expect(fresh.socket.readyState).toBe(WebSocket.OPEN);
  });
});

describe("revoke against a DynamoDB Local kept in DATA_DIR", () => {
  let dataDir: string;
  let dynamo: DynamoDbLocal;

  beforeAll(async () => {
    // What npm start leaves without DYNAMODB_ENDPOINT: its DynamoDB Local, keyed by DATA_DIR/dynamodb.
    dataDir = mkdtempSync(join(tmpdir(), "live-likes-revoke-"));
    dynamo = await startDynamoDbLocal({ port: 0, dataDir: join(dataDir, "dynamodb") });
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: dynamo.region, credentials: dynamo.credentials });
    await ensureTable(client, connectionsTable, "live-likes-connections");
    client.destroy();
  });

  afterAll(async () => {
    await dynamo?.stop();
  });

  const revokedAtIn = async (local: DynamoDbLocal, userId: string) => {
    // Read as npm start would, with the launcher's credentials.
    const client = new DynamoDBClient({ endpoint: local.endpoint, region: local.region, credentials: { ...local.credentials } });
    try {
      return await new DynamoDbRevocationStore({ tableName: "live-likes-revocations", client: createDocumentClient(client) }).revokedAt(
        userId,
      );
    } finally {
      client.destroy();
    }
  };

  it("signs with that installation's key, so npm start sees the revocation", async () => {
    // Prepare
    const userId = `gina-${randomUUID().slice(0, 8)}`;
    const env = { DATA_DIR: dataDir, DYNAMODB_PORT: String(dynamo.port), PORT: String(await freePort()), TOKEN_SECRET: secret };

    // Act
    await revokeUser([userId], env);

    // Assess
    expect(await revokedAtIn(dynamo, userId)).toBeGreaterThan(Date.now() / 1000 - 60);
  });

  // Two more starts of DynamoDB Local's JVM (the CLI's own, then npm start's again) on two busy cores.
  it("with npm start stopped, records the revocation in its DynamoDB Local, opened from DATA_DIR", async () => {
    // Prepare: npm start (here: its DynamoDB Local) is stopped; nothing listens on DYNAMODB_PORT.
    const userId = `hana-${randomUUID().slice(0, 8)}`;
    await dynamo.stop();
    const env = { DATA_DIR: dataDir, DYNAMODB_PORT: String(await freePort()), PORT: String(await freePort()), TOKEN_SECRET: secret };

    // Act
    const { line } = await revokeUser([userId], env);

    // Assess: the next start of npm start finds it.
    dynamo = await startDynamoDbLocal({ port: 0, dataDir: join(dataDir, "dynamodb") });
    expect(await revokedAtIn(dynamo, userId)).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(line).toMatch(/^revoked tokens of hana-\w+ issued before \S+Z; no connection was open$/);
  }, 120_000);
});
