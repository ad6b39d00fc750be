/**
 * The demo stopped and started again on the same DATA_DIR (and tables): the simulated account
 * continues where it stopped, so counts never go backwards and every like names exactly its new
 * likers (no "+2 … and 6 more" from an account that started over).
 */
import { describe, expect } from "vitest";
import { runtimePerTest as it } from "#test/support/runtime-fixture.ts";
import { likeFrames, type TestClient } from "#test/support/ws-client.ts";
import { waitFor } from "#test/support/wait-for.ts";

const DEMO = { QIITA_TOKEN: undefined, QIITA_BASE_URL: undefined, LINE_CHANNEL_ACCESS_TOKEN: undefined, LINE_TO: undefined };

describe("demo restarted on the same DATA_DIR", () => {
  it("continues the simulated account: counts only grow and each like names just its new likers", async ({ local }) => {
    // Prepare: a first run with likes every 20 ms
    const config = local.config({ ...DEMO, DATA_DIR: await local.tempDir("live-likes-demo-restart-") });
    const likesOf = async (tab: TestClient) => {
      const runtime = local.runtime;
      return waitFor(
        async () => {
          await runtime.collectNow();
          return likeFrames(tab).length >= 2 ? likeFrames(tab) : undefined;
        },
        { timeoutMs: 15_000, what: "two demo likes" },
      );
    };
    await local.start(config, { demoLikeEveryMs: 20 });
    const before = await likesOf(await local.open("demo-writer"));
    await local.runtime.poller.drained();
    const lastCount = new Map<unknown, number>();
    for (const like of before) lastCount.set(like.itemId, Math.max(lastCount.get(like.itemId) ?? 0, like.likesCount as number));
    await local.stop();

    // Act
    await local.start(config, { demoLikeEveryMs: 20 });
    const after = await likesOf(await local.open("demo-writer"));

    // Assess
    for (const like of [...before, ...after]) expect((like.likers as string[]).length).toBe(like.delta);
    for (const like of after) {
      expect(like.likesCount as number).toBeGreaterThan(lastCount.get(like.itemId) ?? 0);
    }
  });
});
