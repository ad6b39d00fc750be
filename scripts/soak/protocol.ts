/** The IPC messages between the soak (server side, scripts/soak.ts) and its client process (clients.ts). */
import type { Percentiles } from "#test/support/statistics.ts";

/** One like the producer wrote: `key` names it independently of the event id the stream gives it. */
export interface SentLike {
  /** "userId/itemId/likesCount": unique, since every write raises one article's count by one. */
  readonly key: string;
  readonly userId: string;
  /** Epoch ms of the write (the item's changedAt, so also the frame's `at`). */
  readonly writtenAt: number;
}

export interface ClientPlan {
  readonly url: string;
  /** One subscription token per writer; client i belongs to writer i % writers.length. */
  readonly writers: readonly { readonly userId: string; readonly token: string }[];
  readonly connections: number;
  readonly dropFraction: number;
  /** Drops happen at random times within this many ms after "go". */
  readonly dropWindowMs: number;
  readonly seed: number;
}

export interface Tally {
  /** Frames owed: for every like, every client of its writer that had first connected when it was written. */
  readonly expected: number;
  /** Owed frames that arrived, live or by resume (each like counted once per client). */
  readonly delivered: number;
  readonly lost: number;
  /** A few lost likes with their client, to start an investigation from. */
  readonly lostSamples: readonly string[];
  /** Like frames whose id the client had already seen: what the client's dedupe dropped. */
  readonly rawDuplicates: number;
  /** An owed like (same key) kept twice under different ids: what dedupe cannot catch. */
  readonly duplicatesAfterDedupe: number;
  /** Clients online with no resume in flight; the tally is final only when all are. */
  readonly settled: number;
  readonly clients: number;
  readonly droppingClients: number;
  readonly drops: number;
  /** Every resume sent: one per open, the first (from "0") included. */
  readonly resumes: number;
  /** Resumes from "0": every first open, plus reconnects of clients that held no resume point yet. */
  readonly resumesFromStart: number;
  /** Further pages asked for because a resume answered `more`. */
  readonly resumePages: number;
  /** Resumes refused with `retryAfter`, asked again after the wait. */
  readonly resumesRefused: number;
  readonly replayed: number;
  readonly errorFrames: number;
  readonly reconnectFailures: number;
  /** Write → first receipt of each owed like per client, live or replayed. */
  readonly delayMs: Percentiles;
  /** The same for clients that never dropped: the live path alone. */
  readonly steadyDelayMs: Percentiles;
}

export type ToClients =
  | { readonly type: "open"; readonly plan: ClientPlan }
  | { readonly type: "go" }
  | { readonly type: "sent"; readonly likes: readonly SentLike[] }
  | { readonly type: "tally" }
  | { readonly type: "close" };

export type FromClients =
  | { readonly type: "opened"; readonly open: number; readonly failed: number }
  | { readonly type: "tally"; readonly tally: Tally }
  | { readonly type: "closed" };
