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
