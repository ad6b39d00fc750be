/** The deployed hot ping's handler over the fake Qiita server and DynamoDB Local. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DynamoDBArticleStore } from "#adapters/dynamodb/dynamodb-article-store.ts";
import { DynamoDbHotPollLease } from "#adapters/dynamodb/dynamodb-hot-poll-lease.ts";
import { QiitaClient } from "#adapters/qiita/qiita-client.ts";
import { collectAccount } from "#domain/collector/collect-account.ts";
import { PollPause } from "#domain/collector/poll-pause.ts";
import { signToken } from "#domain/token.ts";
import { createHotPollHandler } from "#handlers/hot-poll.handler.ts";
import { FakeQiitaServer } from "#test/fakes/fake-qiita-server.ts";
import { createTestTables } from "#test/support/dynamodb.ts";
import { hotPingEvent } from "#test/support/events.ts";
import { RecordingLogger } from "#test/support/recording-logger.ts";

const SECRET = "hot-poll-handler-test-secret-32-chars";
const QIITA_TOKEN = "token-alice";
const ITEMS = "/api/v2/authenticated_user/items";
let clock: number;
let qiita: FakeQiitaServer;
let store: DynamoDBArticleStore;
let source: QiitaClient;
let revokedAt: number | undefined;
let handler: ReturnType<typeof createHotPollHandler<{ userId: string }>>;

beforeEach(async () => {
  clock = Date.parse("2026-11-30T10:00:00Z");
  qiita = await FakeQiitaServer.start({ now: () => clock });
  qiita.addUser("alice", QIITA_TOKEN);
  const tables = await createTestTables();
  store = new DynamoDBArticleStore(tables.articles, tables.doc);
  source = new QiitaClient({ token: QIITA_TOKEN, userId: "alice", baseUrl: qiita.baseUrl, now: () => clock });
  revokedAt = undefined;
  handler = createHotPollHandler({
    tokenSecret: async () => SECRET,
    revocations: { revokedAt: async () => revokedAt, revoke: async () => undefined },
    accounts: async () => [{ userId: "alice" }],
    sourceFor: () => source,
    store,
    lease: new DynamoDbHotPollLease({ tableName: tables.articles, client: tables.doc }),
    budget: { hourlyLimit: 1_000, share: 0.5 },
    bounds: { minMs: 5_000, maxMs: 60_000 },
    sweepIntervalMs: 300_000,
    minLeaseMs: 13_000,
    logger: new RecordingLogger(),
    now: () => clock,
  });
});

afterEach(async () => {
  await qiita.close();
});

function ping(
  userId = "alice",
  init: { method?: string; issuedAt?: number; base64?: boolean } = {},
): Promise<{ statusCode?: number; headers?: Record<string, unknown>; body?: string }> {
  const issuedAt = init.issuedAt ?? Math.floor(clock / 1000) - 60;
  const token = signToken({ userId, issuedAt, expiresAt: issuedAt + 3_600 }, SECRET);
  const { method, base64 } = init;
  const event = hotPingEvent(token, { ...(method ? { method } : {}), ...(base64 ? { base64 } : {}) });
  return handler(event) as Promise<{ statusCode?: number; headers?: Record<string, unknown>; body?: string }>;
}

async function baseline(): Promise<string[]> {
  const ids = qiita.addArticles("alice", 3, { likers: 1 });
  await collectAccount({ source, store, pause: new PollPause(), now: () => clock });
  qiita.resetRequestCounts();
  return ids;
}

describe("createHotPollHandler", () => {
  it("reads the first page for a valid ping and writes a like once", async () => {
    // Prepare
    const [itemId] = await baseline();
    qiita.like(itemId!, "carol");

    // Act
    const answer = await ping();

    // Assess
    expect(answer.statusCode).toBe(204);
    expect(qiita.requests(ITEMS)).toBe(1);
    expect((await store.load("alice")).articles.get(itemId!)).toMatchObject({ likesCount: 2, lastLikers: ["carol"] });
  });

  it("reads a base64-encoded body as Lambda passes one, and answers without a body (no Qiita token can leak)", async () => {
    // Prepare
    const [itemId] = await baseline();
    qiita.like(itemId!, "dave");

    // Act
    const answer = await ping("alice", { base64: true });

    // Assess
    expect(answer.statusCode).toBe(204);
    expect(answer.body).toBeUndefined();
    expect(JSON.stringify(answer)).not.toContain(QIITA_TOKEN);
    expect(qiita.requests(ITEMS)).toBe(1);
  });

  it("lets one ping poll per lease: a second tab's ping meanwhile reads nothing", async () => {
    // Prepare
    await baseline();
    await ping();

    // Act
    clock += 6_000;
    const second = await ping();
    clock += 7_000;
    const afterLease = await ping();

    // Assess
    expect(second.statusCode).toBe(204);
    expect(afterLease.statusCode).toBe(204);
    expect(qiita.requests(ITEMS)).toBe(2);
  });

  it("skips the Query when the first page is the one it last confirmed", async () => {
    // Prepare
    await baseline();
    await ping();
    const reads = store.consumedCapacity().readUnits;

    // Act
    clock += 13_000;
    await ping();

    // Assess
    expect(qiita.requests(ITEMS)).toBe(2);
    expect(store.consumedCapacity().readUnits).toBe(reads);
  });

  it("answers 429 with Retry-After until Qiita's reset after a refusal", async () => {
    // Prepare
    await baseline();
    const resetAt = Math.floor(clock / 1000) + 600;
    qiita.setRateRemaining(QIITA_TOKEN, 0, resetAt);

    // Act
    const refused = await ping();
    clock += 13_000;
    const waiting = await ping();

    // Assess
    expect(refused).toMatchObject({ statusCode: 429, headers: { "retry-after": "600" } });
    expect(waiting).toMatchObject({ statusCode: 429, headers: { "retry-after": "587" } });
    expect(qiita.requests()).toBe(1);
  });

  it("refuses what is not a POST with a valid token of a user not revoked, and reads nothing for them", async () => {
    // Prepare
    await baseline();
    revokedAt = Math.floor(clock / 1000) - 30;

    // Act
    const get = await ping("alice", { method: "GET" });
    const revoked = await ping("alice", { issuedAt: Math.floor(clock / 1000) - 60 });
    const stranger = await ping("mallory", { issuedAt: Math.floor(clock / 1000) });

    // Assess
    expect([get.statusCode, revoked.statusCode, stranger.statusCode]).toEqual([405, 401, 204]);
    expect(qiita.requests()).toBe(0);
  });
});
