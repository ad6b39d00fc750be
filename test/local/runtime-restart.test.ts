/**
 * `npm start` stopped and started again on the same DATA_DIR, with its own DynamoDB Local each
 * time (DYNAMODB_PORT=0): likes that happened while it was down are notified after the start,
 * and nothing notified before the stop is notified again.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, type LocalConfig } from "#local/config.ts";
import { startLocalRuntime, type LocalRuntime } from "#local/runtime.ts";
import { FakeLineServer } from "#test/fakes/fake-line-server.ts";
import { FakeQiitaServer } from "#test/fakes/fake-qiita-server.ts";
import { connect, likeFrames, type TestClient } from "#test/support/ws-client.ts";
import { localRuntimeEnv, testToken } from "#test/support/local-runtime.ts";
import { waitFor } from "#test/support/wait-for.ts";

const writer = "writer";
const lineToken = "restart-line-token";

describe("local runtime restarted on the same DATA_DIR", () => {
  let dataDir: string;
  let qiita: FakeQiitaServer;
  let line: FakeLineServer;
  let config: LocalConfig;
  let runtime: LocalRuntime | undefined;
  const clients: TestClient[] = [];
  const open = async () => {
    const client = await connect(`${(runtime as LocalRuntime).websocketUrl}/?token=${testToken(writer)}`);
    clients.push(client);
    return client;
  };
  const frames = (client: TestClient) => client.frames.map((frame) => JSON.parse(frame) as Record<string, unknown>);

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "live-likes-restart-"));
    qiita = await FakeQiitaServer.start();
    qiita.addUser(writer, "qiita-token");
    line = await FakeLineServer.start({ channelAccessToken: lineToken });
    // Its own DynamoDB Local (DYNAMODB_PORT=0, no DYNAMODB_ENDPOINT), persisted in DATA_DIR.
    const { DYNAMODB_ENDPOINT: _shared, ...env } = localRuntimeEnv({
      DYNAMODB_PORT: "0",
      DATA_DIR: dataDir,
      QIITA_TOKEN: "qiita-token",
      QIITA_BASE_URL: qiita.baseUrl,
      LINE_CHANNEL_ACCESS_TOKEN: lineToken,
      LINE_TO: "U-writer",
      LINE_API_BASE_URL: line.baseUrl,
    });
    config = loadConfig(env);
  });

  afterAll(async () => {
    for (const client of clients) client.socket.terminate();
    await runtime?.stop();
    await qiita?.close();
    await line?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  // Two DynamoDB Local (JVM) starts: 9 s alone, near the default 30 s beside a full parallel run.
  it("notifies the likes made while stopped after the start, by LINE and by resume, and nothing twice", async () => {
    // Prepare: a first run takes the baseline and notifies one like live
    const [seen, missed] = qiita.addArticles(writer, 2, { likers: 1 }) as [string, string];
    runtime = await startLocalRuntime(config, { logLevel: "SILENT", streamPollMs: 50 });
    const before = await open();
    qiita.like(seen, "before-stop");
    await runtime.collectNow();
    const [lastSeen] = await waitFor(() => (likeFrames(before).length ? likeFrames(before) : undefined), { what: "live like" });
    await runtime.poller.drained();
    await runtime.stop();
    runtime = undefined;

    // Act: a like while stopped; then the start polls Qiita at once
    qiita.like(missed, "while-stopped");
    runtime = await startLocalRuntime(config, { logLevel: "SILENT", streamPollMs: 50 });
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
      { type: "resumed", count: 1 },
    ]);
    expect(likeFrames(after)[0]?.id).not.toBe(lastSeen?.id);
    expect(likeFrames(before)).toEqual([lastSeen]);
  }, 90_000);
});
