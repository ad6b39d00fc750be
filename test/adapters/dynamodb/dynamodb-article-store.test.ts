import { describe, expect, it } from "vitest";
import { BatchWriteCommand, GetCommand } from "@aws-sdk/lib-dynamodb";
import type { StoredArticle } from "#domain/model.ts";
import { ACCOUNT_MARKER_ITEM_ID, DynamoDBArticleStore } from "#adapters/dynamodb/dynamodb-article-store.ts";
import { createTestTables } from "#test/support/dynamodb.ts";

const article = (itemId: string, likesCount: number, extra: Partial<StoredArticle> = {}): StoredArticle => ({
  userId: "alice",
  itemId,
  title: `Title ${itemId}`,
  url: `https://qiita.com/alice/items/${itemId}`,
  likesCount,
  likers: [],
  lastLikers: [],
  lastDelta: 0,
  changedAt: 1,
  ...extra,
});

async function newStore() {
  const tables = await createTestTables();
  return { tables, store: new DynamoDBArticleStore(tables.articles, tables.doc) };
}

describe("DynamoDBArticleStore", () => {
  it("loads an account never polled as not baselined and empty", async () => {
    const { store } = await newStore();

    const snapshot = await store.load("alice");

    expect(snapshot).toEqual({ baselined: false, articles: new Map() });
  });

  it("writes a new article once: a second writer of the same new article is refused", async () => {
    // Prepare
    const { store } = await newStore();
    const first = article("a", 2, { likers: ["bob", "carol"], lastLikers: ["bob"], lastDelta: 1, baseline: true });

    // Act
    const wrote = await store.write(first, undefined);
    const again = await store.write(article("a", 2), undefined);
    const snapshot = await store.load("alice");

    // Assess
    expect([wrote, again]).toEqual([true, false]);
    expect(snapshot.articles.get("a")).toEqual(first);
  });

  it("writes only while the stored count is still the one read", async () => {
    // Prepare
    const { store } = await newStore();
    await store.write(article("a", 2), undefined);

    // Act
    const stale = await store.write(article("a", 4), 1);
    const current = await store.write(article("a", 3), 2);

    // Assess
    expect([stale, current]).toEqual([false, true]);
    expect((await store.load("alice")).articles.get("a")?.likesCount).toBe(3);
  });

  it("keeps the baseline marker in the account's partition, apart from the articles", async () => {
    // Prepare
    const { store, tables } = await newStore();
    await store.write(article("a", 1), undefined);

    // Act
    await store.markBaselined("alice", 1234);
    const snapshot = await store.load("alice");
    const marker = await tables.doc.send(
      new GetCommand({ TableName: tables.articles, Key: { userId: "alice", itemId: ACCOUNT_MARKER_ITEM_ID } }),
    );

    // Assess
    expect(snapshot.baselined).toBe(true);
    expect([...snapshot.articles.keys()]).toEqual(["a"]);
    expect(marker.Item).toEqual({ userId: "alice", itemId: ACCOUNT_MARKER_ITEM_ID, baselinedAt: 1234 });
    expect((await store.load("bob")).baselined).toBe(false);
  });

  it("reads past one 1 MB query page and counts the capacity it used", async () => {
    // Prepare: 300 items of ~5 KB (200 known likers each) exceed one page
    const { store, tables } = await newStore();
    const likers = Array.from({ length: 200 }, (_, i) => `liker-with-a-long-name-${i}`);
    const items = Array.from({ length: 300 }, (_, i) => article(`item-${String(i).padStart(3, "0")}`, 1, { likers }));
    for (let i = 0; i < items.length; i += 25) {
      const batch = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      await tables.doc.send(new BatchWriteCommand({ RequestItems: { [tables.articles]: batch } }));
    }
    let queries = 0;
    tables.doc.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "QueryCommand") queries++;
        return next(args);
      },
      { step: "initialize" },
    );

    // Act
    const snapshot = await store.load("alice");
    await store.write(article("item-000", 2), 1);

    // Assess
    expect(snapshot.articles.size).toBe(300);
    expect(snapshot.articles.get("item-299")?.likers).toEqual(likers);
    expect(queries).toBe(2);
    expect(store.consumedCapacity().readUnits).toBeGreaterThan(128);
    expect(store.consumedCapacity().writeUnits).toBeGreaterThan(0);
  });
});
