import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CheckpointFileError, FileCheckpointStore } from "#local/aws/stream-poller/checkpoint-store.ts";

const pathInFreshDir = () => join(mkdtempSync(join(tmpdir(), "checkpoint-")), "nested", "checkpoint.json");
const checkpoint = { streamArn: "arn:stream-1", shards: { "shardId-1": { sequenceNumber: "42" }, "shardId-0": { done: true } } };

describe("FileCheckpointStore", () => {
  it("reads back what it saved for the same stream, creating the directory", async () => {
    // Prepare
    const store = new FileCheckpointStore(pathInFreshDir());

    // Act
    await store.save(checkpoint);

    // Assess
    expect(await new FileCheckpointStore(store.path).load("arn:stream-1")).toEqual(checkpoint);
  });

  it("has no checkpoint before the first save or for another stream (the table was recreated)", async () => {
    // Prepare
    const store = new FileCheckpointStore(pathInFreshDir());
    const before = await store.load("arn:stream-1");
    await store.save(checkpoint);

    // Act
    const other = await store.load("arn:stream-2");

    // Assess
    expect(before).toBeUndefined();
    expect(other).toBeUndefined();
  });

  it("refuses a file it did not write, saying how to recover", async () => {
    // Prepare
    const path = join(mkdtempSync(join(tmpdir(), "checkpoint-")), "checkpoint.json");
    writeFileSync(path, "{ not json");

    // Act
    const loading = new FileCheckpointStore(path).load("arn:stream-1");

    // Assess
    await expect(loading).rejects.toBeInstanceOf(CheckpointFileError);
    await expect(loading).rejects.toThrow(/Delete it/);
  });
});
