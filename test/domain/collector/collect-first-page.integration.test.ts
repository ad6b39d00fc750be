/** The collect use case's hot poll (scope "first-page") over the fake Qiita server and DynamoDB Local. */
import { beforeEach, afterEach, describe, expect, it } from "vitest";
import { DynamoDBArticleStore } from "#adapters/dynamodb/dynamodb-article-store.ts";
import { QiitaClient } from "#adapters/qiita/qiita-client.ts";
import { type CollectSummary, collectAccount, type PollScope } from "#domain/collector/collect-account.ts";
import { PollPause } from "#domain/collector/poll-pause.ts";
import { FakeQiitaServer } from "#test/fakes/fake-qiita-server.ts";
import { createTestTables } from "#test/support/dynamodb.ts";

const TOKEN = "token-alice";
let qiita: FakeQiitaServer;
let store: DynamoDBArticleStore;
let clock: number;

beforeEach(async () => {
  clock = Date.parse("2026-11-30T10:00:00Z");
  qiita = await FakeQiitaServer.start({ now: () => clock });
  qiita.addUser("alice", TOKEN);
  const tables = await createTestTables();
  store = new DynamoDBArticleStore(tables.articles, tables.doc);
});

afterEach(async () => {
  await qiita.close();
});

function client() {
  return new QiitaClient({ token: TOKEN, userId: "alice", baseUrl: qiita.baseUrl, now: () => clock });
}

function poll(scope: PollScope, source = client()): Promise<CollectSummary> {
  return collectAccount({ source, store, pause: new PollPause(), now: () => clock, scope });
}

describe("collectAccount with scope first-page", () => {
  it("reads the newest 100 articles in one request and writes a like on one of them with its liker", async () => {
    // Prepare: 250 articles, the newest added last
    const ids = qiita.addArticles("alice", 250, { likers: 1 });
    const newest = ids.at(-1)!;
    await poll("all");
    qiita.like(newest, "carol");
    qiita.resetRequestCounts();

    // Act
    const summary = await poll("first-page");

    // Assess
    expect(summary).toEqual({ userId: "alice", baseline: false, written: 1, conflicts: 0, qiitaRequests: 2 });
    expect(qiita.requests("/api/v2/authenticated_user/items")).toBe(1);
    expect((await store.load("alice")).articles.get(newest)).toMatchObject({ likesCount: 2, lastDelta: 1, lastLikers: ["carol"] });
  });

  it("leaves a like on an older article to the full sweep", async () => {
    // Prepare
    const ids = qiita.addArticles("alice", 150, { likers: 0 });
    const oldest = ids[0]!;
    await poll("all");
    qiita.like(oldest, "dave");

    // Act
    const hot = await poll("first-page");
    const sweep = await poll("all");

    // Assess
    expect(hot.written).toBe(0);
    expect(sweep.written).toBe(1);
    expect((await store.load("alice")).articles.get(oldest)).toMatchObject({ likesCount: 1, lastLikers: ["dave"] });
  });

  it("writes nothing before the baseline, so the first sweep's baseline covers every article", async () => {
    // Prepare
    qiita.addArticles("alice", 120, { likers: 2 });

    // Act
    const hot = await poll("first-page");
    const snapshot = await store.load("alice");

    // Assess
    expect(hot).toMatchObject({ written: 0, waitingForBaseline: true });
    expect(snapshot).toEqual({ baselined: false, articles: new Map() });
  });

  it("writes a like seen by a hot poll and a full sweep at the same time once", async () => {
    // Prepare
    const ids = qiita.addArticles("alice", 3, { likers: 1 });
    await poll("all");
    qiita.like(ids[2]!, "erin");
    qiita.like(ids[2]!, "frank");

    // Act: separate clients, as the hot poller and the sweep would race on AWS
    const [hot, sweep] = await Promise.all([poll("first-page"), poll("all", client())]);
    const after = await poll("first-page");

    // Assess: one wrote it; the other lost the conditional write or found nothing changed
    expect(hot.written + sweep.written).toBe(1);
    expect(after.written).toBe(0);
    expect((await store.load("alice")).articles.get(ids[2]!)).toMatchObject({ likesCount: 3, lastDelta: 2, lastLikers: ["frank", "erin"] });
  });

  it("tells the budget: Rate-Remaining, Rate-Reset and the writer's article count from Total-Count", async () => {
    // Prepare
    qiita.addArticles("alice", 130);
    const source = client();

    // Act
    await source.listFirstPage();

    // Assess
    const bucket = qiita.rateState(TOKEN);
    expect(source.rateState()).toEqual({ limit: 1000, remaining: bucket.remaining, resetAt: bucket.resetAt * 1000 });
    expect(source.articleTotal()).toBe(130);
  });

  it("says a refused budget is limited until the reset", async () => {
    // Prepare
    qiita.addArticles("alice", 1);
    const resetAt = Math.floor(clock / 1000) + 600;
    qiita.setRateRemaining(TOKEN, 0, resetAt);
    const source = client();

    // Act
    const summary = await poll("first-page", source);

    // Assess
    expect(summary.skippedUntil).toBe(resetAt * 1000);
    expect(source.rateState()).toMatchObject({ remaining: 0, limitedUntil: resetAt * 1000 });
  });
});
