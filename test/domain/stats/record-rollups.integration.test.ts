/** record-rollups with the real rollup store on DynamoDB Local: exactly-once counting into the right days. */
import { beforeEach, describe, expect, it } from "vitest";
import { DynamoDbRollupStore } from "#adapters/dynamodb/dynamodb-rollup-store.ts";
import type { RollupStore } from "#domain/stats/rollups.ts";
import { readStats } from "#domain/stats/read-stats.ts";
import { recordRollups } from "#domain/stats/record-rollups.ts";
import { createTestTables } from "#test/support/dynamodb.ts";
import { like, published, star } from "./notifications.ts";

describe("recordRollups on DynamoDB Local", () => {
  let rollups: DynamoDbRollupStore;
  const tokyo = { timeZoneOf: async () => "Asia/Tokyo" };

  beforeEach(async () => {
    const tables = await createTestTables();
    rollups = new DynamoDbRollupStore({ tableName: tables.rollups, client: tables.doc });
  });

  /** The user's numbers over `days` ending at `now`, as the stats frame says them. */
  async function stats(userId: string, days: number, now: string, zone = "Asia/Tokyo") {
    const answer = await readStats("c", days, {
      connections: { get: async () => ({ connectionId: "c", userId, connectedAt: 0, expiresAt: 0 }) },
      rollups,
      timeZoneOf: async () => zone,
      nowMs: () => Date.parse(now),
    });
    return JSON.parse((answer as { frame: string }).frame);
  }

  it("counts likes and stars into the user's day, not published notifications", async () => {
    // Prepare: 16:00 UTC on Nov 30 is Dec 1 in Tokyo; 14:00 UTC is still Nov 30 there.
    const batch = [
      like("alice", "2026-11-30T16:00:00.000Z", { delta: 2 }),
      like("alice", "2026-11-30T14:00:00.000Z"),
      star("alice", "2026-11-30T20:00:00.000Z", { delta: 3 }),
      published("alice", "2026-11-30T20:00:00.000Z"),
    ];

    // Act
    const result = await recordRollups(batch, { rollups, ...tokyo });

    // Assess
    expect(result).toEqual({ counted: 3, alreadyCounted: 0, failed: [] });
    const inTokyo = await stats("alice", 2, "2026-12-01T03:00:00Z");
    expect(inTokyo.days).toEqual([
      { date: "2026-11-30", likes: 1, stars: 0 },
      { date: "2026-12-01", likes: 2, stars: 3 },
    ]);
    expect(inTokyo.top).toEqual([
      { kind: "star", title: "alice/tool", url: "https://github.com/alice/tool", count: 3 },
      { kind: "like", title: "Article item-a", url: "https://qiita.com/alice/items/item-a", count: 3 },
    ]);
  });

  it("puts the same instant on the UTC date when the user's zone is UTC", async () => {
    await recordRollups([like("bob", "2026-11-30T16:00:00.000Z")], { rollups, timeZoneOf: async () => "UTC" });

    const inUtc = await stats("bob", 2, "2026-12-01T03:00:00Z", "UTC");
    expect(inUtc.days).toEqual([
      { date: "2026-11-30", likes: 1, stars: 0 },
      { date: "2026-12-01", likes: 0, stars: 0 },
    ]);
  });

  it("does not count a retried batch, a bisected half or the same notification in another batch twice", async () => {
    const batch = [like("carol", "2026-12-01T01:00:00.000Z", { delta: 2 }), like("carol", "2026-12-01T02:00:00.000Z", { itemId: "b" })];

    const first = await recordRollups(batch, { rollups, ...tokyo });
    const retried = await recordRollups(batch, { rollups, ...tokyo });
    const bisected = await recordRollups(batch.slice(1), { rollups, ...tokyo });
    const inAnotherBatch = await recordRollups([batch[0]!, like("carol", "2026-12-01T03:00:00.000Z")], { rollups, ...tokyo });

    expect(first).toEqual({ counted: 2, alreadyCounted: 0, failed: [] });
    expect(retried).toEqual({ counted: 0, alreadyCounted: 2, failed: [] });
    expect(bisected).toEqual({ counted: 0, alreadyCounted: 1, failed: [] });
    expect(inAnotherBatch).toEqual({ counted: 1, alreadyCounted: 1, failed: [] });
    expect((await stats("carol", 1, "2026-12-01T05:00:00Z")).totals).toEqual({ likes: 4, stars: 0 });
  });

  it("counts the same id once when two invocations count it at the same moment", async () => {
    const notification = like("dave", "2026-12-01T01:00:00.000Z", { delta: 5 });
    const others = Array.from({ length: 6 }, (_, n) => like("dave", "2026-12-01T01:00:00.000Z", { itemId: `other-${n}` }));

    // Two "invocations" with the same notification, each also counting other likes of the same day.
    const results = await Promise.all([
      recordRollups([notification, ...others.slice(0, 3)], { rollups, ...tokyo }),
      recordRollups([notification, ...others.slice(3)], { rollups, ...tokyo }),
      recordRollups([notification], { rollups, ...tokyo }),
    ]);

    expect(results.flatMap((result) => result.failed)).toEqual([]);
    expect(results.reduce((sum, result) => sum + result.counted, 0)).toBe(7);
    expect(results.reduce((sum, result) => sum + result.alreadyCounted, 0)).toBe(2);
    expect((await stats("dave", 1, "2026-12-01T05:00:00Z")).totals).toEqual({ likes: 11, stars: 0 });
  });

  it("says which notifications could not be counted, counts the rest, and a retry counts them once", async () => {
    // A store that refuses every count of one article once, as a throttled write would be refused.
    let refusals = 1;
    const flaky: RollupStore = {
      count: async (count) => {
        if (count.item === "flaky" && refusals-- > 0) throw new Error("ProvisionedThroughputExceededException");
        return rollups.count(count);
      },
      // A transaction holding that article is refused whole, as a throttled one would be.
      countMany: async (counts) => {
        if (refusals > 0 && counts.some((count) => count.item === "flaky")) throw new Error("ProvisionedThroughputExceededException");
        return rollups.countMany(counts);
      },
      read: (userId, from, to) => rollups.read(userId, from, to),
    };
    const batch = [like("erin", "2026-12-01T01:00:00.000Z"), like("erin", "2026-12-01T01:00:00.000Z", { itemId: "flaky" })];

    const first = await recordRollups(batch, { rollups: flaky, ...tokyo });
    const retry = await recordRollups(batch, { rollups: flaky, ...tokyo });

    expect(first.counted).toBe(1);
    expect(first.failed.map((failure) => failure.id)).toEqual([batch[1]!.id]);
    expect(retry).toEqual({ counted: 1, alreadyCounted: 1, failed: [] });
    expect((await stats("erin", 1, "2026-12-01T05:00:00Z")).totals).toEqual({ likes: 2, stars: 0 });
  });

  it("reads 400 days back, and only the asked user's", async () => {
    await recordRollups(
      [
        like("frank", "2025-10-27T16:00:00.000Z"), // 2025-10-28 in Tokyo: the first of 400 days ending 2026-12-01
        like("frank", "2025-10-27T14:00:00.000Z"), // 2025-10-27: one day too old
        star("frank", "2026-12-01T01:00:00.000Z"),
        like("grace", "2026-12-01T01:00:00.000Z", { delta: 9 }),
      ],
      { rollups, ...tokyo },
    );

    const year = await stats("frank", 400, "2026-12-01T05:00:00Z");

    expect(year.days).toHaveLength(400);
    expect(year.days[0]).toEqual({ date: "2025-10-28", likes: 1, stars: 0 });
    expect(year.days[399]).toEqual({ date: "2026-12-01", likes: 0, stars: 1 });
    expect(year.totals).toEqual({ likes: 1, stars: 1 });
  });
});
