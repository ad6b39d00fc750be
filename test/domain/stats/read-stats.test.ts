import { describe, expect, it } from "vitest";
import type { Connection } from "#domain/model.ts";
import type { RollupStore } from "#domain/stats/rollups.ts";
import { readStats, TOP_ITEMS, topItems } from "#domain/stats/read-stats.ts";
import type { RollupRange } from "#domain/stats/rollups.ts";

const connection = (userId: string): Connection => ({ connectionId: "c1", userId, connectedAt: 0, expiresAt: 0 });

/** A store that answers what it holds for the asked range, and records what was asked. */
function storeHolding(range: RollupRange) {
  const asked: { userId: string; from: string; to: string }[] = [];
  const store: Pick<RollupStore, "read"> = {
    async read(userId, from, to) {
      asked.push({ userId, from, to });
      return {
        days: range.days.filter((day) => day.date >= from && day.date <= to),
        items: range.items.filter((item) => item.date >= from && item.date <= to),
      };
    },
  };
  return { store, asked };
}

describe("readStats", () => {
  it("reads the connection's user only, over the days ending today in the user's zone", async () => {
    // Prepare: 16:00 UTC on Nov 30 is already Dec 1 in Tokyo.
    const { store, asked } = storeHolding({ days: [], items: [] });
    const ports = (zone: string) => ({
      connections: { get: async () => connection("alice") },
      rollups: store,
      timeZoneOf: async () => zone,
      nowMs: () => Date.parse("2026-11-30T16:00:00Z"),
    });

    // Act
    await readStats("c1", 3, ports("Asia/Tokyo"));
    await readStats("c1", 3, ports("UTC"));

    // Assess
    expect(asked).toEqual([
      { userId: "alice", from: "2026-11-29", to: "2026-12-01" },
      { userId: "alice", from: "2026-11-28", to: "2026-11-30" },
    ]);
  });

  it("answers every day oldest first with zeros filled, the totals and the top items", async () => {
    const { store } = storeHolding({
      days: [
        { date: "2026-11-29", likes: 3, stars: 0 },
        { date: "2026-12-01", likes: 1, stars: 2 },
      ],
      items: [
        { date: "2026-11-29", kind: "like", item: "a", title: "A", url: "https://qiita.com/a", count: 3 },
        { date: "2026-12-01", kind: "like", item: "b", title: "B", url: "https://qiita.com/b", count: 1 },
        { date: "2026-12-01", kind: "star", item: "me/tool", title: "me/tool", url: "https://github.com/me/tool", count: 2 },
      ],
    });

    const answer = await readStats("c1", 4, {
      connections: { get: async () => connection("alice") },
      rollups: store,
      timeZoneOf: async () => "Asia/Tokyo",
      nowMs: () => Date.parse("2026-12-01T03:00:00Z"),
    });

    expect(answer.outcome).toBe("stats");
    const frame = JSON.parse((answer as { frame: string }).frame);
    expect(frame).toEqual({
      type: "stats",
      days: [
        { date: "2026-11-28", likes: 0, stars: 0 },
        { date: "2026-11-29", likes: 3, stars: 0 },
        { date: "2026-11-30", likes: 0, stars: 0 },
        { date: "2026-12-01", likes: 1, stars: 2 },
      ],
      totals: { likes: 4, stars: 2 },
      top: [
        { kind: "like", title: "A", url: "https://qiita.com/a", count: 3 },
        { kind: "star", title: "me/tool", url: "https://github.com/me/tool", count: 2 },
        { kind: "like", title: "B", url: "https://qiita.com/b", count: 1 },
      ],
    });
  });

  it("answers 400 days, each present once, within one frame API Gateway accepts", async () => {
    const { store } = storeHolding({ days: [{ date: "2025-10-28", likes: 1, stars: 0 }], items: [] });

    const answer = await readStats("c1", 400, {
      connections: { get: async () => connection("alice") },
      rollups: store,
      timeZoneOf: async () => "Asia/Tokyo",
      nowMs: () => Date.parse("2026-12-01T03:00:00Z"),
    });

    const { frame } = answer as { frame: string };
    const parsed = JSON.parse(frame);
    expect(parsed.days).toHaveLength(400);
    expect(parsed.days[0]).toEqual({ date: "2025-10-28", likes: 1, stars: 0 });
    expect(parsed.days[399].date).toBe("2026-12-01");
    expect(new Set(parsed.days.map((day: { date: string }) => day.date)).size).toBe(400);
    expect(Buffer.byteLength(frame)).toBeLessThan(32 * 1024);
  });

  it("says so when the connection is unknown, reading nothing", async () => {
    const { store, asked } = storeHolding({ days: [], items: [] });

    const answer = await readStats("gone", 30, {
      connections: { get: async () => undefined },
      rollups: store,
      timeZoneOf: async () => "UTC",
    });

    expect(answer).toEqual({ outcome: "unknown-connection" });
    expect(asked).toEqual([]);
  });
});

describe("topItems", () => {
  it("adds an item's days up, keeps its latest title, and keeps the top few", () => {
    const items = Array.from({ length: 8 }, (_, n) => ({
      date: "2026-11-01",
      kind: "like" as const,
      item: `i${n}`,
      title: `T${n}`,
      url: `https://qiita.com/i${n}`,
      count: n + 1,
    }));
    items.push({ date: "2026-11-02", kind: "like", item: "i0", title: "T0 renamed", url: "https://qiita.com/i0", count: 20 });

    const top = topItems(items, TOP_ITEMS);

    expect(top).toHaveLength(TOP_ITEMS);
    expect(top[0]).toEqual({ kind: "like", title: "T0 renamed", url: "https://qiita.com/i0", count: 21 });
    expect(top.map((item) => item.count)).toEqual([21, 8, 7, 6, 5]);
  });

  it("keeps the top few of each kind, so a month of likes cannot push every repository out", () => {
    const likes = Array.from({ length: 7 }, (_, n) => ({
      date: "2026-11-01",
      kind: "like" as const,
      item: `i${n}`,
      title: `T${n}`,
      url: `https://qiita.com/i${n}`,
      count: 100 + n,
    }));
    const star = {
      date: "2026-11-01",
      kind: "star" as const,
      item: "me/tool",
      title: "me/tool",
      url: "https://github.com/me/tool",
      count: 1,
    };

    const top = topItems([...likes, star], TOP_ITEMS);

    expect(top.map((item) => item.title)).toEqual(["T6", "T5", "T4", "T3", "T2", "me/tool"]);
  });

  it("keeps a like and a star of the same name apart", () => {
    const top = topItems(
      [
        { date: "2026-11-01", kind: "like", item: "x", title: "x", url: "https://qiita.com/x", count: 1 },
        { date: "2026-11-01", kind: "star", item: "x", title: "x", url: "https://github.com/x", count: 1 },
      ],
      5,
    );
    expect(top.map((item) => item.kind).sort()).toEqual(["like", "star"]);
  });
});
