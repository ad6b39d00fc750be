/**
 * `{"action":"stats"}` over a real socket against the local runtime as `npm start` wires it: a like
 * through fake Qiita → collector → stream → rollups, read back for the asking tab's user only.
 */
import { describe, expect } from "vitest";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoDbRollupStore } from "#adapters/dynamodb/dynamodb-rollup-store.ts";
import { localDate } from "#domain/stats/days.ts";
import type { LocalRuntime } from "#local/runtime.ts";
import { localDynamoClient } from "#test/support/dynamodb.ts";
import { runtimeTest as it, WITHOUT_LINE, WRITER as writer } from "#test/support/runtime-fixture.ts";
import type { TestClient } from "#test/support/ws-client.ts";
import { waitFor } from "#test/support/wait-for.ts";

interface StatsFrame {
  type: "stats";
  days: { date: string; likes: number; stars: number }[];
  totals: { likes: number; stars: number };
  top: { kind: string; title: string; url: string; count: number }[];
}

/** Asks for `days` of stats and resolves the next stats frame the tab gets. */
async function askStats(tab: TestClient, days: number): Promise<StatsFrame> {
  const before = tab.frames.length;
  tab.socket.send(JSON.stringify({ action: "stats", days }));
  return waitFor(
    () =>
      tab.frames
        .slice(before)
        .map((frame) => JSON.parse(frame))
        .find((frame) => frame.type === "stats" || frame.type === "error"),
    { what: "a stats answer" },
  );
}

describe("stats over a real socket", () => {
  let runtime: LocalRuntime;
  let itemIds: string[];
  const zone = "UTC";

  it.beforeAll(async ({ local }) => {
    itemIds = local.qiita.addArticles(writer, 3, { likers: 1 });
    const config = local.config({ ...WITHOUT_LINE, TIME_ZONE: zone });
    runtime = await local.start(config);
    // Another user's likes, counted straight into the same table: they must never show in the writer's answer.
    const rollups = new DynamoDbRollupStore({ tableName: config.tables.rollups, client: DynamoDBDocumentClient.from(localDynamoClient()) });
    await rollups.count({
      id: "9".repeat(40),
      userId: "someone-else",
      date: localDate(Date.now(), zone),
      kind: "like",
      item: "theirs",
      title: "Their article",
      url: "https://qiita.com/someone-else/items/theirs",
      delta: 7,
    });
  });

  it("answers every day with zeros before anything was counted", async ({ local }) => {
    const tab = await local.open(writer);

    const stats = await askStats(tab, 30);

    expect(stats.type).toBe("stats");
    expect(stats.days).toHaveLength(30);
    expect(stats.days[29]?.date).toBe(localDate(Date.now(), zone));
    expect(stats.totals).toEqual({ likes: 0, stars: 0 });
    expect(stats.top).toEqual([]);
  });

  it("counts a like the writer received into today, for the writer only", async ({ local }) => {
    const [tab, stranger] = [await local.open(writer), await local.open("someone-else")];
    local.qiita.like(itemIds[1] as string, "new-fan");
    local.qiita.like(itemIds[1] as string, "another-fan");

    await runtime.collectNow();
    // The count is written right after the frames go out: wait for it through the API itself.
    const stats = await waitFor(
      async () => {
        const answer = await askStats(tab, 7);
        return answer.totals?.likes === 2 ? answer : undefined;
      },
      { what: "the writer's two likes counted", timeoutMs: 10_000 },
    );

    expect(stats.days.at(-1)).toEqual({ date: localDate(Date.now(), zone), likes: 2, stars: 0 });
    expect(stats.top).toEqual([expect.objectContaining({ kind: "like", count: 2 })]);
    expect(stats.top.map((item) => item.title)).not.toContain("Their article");
    const theirs = await askStats(stranger, 7);
    expect(theirs.totals).toEqual({ likes: 7, stars: 0 });
    expect(theirs.top).toEqual([{ kind: "like", title: "Their article", url: "https://qiita.com/someone-else/items/theirs", count: 7 }]);
  });

  it("refuses a malformed request with an error frame and keeps the connection", async ({ local }) => {
    const tab = await local.open(writer);

    const answer = (await askStats(tab, 401)) as unknown as { type: string; message: string };

    expect(answer.type).toBe("error");
    expect(answer.message).toContain("days");
    expect((await askStats(tab, 1)).days).toHaveLength(1);
  });
});
