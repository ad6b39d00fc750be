/**
 * DATA_DIR/failed-records.jsonl, as the local stream poller writes it (src/local/runtime.ts's
 * onFailure): one JSON line per given-up batch, a StreamFailure holding the Lambda records
 * themselves (keys, old and new images, sequence numbers). That is the whole DynamoDB stream
 * event Lambda would get, so a batch is rebuilt as `{ Records: failure.records }`.
 *
 * Rewriting keeps what `npm start` appended while a replay ran: lines after the ones the replay
 * read are carried over, and the file is replaced by a rename, never truncated in place.
 *
 * @example
 * const file = await readFailureFile(join(dataDir, "failed-records.jsonl"));
 * await rewriteFailureFile(file, [stillFailing]);
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import type { StreamFailure } from "#local/aws/stream-poller/stream-poller.ts";

export interface FailureFile {
  readonly path: string;
  /** The text as read: what a rewrite replaces. */
  readonly text: string;
  readonly batches: readonly FailedBatch[];
}

/** One line of the file: a parsed failure, or a line that could not be read (kept as it is). */
export type FailedBatch =
  | { readonly kind: "failure"; readonly line: number; readonly failure: StreamFailure }
  | { readonly kind: "unreadable"; readonly line: number; readonly text: string; readonly reason: string };

/** Reads the file; a missing file is an empty one. */
export async function readFailureFile(path: string): Promise<FailureFile> {
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "";
    throw error;
  });
  return { path, text, batches: parseFailureLines(text) };
}

export function parseFailureLines(text: string): FailedBatch[] {
  const batches: FailedBatch[] = [];
  text.split("\n").forEach((raw, index) => {
    if (raw.trim() === "") return;
    const line = index + 1;
    try {
      const failure = JSON.parse(raw) as Partial<StreamFailure>;
      if (!Array.isArray(failure.records)) throw new Error("no records list");
      batches.push({ kind: "failure", line, failure: failure as StreamFailure });
    } catch (error) {
      batches.push({ kind: "unreadable", line, text: raw, reason: (error as Error).message });
    }
  });
  return batches;
}

/** The DynamoDB stream event Lambda got for this batch (a fresh copy each call). */
export function streamEventOf(failure: StreamFailure): DynamoDBStreamEvent {
  return { Records: structuredClone(failure.records) as DynamoDBRecord[] };
}

/**
 * Replaces the file with `kept` (failures still owed, unreadable lines as they were) followed by
 * whatever was appended since `file` was read; temp file + rename, so a crash leaves the old or
 * the new file, never half of one.
 */
export async function rewriteFailureFile(file: FailureFile, kept: readonly FailedBatch[]): Promise<void> {
  const now = await readFile(file.path, "utf8").catch(() => "");
  // The poller only appends: anything beyond what we read is new. Anything else (the file was
  // replaced meanwhile) is kept whole rather than guessed at.
  const appended = now.startsWith(file.text) ? now.slice(file.text.length) : now === "" ? "" : now;
  const lines = kept.map((batch) => (batch.kind === "failure" ? JSON.stringify(batch.failure) : batch.text));
  const text = [...lines.map((line) => `${line}\n`), appended].join("");
  if (text === now) return;
  const temp = `${file.path}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, file.path);
}
