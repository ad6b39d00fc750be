import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEMO_USER_ID, DemoArticleSource } from "#local/demo/demo-article-source.ts";
import { collectAccount } from "#domain/collector/collect-account.ts";
import { PollPause } from "#domain/collector/poll-pause.ts";
import { DynamoDBArticleStore } from "#adapters/dynamodb/dynamodb-article-store.ts";
import { createTestTables } from "#test/support/dynamodb.ts";

/** A repeatable stand-in for Math.random. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

describe("DemoArticleSource", () => {
  it("offers a few Qiita-like articles of demo-writer", async () => {
    // Act
    const demo = new DemoArticleSource(seeded(1));
    const articles = await demo.listArticles();

    // Assess
    expect(await demo.userId()).toBe(DEMO_USER_ID);
    expect(articles).toHaveLength(5);
    for (const article of articles) {
      expect(article.url).toBe(`https://qiita.com/demo-writer/items/${article.itemId}`);
      expect(article.itemId).toMatch(/^[0-9a-f]{20}$/);
    }
  });

  it("adds one or two likes per tick, newest first in the likes list", async () => {
    // Prepare
    const demo = new DemoArticleSource(seeded(7));
    const before = new Map((await demo.listArticles()).map((a) => [a.itemId, a.likesCount]));

    // Act
    const { itemId, likers } = demo.tick();

    // Assess
    const after = (await demo.listArticles()).find((a) => a.itemId === itemId);
    expect(likers.length === 1 || likers.length === 2).toBe(true);
    expect(after?.likesCount).toBe((before.get(itemId) ?? 0) + likers.length);
    expect((await demo.listLikers(itemId, () => true)).slice(0, likers.length)).toEqual(likers);
  });

  it("lets the collector find the ticked likes after the silent baseline", async () => {
    // Prepare
    const tables = await createTestTables();
    const store = new DynamoDBArticleStore(tables.articles, tables.doc);
    const demo = new DemoArticleSource(seeded(3));
    const deps = { source: demo, store, pause: new PollPause() };
    await collectAccount(deps);

    // Act
    const { itemId, likers } = demo.tick();
    const summary = await collectAccount(deps);

    // Assess
    expect(summary).toMatchObject({ userId: DEMO_USER_ID, baseline: false, written: 1 });
    const item = (await store.load(DEMO_USER_ID)).articles.get(itemId);
    expect(item?.lastLikers).toEqual(likers);
    expect(item?.lastDelta).toBe(likers.length);
  });

  describe("kept in a state file", () => {
    const dirs: string[] = [];
    const stateFile = async () => {
      const dir = await mkdtemp(join(tmpdir(), "live-likes-demo-"));
      dirs.push(dir);
      return join(dir, "demo-account.json");
    };
    afterEach(async () => {
      for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
    });

    it("continues where it stopped: same counts, same likers, new likers never reuse a name", async () => {
      // Prepare: a run that got a few likes
      const file = await stateFile();
      const first = new DemoArticleSource(seeded(5), file);
      const ticked = [first.tick(), first.tick(), first.tick()];
      const before = await first.listArticles();
      const likersBefore = await Promise.all(before.map((a) => first.listLikers(a.itemId, () => false)));

      // Act: the restart
      const second = new DemoArticleSource(seeded(5), file);
      const after = await second.listArticles();
      const likersAfter = await Promise.all(after.map((a) => second.listLikers(a.itemId, () => false)));
      const next = second.tick();

      // Assess
      expect(after).toEqual(before);
      expect(likersAfter).toEqual(likersBefore);
      const everyone = new Set(likersAfter.flat());
      expect(next.likers.some((liker) => everyone.has(liker))).toBe(false);
      expect(ticked.flatMap((t) => t.likers).every((liker) => everyone.has(liker))).toBe(true);
    });

    it("starts over from an unreadable file instead of failing", async () => {
      // Prepare
      const file = await stateFile();
      await writeFile(file, "{ half a file");

      // Act
      const demo = new DemoArticleSource(seeded(1), file);

      // Assess
      expect(await demo.listArticles()).toHaveLength(5);
      expect((await new DemoArticleSource(seeded(2), file).listArticles()).map((a) => a.likesCount)).toEqual(
        (await demo.listArticles()).map((a) => a.likesCount),
      );
    });
  });
});
