/**
 * The stream handler's fan-out over real sockets: DynamoDB Local tables, the WebSocket emulator
 * running the real connect handler, the real ManagementApiPoster (SDK client) and real `ws`
 * clients. Covers a client vanishing mid fan-out and a retried batch re-posting the same ids.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { ManagementApiPoster } from "#adapters/apigateway/management-api-poster.ts";
import { DynamoDBArticleStore } from "#adapters/dynamodb/dynamodb-article-store.ts";
import { DynamoDbConnectionStore } from "#adapters/dynamodb/dynamodb-connection-store.ts";
import { DynamoDbDeliveryLedger } from "#adapters/dynamodb/dynamodb-delivery-ledger.ts";
import { DynamoDbEventLog } from "#adapters/dynamodb/dynamodb-event-log.ts";
import { DynamoDbRevocationStore } from "#adapters/dynamodb/dynamodb-revocation-store.ts";
import type { FramePoster, PostOutcome } from "#domain/ports.ts";
import { signToken } from "#domain/token.ts";
import { createConnectHandler } from "#handlers/connect.handler.ts";
import { createStreamHandler } from "#handlers/stream.handler.ts";
import { startStreamPoller, type StreamPoller } from "#local/aws/stream-poller/stream-poller.ts";
import { silentLogger } from "#local/aws/stream-poller/poller-logger.ts";
import { latestStreamArn } from "#local/tables.ts";
import { startWebSocketEmulator, type WebSocketEmulator } from "#local/aws/websocket-api/start-websocket-emulator.ts";
import { connect, type TestClient } from "#test/support/ws-client.ts";
import { likeRecord } from "#test/support/article-records.ts";
import { createTestTables, dynamodbEndpoint, localCredentials, type TestTables } from "#test/support/dynamodb.ts";
import { waitFor } from "#test/support/wait-for.ts";

const logger = new Logger({ logLevel: "SILENT" });
const secret = "fan-out-test-secret-0123";
const tabs = 30;

/** The real poster, with a hook that runs before the post to one connection. */
class HookedPoster implements FramePoster {
  before: ((connectionId: string) => Promise<void>) | undefined;
  constructor(private readonly inner: FramePoster) {}
  async post(connectionId: string, frame: string): Promise<PostOutcome> {
    await this.before?.(connectionId);
    return this.inner.post(connectionId, frame);
  }
}

describe("stream fan-out over the WebSocket emulator", () => {
  let tables: TestTables;
  let connections: DynamoDbConnectionStore;
  let emulator: WebSocketEmulator;
  let poster: HookedPoster;
  let clients: { client: TestClient; connectionId: string }[];

  const likeFrames = (client: TestClient) =>
    client.frames.map((frame) => JSON.parse(frame) as Record<string, unknown>).filter((frame) => frame.type === "like");
  const open = async (userId: string) => {
    const before = new Set(emulator.connectionIds());
    const issuedAt = Math.floor(Date.now() / 1000);
    const token = signToken({ userId, issuedAt, expiresAt: issuedAt + 600 }, secret);
    const client = await connect(`${emulator.url}/?token=${token}`);
    const connectionId = emulator.connectionIds().find((id) => !before.has(id)) as string;
    return { client, connectionId };
  };
  const streamHandler = (fanoutConcurrency: number) =>
    createStreamHandler({
      connections,
      poster,
      events: new DynamoDbEventLog({ tableName: tables.events, client: tables.doc }),
      ledger: new DynamoDbDeliveryLedger({ tableName: tables.deliveries, client: tables.doc }),
      lineMode: "off",
      lineFor: async () => undefined,
      logger,
      fanoutConcurrency,
    });

  beforeAll(() => {
    // Lambda's environment always carries a region and credentials; the poster relies on them.
    vi.stubEnv("AWS_REGION", "local");
    vi.stubEnv("AWS_ACCESS_KEY_ID", "local");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "local");
    return () => vi.unstubAllEnvs();
  });
  beforeEach(async () => {
    tables = await createTestTables();
    connections = new DynamoDbConnectionStore({ tableName: tables.connections, client: tables.doc });
    emulator = await startWebSocketEmulator({
      port: 0,
      // No $disconnect route: API Gateway runs it only on a best-effort basis, so the fan-out
      // must clean up a vanished client's row by itself.
      routes: {
        $connect: {
          handler: createConnectHandler({
            connections,
            revocations: new DynamoDbRevocationStore({ tableName: tables.revocations, client: tables.doc }),
            tokenSecret: async () => secret,
            // Every tab of this test is one user's.
            maxConnectionsPerUser: 10_000,
            logger,
          }),
        },
      },
      log: () => undefined,
    });
    poster = new HookedPoster(new ManagementApiPoster({ endpoint: emulator.managementEndpoint }));
    clients = [];
    for (let i = 0; i < tabs; i++) clients.push(await open("alice"));
  });
  afterEach(async () => {
    for (const { client } of clients) client.socket.terminate();
    await emulator.close();
  });

  it("reaches every other connection when one vanishes mid fan-out, deletes its row and does not fail the record", async () => {
    // Prepare: the client vanishes (no close frame) just before its turn, while others are being posted to
    // The middle one in the order the byUser index returns them (sorted by connection id, bytewise).
    const byIndexOrder = [...clients].sort((a, b) => (a.connectionId < b.connectionId ? -1 : 1));
    const victim = byIndexOrder[Math.floor(tabs / 2)]!;
    let posts = 0;
    let postedBeforeVictim = -1;
    poster.before = async (connectionId) => {
      if (connectionId !== victim.connectionId) return void posts++;
      postedBeforeVictim = posts;
      victim.client.socket.terminate();
      await waitFor(() => (emulator.connectionIds().includes(victim.connectionId) ? undefined : true), { what: "socket gone" });
    };
    const record = likeRecord(101, "alice", "item-1", 4, 5, ["carol"]);

    // Act
    const result = await streamHandler(4)({ Records: [record] });

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(postedBeforeVictim).toBeGreaterThan(0);
    expect(posts).toBe(tabs - 1);
    expect(postedBeforeVictim).toBeLessThan(posts);
    const others = clients.filter((entry) => entry !== victim);
    await waitFor(() => (others.every(({ client }) => likeFrames(client).length === 1) ? true : undefined), { what: "frames" });
    for (const { client } of others) expect(likeFrames(client)).toEqual([expect.objectContaining({ itemId: "item-1", likers: ["carol"] })]);
    expect(likeFrames(victim.client)).toEqual([]);
    expect(await connections.get(victim.connectionId)).toBeUndefined();
    expect(await connections.listByUser("alice", Math.floor(Date.now() / 1000))).toHaveLength(tabs - 1);
  });

  describe("through the stream poller", () => {
    let poller: StreamPoller;
    afterEach(async () => {
      await poller?.stop();
    });

    it("re-posts a retried like with the same id, so a client that got it twice can drop the repeat", async () => {
      // Prepare: the first post to one connection fails as an exhausted 5xx would
      const flaky = clients[0]!;
      let failures = 0;
      poster.before = async (connectionId) => {
        if (connectionId === flaky.connectionId && failures++ === 0) throw new Error("Internal server error");
      };
      const articles = new DynamoDBArticleStore(tables.articles, tables.doc);
      const article = { userId: "alice", itemId: "item-2", title: "Retried", url: "https://qiita.com/alice/items/item-2" };
      await articles.write({ ...article, likesCount: 1, likers: ["bob"], baseline: true }, undefined);
      poller = await startStreamPoller({
        client: new DynamoDBStreamsClient({ endpoint: dynamodbEndpoint(), region: "local", credentials: localCredentials }),
        streamArn: await latestStreamArn(tables.client, tables.articles),
        handler: streamHandler(64),
        pollIntervalMs: 20,
        retryDelayMs: 10,
        logger: silentLogger,
      });

      // Act
      await articles.write(
        { ...article, likesCount: 2, likers: ["carol", "bob"], lastLikers: ["carol"], lastDelta: 1, changedAt: Date.now() },
        1,
      );
      await waitFor(() => (likeFrames(flaky.client).length === 1 ? true : undefined), { what: "the retried frame" });
      await poller.drained();

      // Assess: everyone else got the frame twice (first try and retry), always with one id
      const other = clients[1]!;
      expect(failures).toBe(2);
      expect(poller.stats.failedRecords).toBe(0);
      const [first, second] = likeFrames(other.client);
      expect(second).toEqual(first);
      expect(likeFrames(flaky.client)).toEqual([first]);
      expect(new Set(clients.flatMap(({ client }) => likeFrames(client).map((frame) => frame.id)))).toEqual(new Set([first?.id]));
    });
  });
});
