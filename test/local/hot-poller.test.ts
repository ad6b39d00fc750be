/** Hot polls over the fake Qiita server and DynamoDB Local, with presence under the test's control. */
import { Logger } from "@aws-lambda-powertools/logger";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DynamoDBArticleStore } from "#adapters/dynamodb/dynamodb-article-store.ts";
import { DynamoDbHotPollLease } from "#adapters/dynamodb/dynamodb-hot-poll-lease.ts";
import { QiitaClient } from "#adapters/qiita/qiita-client.ts";
import { collectAccount } from "#domain/collector/collect-account.ts";
import { PollPause } from "#domain/collector/poll-pause.ts";
import type { HotPollLease } from "#domain/ports.ts";
import { type HotPoller, startHotPoller } from "#local/hot-poller.ts";
import { FakeQiitaServer } from "#test/fakes/fake-qiita-server.ts";
import { createTestTables } from "#test/support/dynamodb.ts";
import { waitFor } from "#test/support/wait-for.ts";

const TOKEN = "token-alice";
/** A short hot interval: the fake's budget is large enough for the floor to decide. */
const INTERVAL_MS = 300;
/** What one poll may take on a busy machine (a Qiita request, a Query, writes). */
const SLACK_MS = 400;
const ITEMS = "/api/v2/authenticated_user/items";

let qiita: FakeQiitaServer;
let store: DynamoDBArticleStore;
let lease: DynamoDbHotPollLease;
let pollers: HotPoller[];
let present: boolean;
let presenceChecks: number;
/** Epoch ms (the poller's clock) of each lease taken, i.e. of each hot poll. */
let polledAt: number[];

beforeEach(async () => {
  qiita = await FakeQiitaServer.start({ rateLimit: 1_000_000 });
  qiita.addUser("alice", TOKEN);
  const tables = await createTestTables();
  store = new DynamoDBArticleStore(tables.articles, tables.doc);
  lease = new DynamoDbHotPollLease({ tableName: tables.articles, client: tables.doc });
  pollers = [];
  present = false;
  presenceChecks = 0;
  polledAt = [];
});

afterEach(async () => {
  await Promise.all(pollers.map((poller) => poller.stop()));
  await qiita.close();
});

function client() {
  return new QiitaClient({ token: TOKEN, userId: "alice", baseUrl: qiita.baseUrl });
}

const recordingLease: HotPollLease = {
  take: async (userId, nowMs, untilMs) => {
    const taken = await lease.take(userId, nowMs, untilMs);
    // The poller's own clock at the take: the lease's condition is on it, whatever the write's latency.
    if (taken) polledAt.push(nowMs);
    return taken;
  },
};

function start(source = client()): HotPoller {
  const poller = startHotPoller({
    source,
    store,
    lease: recordingLease,
    connections: {
      listByUser: async () => {
        presenceChecks++;
        return present ? ["connection-1"] : [];
      },
    },
    userId: () => "alice",
    budget: { hourlyLimit: 1_000_000, share: 0.5 },
    bounds: { minMs: INTERVAL_MS, maxMs: 10 * INTERVAL_MS },
    sweepIntervalMs: 60_000,
    logger: new Logger({ logLevel: "SILENT" }),
  });
  pollers.push(poller);
  return poller;
}

async function baseline(): Promise<string[]> {
  const ids = qiita.addArticles("alice", 3, { likers: 1 });
  await collectAccount({ source: client(), store, pause: new PollPause() });
  qiita.resetRequestCounts();
  return ids;
}

describe("startHotPoller", () => {
  it("reads nothing while the writer has no live connection", async () => {
    // Prepare
    await baseline();

    // Act
    start();
    await waitFor(() => (presenceChecks >= 4 ? true : undefined), { what: "four presence checks" });

    // Assess
    expect(qiita.requests()).toBe(0);
  });

  it("starts within one interval of a connect and stops within one interval of the last disconnect", async () => {
    // Prepare
    const [itemId] = await baseline();
    start();
    await waitFor(() => (presenceChecks >= 2 ? true : undefined), { what: "the poller idling" });

    // Act: connect
    const connectedAt = Date.now();
    present = true;
    await waitFor(() => (polledAt.length >= 1 ? true : undefined), { what: "the first hot poll" });
    const firstPollAfter = polledAt[0]! - connectedAt;
    qiita.like(itemId!, "carol");
    await waitFor(async () => ((await store.load("alice")).articles.get(itemId!)?.likesCount === 2 ? true : undefined), {
      what: "the like written by a hot poll",
    });
    await waitFor(() => (polledAt.length >= 4 ? true : undefined), { what: "a few hot polls" });

    // Act: disconnect
    const disconnectedAt = Date.now();
    present = false;
    const checksAtDisconnect = presenceChecks;
    await waitFor(() => (presenceChecks >= checksAtDisconnect + 4 ? true : undefined), { what: "the poller idling again" });

    // Assess
    expect(firstPollAfter).toBeLessThanOrEqual(INTERVAL_MS + SLACK_MS);
    const after = polledAt.filter((at) => at > disconnectedAt);
    expect(after.every((at) => at <= disconnectedAt + INTERVAL_MS + SLACK_MS)).toBe(true);
    expect(after.length).toBeLessThanOrEqual(1);
  });

  it("polls at most once an interval however many pollers share the account's lease", async () => {
    // Prepare: two pollers, each with its own client, as two Lambda instances or two tabs would be
    await baseline();
    present = true;

    // Act
    const startedAt = Date.now();
    start();
    start();
    await waitFor(() => (polledAt.length >= 8 ? true : undefined), { what: "eight hot polls", timeoutMs: 10_000 });
    const elapsed = Date.now() - startedAt;

    // Assess: one poller alone would make floor(elapsed / interval) + 1 at most
    expect(polledAt.length).toBeLessThanOrEqual(Math.floor(elapsed / INTERVAL_MS) + 1);
    expect(qiita.requests(ITEMS)).toBeLessThanOrEqual(Math.floor(elapsed / INTERVAL_MS) + 1);
    const gaps = polledAt.slice(1).map((at, i) => at - polledAt[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(INTERVAL_MS);
  });

  it("backs off until the reset after a rate-limited answer, then polls again", async () => {
    // Prepare
    await baseline();
    const resetAt = Math.ceil(Date.now() / 1000) + 2;
    qiita.setRateRemaining(TOKEN, 0, resetAt);
    present = true;

    // Act
    start();
    await waitFor(() => (qiita.requests(ITEMS) >= 1 ? true : undefined), { what: "the refused hot poll" });
    const refusedAt = Date.now();
    await waitFor(() => (qiita.requests(ITEMS) >= 2 ? true : undefined), { what: "a hot poll after the reset", timeoutMs: 6_000 });

    // Assess: one refusal, then nothing until the reset
    expect(refusedAt).toBeLessThan(resetAt * 1000);
    expect(Date.now()).toBeGreaterThanOrEqual(resetAt * 1000);
    expect(qiita.requests()).toBe(2);
  });
});
