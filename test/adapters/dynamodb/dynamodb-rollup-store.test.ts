import { BatchWriteCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { COUNTED_MARKER_TTL_SECONDS, DynamoDbRollupStore, ROLLUP_DAY_TTL_SECONDS } from "#adapters/dynamodb/dynamodb-rollup-store.ts";
import { addDays } from "#domain/stats/days.ts";
import type { RollupCount } from "#domain/stats/rollups.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";

const NOW = Date.parse("2026-12-01T00:00:00Z");

const count = (overrides: Partial<RollupCount> = {}): RollupCount => ({
  id: `${"0".repeat(39)}1`,
  userId: "alice",
  date: "2026-12-01",
  kind: "like",
  item: "abc123",
  title: "An article",
  url: "https://qiita.com/alice/items/abc123",
  delta: 1,
  ...overrides,
});

describe("DynamoDbRollupStore", () => {
  let tables: TestTables;
  let rollups: DynamoDbRollupStore;

  beforeAll(async () => {
    tables = await createTestTables();
    rollups = new DynamoDbRollupStore({ tableName: tables.rollups, client: tables.doc, now: () => NOW });
  });

  describe("countMany", () => {
    const many = (userId: string, n: number, start = 0) =>
      Array.from({ length: n }, (_, i) =>
        count({
          id: String(start + i + 1).padStart(40, "0"),
          userId,
          date: (start + i) % 2 === 0 ? "2026-11-30" : "2026-12-01",
          kind: (start + i) % 3 === 0 ? "star" : "like",
          item: `item-${(start + i) % 3}`,
          delta: 1,
        }),
      );

    it("counts 120 at once in a few transactions, the days and items added up as one by one would", async () => {
      const counts = many("many-1", 120);

      const results = await rollups.countMany(counts);

      expect(results).toEqual(Array(120).fill(true));
      const { days, items } = await rollups.read("many-1", "2026-11-30", "2026-12-01");
      expect(days).toEqual([
        { date: "2026-11-30", likes: counts.filter((c) => c.date === "2026-11-30" && c.kind === "like").length, stars: 20 },
        { date: "2026-12-01", likes: counts.filter((c) => c.date === "2026-12-01" && c.kind === "like").length, stars: 20 },
      ]);
      expect(items.reduce((sum, item) => sum + item.count, 0)).toBe(120);
    });

    it("tells what was counted already from what is new, and adds only the new", async () => {
      const counts = many("many-2", 30);
      await rollups.countMany(counts.slice(0, 10));

      const results = await rollups.countMany(counts);

      expect(results).toEqual([...Array(10).fill(false), ...Array(20).fill(true)]);
      const { days } = await rollups.read("many-2", "2026-11-30", "2026-12-01");
      expect(days.reduce((sum, day) => sum + day.likes + day.stars, 0)).toBe(30);
    });

    it("counts an id given twice in one call once", async () => {
      const [first, second] = many("many-3", 2);

      expect(await rollups.countMany([first!, second!, first!])).toEqual([true, true, false]);
      const { days } = await rollups.read("many-3", "2026-11-30", "2026-12-01");
      expect(days.reduce((sum, day) => sum + day.likes + day.stars, 0)).toBe(2);
    });
  });

  it("keeps a day, its items and a marker, with their TTLs, and refuses the same id twice", async () => {
    expect(await rollups.count(count({ delta: 2 }))).toBe(true);
    expect(await rollups.count(count({ delta: 2 }))).toBe(false);

    const { Items } = await tables.doc.send(
      new QueryCommand({ TableName: tables.rollups, KeyConditionExpression: "userId = :u", ExpressionAttributeValues: { ":u": "alice" } }),
    );
    const byKey = Object.fromEntries((Items ?? []).map((item) => [item.key, item]));
    expect(Object.keys(byKey).sort()).toEqual([`counted#${count().id}`, "d#2026-12-01", "d#2026-12-01#like#abc123"]);
    expect(byKey["d#2026-12-01"]).toMatchObject({ likes: 2, expiresAt: NOW / 1000 + ROLLUP_DAY_TTL_SECONDS });
    expect(ROLLUP_DAY_TTL_SECONDS).toBeGreaterThanOrEqual(401 * 86_400);
    expect(byKey["d#2026-12-01#like#abc123"]).toMatchObject({ kind: "like", title: "An article", count: 2 });
    expect(byKey[`counted#${count().id}`]).toMatchObject({ expiresAt: NOW / 1000 + COUNTED_MARKER_TTL_SECONDS });
  });

  it("reads a range of days with their items, a repository's slash and all, and nothing outside it", async () => {
    const user = "bob";
    await rollups.count(count({ id: "b1", userId: user, date: "2026-11-29" }));
    await rollups.count(count({ id: "b2", userId: user, date: "2026-11-30", kind: "star", item: "bob/tool", title: "bob/tool", delta: 3 }));
    await rollups.count(count({ id: "b3", userId: user, date: "2026-12-01", title: "Renamed" }));
    await rollups.count(count({ id: "b4", userId: user, date: "2026-12-02" }));

    const range = await rollups.read(user, "2026-11-30", "2026-12-01");

    expect(range.days).toEqual([
      { date: "2026-11-30", likes: 0, stars: 3 },
      { date: "2026-12-01", likes: 1, stars: 0 },
    ]);
    expect(range.items).toEqual([
      { date: "2026-11-30", kind: "star", item: "bob/tool", title: "bob/tool", url: count().url, count: 3 },
      { date: "2026-12-01", kind: "like", item: "abc123", title: "Renamed", url: count().url, count: 1 },
    ]);
  });

  it("follows pages: a range larger than one Query answer", async () => {
    const user = "carol";
    // ~2 KB titles make 600 item rows more than DynamoDB's 1 MB page. Put as count() leaves them
    // (one day row per day, one row per item), 25 at a time: the read is what is tested here.
    const title = "t".repeat(2_000);
    const dateOf = (n: number) => addDays("2026-11-02", n % 30);
    const rows = [
      ...Array.from({ length: 30 }, (_, n) => ({ userId: user, key: `d#${dateOf(n)}`, likes: 20 })),
      ...Array.from({ length: 600 }, (_, n) => ({
        userId: user,
        key: `d#${dateOf(n)}#like#item-${n}`,
        kind: "like",
        title,
        url: count().url,
        count: 1,
      })),
    ];
    for (let start = 0; start < rows.length; start += 25) {
      const RequestItems = { [tables.rollups]: rows.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })) };
      await tables.doc.send(new BatchWriteCommand({ RequestItems }));
    }

    const range = await rollups.read(user, "2026-11-02", "2026-12-01");

    expect(range.items).toHaveLength(600);
    expect(range.days).toHaveLength(30);
    expect(range.days.every((day) => day.likes === 20)).toBe(true);
  }, 120_000);
});
