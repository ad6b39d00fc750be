/**
 * Where the poller remembers, per shard, the last sequence number it finished, so a restart
 * continues after it (like an event source mapping's checkpoint) instead of at LATEST.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** `sequenceNumber`: last finished record. `done`: closed and read to its end. Neither: nothing finished yet. */
export interface ShardCheckpoint {
  readonly sequenceNumber?: string;
  readonly done?: boolean;
}

export interface StreamCheckpoint {
  readonly streamArn: string;
  readonly shards: Readonly<Record<string, ShardCheckpoint>>;
}

export interface CheckpointStore {
  /** The checkpoint of this stream, or undefined when none was saved for it. */
  load(streamArn: string): Promise<StreamCheckpoint | undefined>;
  save(checkpoint: StreamCheckpoint): Promise<void>;
}

/** Keeps the checkpoint in memory only: every start begins at LATEST. */
export class MemoryCheckpointStore implements CheckpointStore {
  #saved: StreamCheckpoint | undefined;

  async load(streamArn: string): Promise<StreamCheckpoint | undefined> {
    return this.#saved?.streamArn === streamArn ? this.#saved : undefined;
  }

  async save(checkpoint: StreamCheckpoint): Promise<void> {
    this.#saved = structuredClone(checkpoint);
  }
}

/**
 * One JSON file, e.g. `new FileCheckpointStore(".data/stream-checkpoint.json")`.
 * Written to a temporary file and renamed, so a crash mid-write leaves the previous checkpoint.
 */
export class FileCheckpointStore implements CheckpointStore {
  constructor(readonly path: string) {}

  async load(streamArn: string): Promise<StreamCheckpoint | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    let parsed: StreamCheckpoint;
    try {
      parsed = JSON.parse(text) as StreamCheckpoint;
    } catch {
      throw new CheckpointFileError(this.path);
    }
    if (typeof parsed?.streamArn !== "string" || typeof parsed.shards !== "object" || parsed.shards === null) {
      throw new CheckpointFileError(this.path);
    }
    // A checkpoint of another stream (the table was recreated) says nothing about this one.
    return parsed.streamArn === streamArn ? parsed : undefined;
  }

  async save(checkpoint: StreamCheckpoint): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(checkpoint, null, 2)}\n`);
    await rename(temporary, this.path);
  }
}

export class CheckpointFileError extends Error {
  constructor(readonly path: string) {
    super(
      `The stream checkpoint ${path} is not a checkpoint this poller wrote. Delete it to start ` +
        "reading the stream at LATEST (changes written while stopped are then skipped).",
    );
    this.name = "CheckpointFileError";
  }
}
