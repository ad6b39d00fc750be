/**
 * `npm run replay-failures` on the laptop against the real path: fake Qiita → collector → DynamoDB
 * Local → stream poller (gives the batch up into DATA_DIR/failed-records.jsonl) → the replay runs
 * the same stream handler on the same tables → emulator / fake LINE.
 */
import { appendFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect } from "vitest";
import { loadConfig } from "#local/config.ts";
import type { StreamFailure } from "#local/aws/stream-poller/stream-poller.ts";
import { runReplayFailures } from "../../../scripts/replay-failures.ts";
import { replayLocalFailures } from "../../../scripts/replay-failures/replay-local.ts";
import type { DynamoDBRecord } from "aws-lambda";
import { likeRecord } from "#test/support/article-records.ts";
import { localRuntimeEnv } from "#test/support/local-runtime.ts";
import {
  LINE_TO,
  LINE_TOKEN,
  QIITA_TOKEN,
  runtimePerTest as it,
  type RuntimeWithFakes,
  WRITER as writer,
} from "#test/support/runtime-fixture.ts";
import { likeFrames } from "#test/support/ws-client.ts";
import { waitFor } from "#test/support/wait-for.ts";

/** The sender's 4 attempts in each of the poller's 4 invocations (1 + 3 retries). */
const LINE_REQUESTS_UNTIL_GIVEN_UP = 16;

describe("npm run replay-failures (local)", () => {
  /**
   * npm start's environment (DATA_DIR of its own) and the runtime started from it; `replay` runs the
   * script's entry with that environment, as `npm run replay-failures` in the same shell would.
   */
  const start = async (local: RuntimeWithFakes, overrides: Record<string, string> = {}) => {
    const dataDir = await local.tempDir("live-likes-replay-");
    const env = localRuntimeEnv({
      QIITA_TOKEN,
      QIITA_BASE_URL: local.qiita.baseUrl,
      LINE_CHANNEL_ACCESS_TOKEN: LINE_TOKEN,
      LINE_TO,
      LINE_API_BASE_URL: local.line.baseUrl,
      DATA_DIR: dataDir,
      ...overrides,
    });
    const runtime = await local.start(loadConfig(env));
    const port = new URL(runtime.httpUrl).port;
    const file = join(dataDir, "failed-records.jsonl");
    const failures = async (): Promise<StreamFailure[]> => {
      const text = await readFile(file, "utf8").catch(() => "");
      return text
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as StreamFailure);
    };
    const replay = async (argv: string[] = [], changes: Record<string, string> = {}) => {
      const lines: string[] = [];
      const exitCode = await runReplayFailures(argv, { ...env, PORT: port, LOG_LEVEL: "SILENT", ...changes }, (line) => lines.push(line));
      return { exitCode, lines };
    };
    const givenUp = () =>
      waitFor(async () => ((await failures()).length > 0 ? failures() : undefined), {
        timeoutMs: 20_000,
        what: "the batch in failed-records.jsonl",
      });
    /** Appends a failed batch as the poller writes it. */
    const fail = (records: DynamoDBRecord[]) =>
      appendFile(
        file,
        `${JSON.stringify({ condition: "RetryAttemptsExhausted", streamArn: "arn:test", shardId: "shardId-test", approximateInvokeCount: 4, error: "Error: test", records })}\n`,
      );
    return { runtime, env, port, failures, replay, givenUp, fail };
  };

  it("delivers a like LINE refused (401) once the token is fixed, once, and empties the file; a second replay sends nothing", async ({
    local,
  }) => {
    // Prepare: npm start with a revoked LINE token gives the like's batch up after its retries
    const { qiita, line } = local;
    const [itemId] = qiita.addArticles(writer, 1) as [string];
    const started = await start(local, { LINE_CHANNEL_ACCESS_TOKEN: "revoked-token" });
    qiita.like(itemId, "patient-fan");
    await started.runtime.collectNow();
    const [failure] = await started.givenUp();

    // Act: the operator fixes the token and replays, twice
    const first = await started.replay([], { LINE_CHANNEL_ACCESS_TOKEN: LINE_TOKEN });
    const second = await started.replay([], { LINE_CHANNEL_ACCESS_TOKEN: LINE_TOKEN });

    // Assess
    expect(failure?.records.map((record) => record.dynamodb?.NewImage?.itemId?.S)).toEqual([itemId]);
    expect(line.deliveries).toHaveLength(1);
    expect(line.deliveries[0]?.texts.join("\n")).toContain("patient-fan");
    expect(first.exitCode).toBe(0);
    expect(first.lines[0]).toMatch(/^line 1: delivered 1 record \(seq \d+\)$/);
    expect(first.lines.at(-1)).toBe("replayed 1 batch(es): 1 delivered and removed, 0 still failing");
    expect(await started.failures()).toEqual([]);
    expect(second.exitCode).toBe(0);
    expect(second.lines).toEqual([expect.stringMatching(/^nothing to replay: .*failed-records\.jsonl holds no failed batch$/)]);
  });

  it("posts no second frame and shows the like once on LINE when LINE had accepted the push but its answer was lost", async ({ local }) => {
    // Prepare: a tab got the frame; LINE (always) accepted the first push but answered 500, then
    // answered 500 until the poller gave up, so the sender never learned it was sent
    const { qiita, line } = local;
    const [itemId] = qiita.addArticles(writer, 1) as [string];
    const started = await start(local, { LINE_MODE: "always" });
    const tab = await local.open();
    line.failNext(1, { afterAccept: true });
    line.failNext(LINE_REQUESTS_UNTIL_GIVEN_UP - 1, { status: 500 });
    qiita.like(itemId, "early-fan");
    await started.runtime.collectNow();
    await started.givenUp();
    await started.runtime.poller.drained();
    const framesBefore = likeFrames(tab).length;
    const deliveriesBefore = line.deliveries.length;

    // Act: replay twice, with the tab still open
    const first = await started.replay();
    const second = await started.replay();
    // A ping's answer comes after any frame the replays posted.
    const seen = tab.frames.length;
    tab.socket.send(JSON.stringify({ action: "ping" }));
    await tab.framesAfter(seen + 1);

    // Assess
    expect(framesBefore).toBe(1);
    expect(deliveriesBefore).toBe(1);
    expect(first.exitCode).toBe(0);
    expect(second.exitCode).toBe(0);
    expect(likeFrames(tab)).toHaveLength(1);
    expect(line.deliveries).toHaveLength(1);
    // The replay sent the recorded push again with its recorded key, which LINE answered 409.
    expect(line.requests.at(-1)?.status).toBe(409);
    expect(line.requests.at(-1)?.retryKey).toBe(line.deliveries[0]?.retryKey);
    expect(await started.failures()).toEqual([]);
  });

  it("keeps a batch that fails again, says why, and exits 1", async ({ local }) => {
    // Prepare
    const { qiita, line } = local;
    const [itemId] = qiita.addArticles(writer, 1) as [string];
    const started = await start(local, { LINE_CHANNEL_ACCESS_TOKEN: "revoked-token" });
    qiita.like(itemId, "unlucky-fan");
    await started.runtime.collectNow();
    const given = await started.givenUp();

    // Act: replayed with the token still revoked
    const { exitCode, lines } = await started.replay();

    // Assess
    expect(exitCode).toBe(1);
    expect(lines[0]).toMatch(/^line 1: still failing 1 record \(seq \d+\): the handler reported them in batchItemFailures; kept$/);
    expect(lines.at(-1)).toContain("0 delivered and removed, 1 still failing (kept in ");
    expect((await started.failures()).map((failure) => failure.records)).toEqual(given.map((failure) => failure.records));
    expect(line.deliveries).toEqual([]);
  });

  it("with npm start stopped: --dry-run lists the batch and sends nothing, then the replay delivers it to LINE", async ({ local }) => {
    // Prepare: a tab is open when LINE (always) refuses; then npm start stops
    const { qiita, line } = local;
    const [itemId] = qiita.addArticles(writer, 1) as [string];
    const started = await start(local, { LINE_MODE: "always", LINE_CHANNEL_ACCESS_TOKEN: "revoked-token" });
    await local.open();
    qiita.like(itemId, "late-fan");
    await started.runtime.collectNow();
    await started.givenUp();
    await local.stop();
    const fixed = { LINE_CHANNEL_ACCESS_TOKEN: LINE_TOKEN };

    // Act
    const dryRun = await started.replay(["--dry-run"], fixed);
    const deliveriesAfterDryRun = line.deliveries.length;
    const replay = await started.replay([], fixed);

    // Assess
    expect(dryRun.lines[0]).toMatch(
      /^line 1: would replay 1 record \(seq \d+\) \(failed with Error: the handler reported these records in batchItemFailures\)$/,
    );
    expect(deliveriesAfterDryRun).toBe(0);
    expect(replay.lines).toContainEqual(expect.stringMatching(/^nothing listens on PORT \d+: no tab is connected/));
    expect(replay.exitCode).toBe(0);
    expect(line.deliveries).toHaveLength(1);
    expect(await started.failures()).toEqual([]);
  });

  it("keeps a batch older than the deliveries ledger unsent, and replays it with --include-old", async ({ local }) => {
    // Prepare: a batch given up on; the replay runs as if forty days later (the ledger keeps 35)
    const { qiita, line } = local;
    const [itemId] = qiita.addArticles(writer, 1) as [string];
    const started = await start(local, { LINE_CHANNEL_ACCESS_TOKEN: "revoked-token" });
    qiita.like(itemId, "slow-fan");
    await started.runtime.collectNow();
    await started.givenUp();
    const env = { ...started.env, PORT: started.port, LOG_LEVEL: "SILENT", LINE_CHANNEL_ACCESS_TOKEN: LINE_TOKEN } as const;
    const fortyDaysLater = () => Date.now() + 40 * 86_400_000;
    const lines: string[] = [];

    // Act
    const kept = await replayLocalFailures(env, { nowMs: fortyDaysLater, print: (text) => lines.push(text) });
    const deliveriesWhenKept = line.deliveries.length;
    const forced = await replayLocalFailures(env, { nowMs: fortyDaysLater, includeOld: true, print: (text) => lines.push(text) });

    // Assess
    expect(kept).toMatchObject({ batches: 1, delivered: 0, tooOld: 1 });
    expect(lines[0]).toMatch(/^line 1: 1 record \(seq \d+\) older than the 35 days the deliveries table remembers what went out/);
    expect(deliveriesWhenKept).toBe(0);
    expect(forced).toMatchObject({ batches: 1, delivered: 1, tooOld: 0 });
    expect(line.deliveries).toHaveLength(1);
    expect(await started.failures()).toEqual([]);
  });

  it("keeps only the records from the first that failed again, as Lambda retries, and delivers them on the next replay", async ({
    local,
  }) => {
    // Prepare: a batch of two writers' likes. The first writer has a tab open (no LINE needed in
    // fallback mode); the second has none, and LINE fails its push on the first replay.
    const { line } = local;
    const started = await start(local);
    const tab = await local.open("reader");
    const now = Math.floor(Date.now() / 1000);
    const written = (record: DynamoDBRecord) => ({ ...record, dynamodb: { ...record.dynamodb, ApproximateCreationDateTime: now } });
    const seen = written(likeRecord(9001, "reader", "item-1", 1, 2, ["first-fan"]));
    const owed = written(likeRecord(9002, writer, "item-2", 1, 2, ["second-fan"]));
    await started.fail([seen, owed]);
    line.failNext(4, { status: 500 });

    // Act
    const partly = await started.replay();
    const keptRecords = (await started.failures()).map((failure) => failure.records.map((record) => record.dynamodb?.SequenceNumber));
    const rest = await started.replay();

    // Assess
    expect(partly.exitCode).toBe(1);
    expect(partly.lines[0]).toBe(
      "line 1: delivered 1, still failing 1 record (seq 9002): the handler reported them in batchItemFailures; kept",
    );
    expect(keptRecords).toEqual([["9002"]]);
    expect(rest.exitCode).toBe(0);
    expect(rest.lines[0]).toBe("line 1: delivered 1 record (seq 9002)");
    expect(likeFrames(tab).map((frame) => frame.itemId)).toEqual(["item-1"]);
    expect(line.deliveries.map((delivery) => delivery.texts.join("\n"))).toEqual([expect.stringContaining("second-fan")]);
    expect(await started.failures()).toEqual([]);
  });
});
