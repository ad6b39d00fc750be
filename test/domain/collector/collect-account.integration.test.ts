/** The collect use case over the fake Qiita server and DynamoDB Local. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectAccount } from "#domain/collector/collect-account.ts";
import { PollPause } from "#domain/collector/poll-pause.ts";
import type { AccountSnapshot, ArticleStore } from "#domain/ports.ts";
import type { StoredArticle } from "#domain/model.ts";
import { DynamoDBArticleStore } from "#adapters/dynamodb/dynamodb-article-store.ts";
import { QiitaClient } from "#adapters/qiita/qiita-client.ts";
import { QiitaUnavailableError, QiitaResponseError } from "#adapters/qiita/qiita-errors.ts";
import { FakeQiitaServer } from "#test/fakes/fake-qiita-server.ts";
import { createTestTables } from "#test/support/dynamodb.ts";

const TOKEN = "token-alice";
let qiita: FakeQiitaServer;
let store: DynamoDBArticleStore;
let clock: number;
let pause: PollPause;

beforeEach(async () => {
  clock = Date.parse("2026-11-21T10:00:00Z");
  qiita = await FakeQiitaServer.start({ now: () => clock });
  qiita.addUser("alice", TOKEN);
  const tables = await createTestTables();
  store = new DynamoDBArticleStore(tables.articles, tables.doc);
  pause = new PollPause();
});

afterEach(async () => {
  await qiita.close();
});

function source() {
  return new QiitaClient({ token: TOKEN, userId: "alice", baseUrl: qiita.baseUrl, now: () => clock });
}

function poll(overrides: { store?: ArticleStore; source?: QiitaClient } = {}) {
  return collectAccount({ source: overrides.source ?? source(), store: overrides.store ?? store, pause, now: () => clock });
}

async function stored(itemId: string): Promise<StoredArticle | undefined> {
  return (await store.load("alice")).articles.get(itemId);
}

describe("collectAccount", () => {
  it("takes a silent baseline on the first poll", async () => {
    // Prepare
    const [a, b] = qiita.addArticles("alice", 2, { likers: 3 });

    // Act
    const summary = await poll();
    const snapshot = await store.load("alice");

    // Assess
    expect(summary).toEqual({ userId: "alice", baseline: true, written: 2, conflicts: 0, qiitaRequests: 1 });
    expect(snapshot.baselined).toBe(true);
    expect(snapshot.articles.get(a!)).toMatchObject({ likesCount: 3, baseline: true, lastDelta: 0, lastLikers: [], likers: [] });
    expect(snapshot.articles.get(b!)?.baseline).toBe(true);
  });

  it("spends ceil(n/100) Qiita requests and writes nothing when nothing changed", async () => {
    // Prepare
    qiita.addArticles("alice", 250, { likers: 1 });
    await poll();
    qiita.resetRequestCounts();
    const writesBefore = store.consumedCapacity().writeUnits;

    // Act
    const summary = await poll();

    // Assess
    expect(summary).toMatchObject({ baseline: false, written: 0, conflicts: 0, qiitaRequests: 3 });
    expect(qiita.requests()).toBe(3);
    expect(store.consumedCapacity().writeUnits).toBe(writesBefore);
  });

  it("writes a changed article once, with its new likers, and leaves the others alone", async () => {
    // Prepare
    const [liked, untouched] = qiita.addArticles("alice", 2, { likers: 2 });
    await poll();
    qiita.like(liked!, "carol");
    qiita.like(liked!, "dave");
    qiita.resetRequestCounts();

    // Act
    const summary = await poll();
    const again = await poll();

    // Assess
    expect(summary).toMatchObject({ written: 1, conflicts: 0, qiitaRequests: 2 });
    expect(again.written).toBe(0);
    const item = await stored(liked!);
    expect(item).toMatchObject({ likesCount: 4, lastDelta: 2, lastLikers: ["dave", "carol"], changedAt: clock });
    expect(item?.baseline).toBeUndefined();
    expect((await stored(untouched!))?.changedAt).toBe(clock);
    expect((await stored(untouched!))?.baseline).toBe(true);
  });

  it("names the new liker after a like and an unlike in one interval, then one more later", async () => {
    // Prepare
    const itemId = qiita.addArticle("alice", { likers: ["bob", "alice2"] });
    await poll();
    qiita.like(itemId, "carol");
    await poll();
    qiita.unlike(itemId, "carol");
    qiita.like(itemId, "dave");
    qiita.like(itemId, "erin");

    // Act
    await poll();

    // Assess: count went 3 -> 4 (+2 -1) and both new likers are named
    expect(await stored(itemId)).toMatchObject({ likesCount: 4, lastDelta: 1, lastLikers: ["erin", "dave"] });
  });

  it("stores a decrease and a title edit without naming anyone", async () => {
    // Prepare
    const [unliked, renamed] = [qiita.addArticle("alice", { likers: ["bob", "carol"] }), qiita.addArticle("alice")];
    await poll();
    qiita.unlike(unliked, "bob");
    qiita.rename(renamed, "新しいタイトル");

    // Act
    const summary = await poll();

    // Assess
    expect(summary).toMatchObject({ written: 2, qiitaRequests: 1 });
    expect(await stored(unliked)).toMatchObject({ likesCount: 1, lastDelta: -1, lastLikers: [] });
    expect(await stored(renamed)).toMatchObject({ title: "新しいタイトル", lastDelta: 0, lastLikers: [] });
  });

  it("pages the likes list past 100 to name 150 new likers", async () => {
    // Prepare
    const itemId = qiita.addArticle("alice", { likers: ["first"] });
    await poll();
    qiita.like(itemId, "second");
    await poll();
    const fresh = Array.from({ length: 150 }, (_, i) => `fan-${i}`);
    for (const liker of fresh) qiita.like(itemId, liker);
    qiita.resetRequestCounts();

    // Act
    await poll();

    // Assess
    const item = await stored(itemId);
    expect(item?.lastLikers).toEqual([...fresh].reverse());
    expect(item?.likers.slice(150)).toEqual(["second", "first"]);
    expect(qiita.requests(`/api/v2/items/${itemId}/likes`)).toBe(2);
  });

  it("does not double count when a second collector wrote the change first", async () => {
    // Prepare: both collectors read the same stored state before either writes
    const itemId = qiita.addArticle("alice", { likers: 1 });
    await poll();
    qiita.like(itemId, "carol");
    const barrier = new LoadBarrier(store, 2);

    // Act
    const [one, two] = await Promise.all([poll({ store: barrier }), poll({ store: barrier })]);

    // Assess
    expect(one.written + two.written).toBe(1);
    expect(one.conflicts + two.conflicts).toBe(1);
    expect(await stored(itemId)).toMatchObject({ likesCount: 2, lastDelta: 1, lastLikers: ["carol"] });
  });

  it("writes nothing when a likes request fails mid-poll, and catches up on the next poll", async () => {
    // Prepare
    const [a, b] = qiita.addArticles("alice", 2);
    await poll();
    qiita.like(a!, "carol");
    qiita.like(b!, "dave");
    // b is newer, so listed and fetched first; the failure comes after its likes were read
    qiita.injectFault("error500", { pathPrefix: `/api/v2/items/${a}/likes` });
    const writesBefore = store.consumedCapacity().writeUnits;

    // Act
    const failure = await poll().catch((e: unknown) => e);
    const unchanged = [await stored(a!), await stored(b!)];
    const bLikesRead = qiita.requests(`/api/v2/items/${b}/likes`);
    const writesAfterFailure = store.consumedCapacity().writeUnits;
    const retry = await poll();

    // Assess
    expect(failure).toBeInstanceOf(QiitaUnavailableError);
    expect(bLikesRead).toBe(1);
    expect(writesAfterFailure).toBe(writesBefore);
    expect(unchanged.map((item) => item?.likesCount)).toEqual([0, 0]);
    expect(retry.written).toBe(2);
    expect((await stored(b!))?.lastLikers).toEqual(["dave"]);
  });

  it("writes nothing when a page of the article list is malformed", async () => {
    // Prepare
    const ids = qiita.addArticles("alice", 150);
    await poll();
    for (const id of ids) qiita.like(id, "carol");
    qiita.injectFault("malformedJson", { pathPrefix: "/api/v2/authenticated_user/items" });

    // Act
    const failure = await poll().catch((e: unknown) => e);

    // Assess
    expect(failure).toBeInstanceOf(QiitaResponseError);
    expect([...(await store.load("alice")).articles.values()].every((item) => item.likesCount === 0)).toBe(true);
  });

  it("waits for the rate-limit reset, writing nothing, then picks up where it left off", async () => {
    // Prepare: budget for the list and one likes page only; the client sees Rate-Remaining 0
    // after them and sends no third request before the reset
    const [a, b] = qiita.addArticles("alice", 2);
    await poll();
    qiita.like(a!, "carol");
    qiita.like(b!, "dave");
    const resetAt = Math.floor(clock / 1000) + 900;
    qiita.setRateRemaining(TOKEN, 2, resetAt);
    const client = source();

    // Act
    const limited = await poll({ source: client });
    const requestsAfterLimit = qiita.requests();
    clock += 60_000;
    const skipped = await poll({ source: client });
    const requestsWhileWaiting = qiita.requests();
    clock = resetAt * 1000;
    const resumed = await poll({ source: client });

    // Assess
    expect(limited).toMatchObject({ written: 0, skippedUntil: resetAt * 1000, qiitaRequests: 2 });
    expect(skipped).toMatchObject({ written: 0, skippedUntil: resetAt * 1000, qiitaRequests: 0 });
    expect(requestsWhileWaiting).toBe(requestsAfterLimit);
    expect(resumed).toMatchObject({ written: 2, conflicts: 0 });
    expect(resumed.skippedUntil).toBeUndefined();
    expect((await stored(a!))?.lastLikers).toEqual(["carol"]);
  });
});

/** Holds every load until `parties` collectors have loaded, so they race on the same snapshot. */
class LoadBarrier implements ArticleStore {
  #waiting: (() => void)[] = [];

  constructor(
    private readonly inner: ArticleStore,
    private readonly parties: number,
  ) {}

  async load(userId: string): Promise<AccountSnapshot> {
    const snapshot = await this.inner.load(userId);
    await new Promise<void>((resolve) => {
      this.#waiting.push(resolve);
      if (this.#waiting.length === this.parties) for (const release of this.#waiting) release();
    });
    return snapshot;
  }

  write(next: StoredArticle, previousCount: number | undefined): Promise<boolean> {
    return this.inner.write(next, previousCount);
  }

  markBaselined(userId: string, at: number): Promise<void> {
    return this.inner.markBaselined(userId, at);
  }
}
