/** DATA_DIR/failed-records.jsonl: reading what the poller wrote, rewriting it without losing what it appends meanwhile. */
import { mkdtemp, readdir, readFile, rm, appendFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StreamFailure } from "#local/aws/stream-poller/stream-poller.ts";
import { readFailureFile, rewriteFailureFile, streamEventOf } from "../../../scripts/replay-failures/failure-file.ts";
import { likeRecord } from "#test/support/article-records.ts";

const failureOf = (sequence: number): StreamFailure => ({
  condition: "RetryAttemptsExhausted",
  streamArn: "arn:aws:dynamodb:ddblocal:000000000000:table/articles/stream/2026-11-30T00:00:00.000",
  shardId: "shardId-00000001764460800000-1a2b3c4d",
  approximateInvokeCount: 4,
  error: "Error: the handler reported these records in batchItemFailures",
  records: [likeRecord(sequence, "alice", `item-${sequence}`, 1, 2, ["fan"])],
});
// Built once: a like record carries the time it was made.
const failures = new Map([1, 2, 3].map((sequence) => [sequence, failureOf(sequence)]));
const failure = (sequence: number) => failures.get(sequence)!;
const line = (value: unknown) => `${JSON.stringify(value)}\n`;

describe("failure file", () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "failure-file-"));
    path = join(dir, "failed-records.jsonl");
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("reads each line as the stream event Lambda got, and a missing file as empty", async () => {
    // Prepare
    await writeFile(path, line(failure(1)) + line(failure(2)));

    // Act
    const file = await readFailureFile(path);
    const missing = await readFailureFile(join(dir, "none.jsonl"));

    // Assess
    expect(file.batches.map((batch) => batch.kind === "failure" && streamEventOf(batch.failure))).toEqual([
      { Records: failure(1).records },
      { Records: failure(2).records },
    ]);
    expect(missing.batches).toEqual([]);
  });

  it("keeps what still fails and unreadable lines as they were, drops what went through, and keeps lines appended since the read", async () => {
    // Prepare: npm start appends a new failure while the replay runs
    await writeFile(path, `${line(failure(1))}{ half a line\n${line(failure(2))}`);
    const file = await readFailureFile(path);
    await appendFile(path, line(failure(3)));
    const [, unreadable, second] = file.batches;

    // Act: the first went through, the second failed again
    await rewriteFailureFile(file, [unreadable!, second!]);

    // Assess
    expect(await readFile(path, "utf8")).toBe(`{ half a line\n${line(failure(2))}${line(failure(3))}`);
    expect(unreadable).toMatchObject({ kind: "unreadable", line: 2 });
    expect(await readdir(dir)).toEqual(["failed-records.jsonl"]);
  });

  it("leaves an empty file when everything went through, and creates none when there was none", async () => {
    // Prepare
    await writeFile(path, line(failure(1)));
    const file = await readFailureFile(path);
    const none = await readFailureFile(join(dir, "none.jsonl"));

    // Act
    await rewriteFailureFile(file, []);
    await rewriteFailureFile(none, []);

    // Assess
    expect(await readFile(path, "utf8")).toBe("");
    expect(await readdir(dir)).toEqual(["failed-records.jsonl"]);
  });
});
