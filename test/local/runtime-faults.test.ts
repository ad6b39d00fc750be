/**
 * Faults on the whole local path (fake Qiita → collector → DynamoDB Local → stream poller →
 * stream handler → emulator / fake LINE): a collector poll that breaks halfway, and LINE
 * refusing a push for good (400, 401).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, vi } from "vitest";
import type { LocalRuntime } from "#local/runtime.ts";
import type { StreamFailure } from "#local/aws/stream-poller/stream-poller.ts";
import { type EnvOverrides, runtimePerTest as it, type RuntimeWithFakes, WRITER as writer } from "#test/support/runtime-fixture.ts";
import { likeFrames } from "#test/support/ws-client.ts";
import { waitFor } from "#test/support/wait-for.ts";

/** What the runtime's Powertools logger prints, kept off the test output. */
function captureOutput() {
  let text = "";
  const keep = (chunk: unknown) => {
    text += String(chunk);
    return true;
  };
  const spies = [vi.spyOn(process.stdout, "write").mockImplementation(keep), vi.spyOn(process.stderr, "write").mockImplementation(keep)];
  return {
    text: () => text,
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

describe("local runtime under faults", () => {
  /** Starts the runtime on a DATA_DIR of its own, where the poller writes failed-records.jsonl. */
  const start = async (local: RuntimeWithFakes, env: EnvOverrides = {}) => {
    const dataDir = await local.tempDir("live-likes-faults-");
    const runtime = await local.start(local.config({ DATA_DIR: dataDir, ...env }), { logLevel: "ERROR" });
    const failedRecords = async (): Promise<StreamFailure[]> => {
      const text = await readFile(join(dataDir, "failed-records.jsonl"), "utf8").catch(() => "");
      return text
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as StreamFailure);
    };
    return { runtime, failedRecords };
  };

  it("loses nothing and sends nothing twice when a poll breaks on the second changed article", async ({ local }) => {
    // Prepare
    const { qiita } = local;
    const [older, newer] = qiita.addArticles(writer, 2, { likers: 1 }) as [string, string];
    const { runtime } = await start(local);
    const client = await local.open();
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
    const refusedPush = async (
      { qiita, line }: RuntimeWithFakes,
      { runtime, failedRecords }: { runtime: LocalRuntime; failedRecords: () => Promise<StreamFailure[]> },
      itemId: string,
    ) => {
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

    it("401: logs what to fix, retries a bounded number of times, then writes the record to the failure file", async ({ local }) => {
      // Prepare: a revoked channel token
      const { qiita, line } = local;
      const [itemId] = qiita.addArticles(writer, 1) as [string];
      const started = await start(local, { LINE_CHANNEL_ACCESS_TOKEN: "revoked-token" });

      // Act
      const { failure, requestsAtFailure, logged } = await refusedPush(local, started, itemId);

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

    it("400: logs LINE's reason, stops retrying, and the record ends in the failure file", async ({ local }) => {
      // Prepare: LINE refuses the next four pushes; a fifth attempt would be delivered
      const { qiita, line } = local;
      const [itemId] = qiita.addArticles(writer, 1) as [string];
      const started = await start(local);
      line.failNext(4, { status: 400 });

      // Act
      const { failure, requestsAtFailure, logged } = await refusedPush(local, started, itemId);

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
