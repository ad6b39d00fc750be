/**
 * `npm start` stopped and started again on the same DATA_DIR, with its own DynamoDB Local each
 * time (DYNAMODB_PORT=0): likes that happened while it was down are notified after the start,
 * and nothing notified before the stop is notified again.
 */
import { describe, expect } from "vitest";
import type { LocalConfig } from "#local/config.ts";
import { runtimeTest as it, WRITER as writer } from "#test/support/runtime-fixture.ts";
import { likeFrames, type TestClient } from "#test/support/ws-client.ts";
import { waitFor } from "#test/support/wait-for.ts";

describe("local runtime restarted on the same DATA_DIR", () => {
  let config: LocalConfig;
  const frames = (client: TestClient) => client.frames.map((frame) => JSON.parse(frame) as Record<string, unknown>);

  it.beforeAll(async ({ local }) => {
    const dataDir = await local.tempDir("live-likes-restart-");
    // Its own DynamoDB Local (DYNAMODB_PORT=0, no DYNAMODB_ENDPOINT), persisted in DATA_DIR.
    config = local.config({ DYNAMODB_ENDPOINT: undefined, DYNAMODB_PORT: "0", DATA_DIR: dataDir });
  });

  // Two DynamoDB Local (JVM) starts: 9 s alone, near the default 30 s beside a full parallel run.
  it("notifies the likes made while stopped after the start, by LINE and by resume, and nothing twice", async ({ local }) => {
    // Prepare: a first run takes the baseline and notifies one like live
    const { qiita, line, open } = local;
    const [seen, missed] = qiita.addArticles(writer, 2, { likers: 1 }) as [string, string];
    let runtime = await local.start(config);
    const before = await open();
    qiita.like(seen, "before-stop");
    await runtime.collectNow();
    const [lastSeen] = await waitFor(() => (likeFrames(before).length ? likeFrames(before) : undefined), { what: "live like" });
    await runtime.poller.drained();
    await runtime.stop();

    // Act: a like while stopped; then the start polls Qiita at once
    qiita.like(missed, "while-stopped");
    runtime = await local.start(config);
    const [push] = await waitFor(() => (line.deliveries.length ? line.deliveries : undefined), { timeoutMs: 10_000, what: "LINE push" });
    const after = await open();
    after.socket.send(JSON.stringify({ action: "resume", since: lastSeen?.id }));
    await waitFor(() => (frames(after).some((frame) => frame.type === "resumed") ? true : undefined), { what: "resumed" });
    await runtime.collectNow();
    await runtime.poller.drained();

    // Assess: the missed like reached LINE once (nobody was connected) and the resuming client
    expect(line.deliveries).toHaveLength(1);
    expect(push?.texts.join("\n")).toContain("while-stopped");
    expect(push?.texts.join("\n")).not.toContain("before-stop");
    expect(frames(after)).toEqual([
      expect.objectContaining({ type: "like", itemId: missed, likers: ["while-stopped"] }),
      // A resume is how the page learns the sources' health right after connecting (issue 14)
      { type: "status", sources: [expect.objectContaining({ name: "qiita", state: "ok" })] },
      { type: "resumed", count: 1, more: false },
    ]);
    expect(likeFrames(after)[0]?.id).not.toBe(lastSeen?.id);
    expect(likeFrames(before)).toEqual([lastSeen]);
  }, 90_000);
});
