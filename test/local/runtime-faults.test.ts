/**
 * Faults on the whole local path (fake Qiita → collector → DynamoDB Local → stream poller →
 * stream handler → emulator / fake LINE): a collector poll that breaks halfway, and LINE
 * refusing a push for good (400, 401).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "#local/config.ts";
import { startLocalRuntime, type LocalRuntime } from "#local/runtime.ts";
import type { StreamFailure } from "#local/aws/stream-poller/stream-poller.ts";
import { FakeLineServer } from "#test/fakes/fake-line-server.ts";
import { FakeQiitaServer } from "#test/fakes/fake-qiita-server.ts";
import { connect, likeFrames, type TestClient } from "#test/support/ws-client.ts";
import { localRuntimeEnv, testToken } from "#test/support/local-runtime.ts";
import { waitFor } from "#test/support/wait-for.ts";

const writer = "writer";
const lineToken = "faults-line-token";

/** What the runtime's Powertools logger prints, kept off the test output. */
function captureOutput() {
  let text = "";
  const keep = (chunk: unknown) => {
    text += String(chunk);
    return true;
  };
  const spies = [vi.spyOn(process.stdout, "write").mockImplementation(keep), vi.spyOn(process.stderr, "write").mockImplementation(keep)];
  return { text: () => text, restore: () => spies.forEach((spy) => spy.mockRestore()) };
}

describe("local runtime under faults", () => {
  let qiita: FakeQiitaServer;
  let line: FakeLineServer;
  let dataDir: string;
  let runtime: LocalRuntime | undefined;
  const clients: TestClient[] = [];

  const start = async (env: Record<string, string> = {}) => {
    runtime = await startLocalRuntime(
      loadConfig(
        localRuntimeEnv({
          DATA_DIR: dataDir,
          QIITA_TOKEN: "qiita-token",
          QIITA_BASE_URL: qiita.baseUrl,
          LINE_CHANNEL_ACCESS_TOKEN: lineToken,
          LINE_TO: "U-writer",
          LINE_API_BASE_URL: line.baseUrl,
          ...env,
        }),
      ),
      { logLevel: "ERROR", streamPollMs: 50 },
    );
    return runtime;
  };
  const open = async () => {
    const client = await connect(`${(runtime as LocalRuntime).websocketUrl}/?token=${testToken(writer)}`);
    clients.push(client);
    return client;
  };
  const failedRecords = async (): Promise<StreamFailure[]> => {
    const text = await readFile(join(dataDir, "failed-records.jsonl"), "utf8").catch(() => "");
    return text.split("\n").filter(Boolean).map((line) => JSON.parse(line) as StreamFailure);
  };

  beforeAll(async () => {
    qiita = await FakeQiitaServer.start();
    qiita.addUser(writer, "qiita-token");
  });
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "live-likes-faults-"));
    line = await FakeLineServer.start({ channelAccessToken: lineToken });
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.socket.terminate();
    await runtime?.stop();
    runtime = undefined;
    await line.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await qiita?.close();
  });

  it("loses nothing and sends nothing twice when a poll breaks on the second changed article", async () => {
    // Prepare
    const [older, newer] = qiita.addArticles(writer, 2, { likers: 1 }) as [string, string];
    const runtime = await start();
    const client = await open();
    qiita.like(older, "fan-of-older");
    qiita.like(newer, "fan-of-newer");
    // Newer articles come first, so the poll has read the newer one's likes when this fails
    qiita.injectFault("error500", { pathPrefix: `/api/v2/items/${older}/likes` });

    // Act
    const output = captureOutput();
    const broken = await runtime.collectNow().then(
      () => "succeeded",
      () => "failed",
    );
    output.restore();
    await runtime.poller.drained();
    const framesAfterBrokenPoll = likeFrames(client).length;
    await runtime.collectNow();
    await waitFor(() => (likeFrames(client).length >= 2 ? true : undefined), { what: "both likes" });
    await runtime.collectNow();
    await runtime.poller.drained();

    // Assess
    expect(broken).toBe("failed");
    expect(framesAfterBrokenPoll).toBe(0);
    expect(likeFrames(client).map(({ itemId, likers, delta }) => ({ itemId, likers, delta }))).toEqual(
      expect.arrayContaining([
        { itemId: newer, likers: ["fan-of-newer"], delta: 1 },
        { itemId: older, likers: ["fan-of-older"], delta: 1 },
      ]),
    );
    expect(likeFrames(client)).toHaveLength(2);
  });

  describe("LINE refusing the push for good", () => {
    const refusedPush = async (runtime: LocalRuntime, itemId: string) => {
      const output = captureOutput();
      try {
        qiita.like(itemId, "unlucky-fan");
        await runtime.collectNow();
        const [failure] = await waitFor(async () => ((await failedRecords()).length ? failedRecords() : undefined), {
          timeoutMs: 10_000,
          what: "the record in failed-records.jsonl",
        });
        await runtime.poller.drained();
        const requestsAtFailure = line.requests.length;
        // One more poll and drain: nothing left to retry, so LINE hears nothing more.
        await runtime.collectNow();
        await runtime.poller.drained();
        return { failure, requestsAtFailure, logged: output.text() };
      } finally {
        output.restore();
      }
    };

    it("401: logs what to fix, retries a bounded number of times, then writes the record to the failure file", async () => {
      // Prepare: a revoked channel token
      const [itemId] = qiita.addArticles(writer, 1) as [string];
      const runtime = await start({ LINE_CHANNEL_ACCESS_TOKEN: "revoked-token" });

      // Act
      const { failure, requestsAtFailure, logged } = await refusedPush(runtime, itemId);

      // Assess
      expect(failure?.condition).toBe("RetryAttemptsExhausted");
      expect(failure?.records.map((record) => record.dynamodb?.NewImage?.itemId?.S)).toEqual([itemId]);
      expect(logged).toContain("LINE rejected the channel access token (401");
      expect(logged).toContain("LINE_CHANNEL_ACCESS_TOKEN");
      expect(requestsAtFailure).toBeGreaterThan(0);
      expect(requestsAtFailure).toBeLessThanOrEqual(4);
      expect(line.requests.map((request) => request.status)).toEqual(Array(requestsAtFailure).fill(401));
      expect(line.deliveries).toEqual([]);
    });

    it("400: logs LINE's reason, stops retrying, and the record ends in the failure file", async () => {
      // Prepare: LINE refuses the next four pushes; a fifth attempt would be delivered
      const [itemId] = qiita.addArticles(writer, 1) as [string];
      const runtime = await start();
      line.failNext(4, { status: 400 });

      // Act
      const { failure, requestsAtFailure, logged } = await refusedPush(runtime, itemId);

      // Assess
      expect(failure?.records.map((record) => record.dynamodb?.NewImage?.itemId?.S)).toEqual([itemId]);
      expect(logged).toContain("LINE rejected the push request (400");
      expect(logged).toContain("LINE_TO");
      expect(requestsAtFailure).toBeGreaterThan(0);
      expect(line.requests.map((request) => request.status)).toEqual(Array(requestsAtFailure).fill(400));
      expect(line.deliveries).toEqual([]);
    });
  });
});
