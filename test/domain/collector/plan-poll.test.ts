import { describe, expect, it } from "vitest";
import type { Article, StoredArticle } from "#domain/model.ts";
import type { AccountSnapshot } from "#domain/ports.ts";
import { needsLikers, planPoll, toStoredArticle } from "#domain/collector/plan-poll.ts";

const article = (itemId: string, likesCount: number, title = `Title ${itemId}`): Article => ({
  itemId,
  title,
  url: `https://qiita.com/alice/items/${itemId}`,
  likesCount,
});

const stored = (a: Article, likers: string[] = []): StoredArticle => ({ ...a, userId: "alice", likers });

const snapshot = (baselined: boolean, items: StoredArticle[] = []): AccountSnapshot => ({
  baselined,
  articles: new Map(items.map((item) => [item.itemId, item])),
});

describe("planPoll", () => {
  it("writes every article silently on the account's first poll", () => {
    // Prepare
    const fresh = [article("a", 3), article("b", 0)];

    // Act
    const plan = planPoll(snapshot(false), fresh);
    const items = plan.changes.map((c) => toStoredArticle("alice", c, plan.baseline, undefined, 1000));

    // Assess
    expect(plan.baseline).toBe(true);
    expect(plan.changes.some(needsLikers)).toBe(false);
    expect(items).toEqual([
      { ...stored(article("a", 3)), lastLikers: [], lastDelta: 0, changedAt: 1000, baseline: true },
      { ...stored(article("b", 0)), lastLikers: [], lastDelta: 0, changedAt: 1000, baseline: true },
    ]);
  });

  it("skips what an interrupted baseline already wrote", () => {
    const plan = planPoll(snapshot(false, [stored(article("a", 3))]), [article("a", 3), article("b", 1)]);

    expect(plan.changes.map((c) => c.article.itemId)).toEqual(["b"]);
  });

  it("plans nothing when nothing changed", () => {
    const fresh = [article("a", 3), article("b", 0)];

    const plan = planPoll(
      snapshot(
        true,
        fresh.map((a) => stored(a)),
      ),
      fresh,
    );

    expect(plan).toEqual({ baseline: false, changes: [] });
  });

  it("plans an increase with its delta and the likers to diff against", () => {
    // Prepare
    const before = stored(article("a", 2), ["bob", "alice"]);

    // Act
    const plan = planPoll(snapshot(true, [before]), [article("a", 3)]);
    const [change] = plan.changes;
    const item = toStoredArticle("alice", change!, plan.baseline, ["carol", "bob", "alice"], 5000);

    // Assess
    expect(change?.delta).toBe(1);
    expect(needsLikers(change!)).toBe(true);
    expect(item).toEqual({
      ...stored(article("a", 3), ["carol", "bob", "alice"]),
      lastLikers: ["carol"],
      lastDelta: 1,
      changedAt: 5000,
    });
  });

  it("stores a decrease without naming anyone", () => {
    const before = stored(article("a", 3), ["carol", "bob", "alice"]);

    const plan = planPoll(snapshot(true, [before]), [article("a", 2)]);
    const item = toStoredArticle("alice", plan.changes[0]!, plan.baseline, undefined, 1);

    expect(needsLikers(plan.changes[0]!)).toBe(false);
    expect(item.likesCount).toBe(2);
    expect(item.lastDelta).toBe(-1);
    expect(item.lastLikers).toEqual([]);
    expect(item.likers).toEqual(["carol", "bob", "alice"]);
  });

  it("writes a title-only edit with a zero delta", () => {
    const before = stored(article("a", 3), ["bob"]);

    const plan = planPoll(snapshot(true, [before]), [article("a", 3, "Renamed")]);
    const item = toStoredArticle("alice", plan.changes[0]!, plan.baseline, undefined, 1);

    expect(plan.changes).toHaveLength(1);
    expect(needsLikers(plan.changes[0]!)).toBe(false);
    expect(item).toMatchObject({ title: "Renamed", lastDelta: 0, lastLikers: [], likers: ["bob"] });
    expect(item.baseline).toBeUndefined();
  });

  it("counts a new article's likes from zero so its likers are fetched", () => {
    const plan = planPoll(snapshot(true, []), [article("new", 2)]);

    expect(plan.changes[0]).toMatchObject({ delta: 2, known: [], stored: undefined });
    expect(needsLikers(plan.changes[0]!)).toBe(true);
  });
});
