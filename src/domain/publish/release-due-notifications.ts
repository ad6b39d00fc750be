/**
 * Use case: release scheduled notifications.  scheduler (local loop / deployed sweep) ─▶
 * [release-due-notifications] ─▶ notifications table (scheduled → due) ─▶ its stream ─▶ deliver-batch
 *
 * 1. Read from the due index what falls due by now + `lookaheadMs`, earliest first (one Query,
 *    at most `maxPerRun` items). A scheduler that was stopped finds what fell due meanwhile.
 * 2. For each, in due order: wait until its sendAt when it is still ahead (a sweep that runs once
 *    a minute looks a minute ahead, so nothing goes out up to a minute late), then release it by
 *    ONE conditional write, scheduled → due. That write is the claim: a second scheduler, a
 *    restarted one, or a stale index entry finds it taken (or cancelled) and does nothing, so the
 *    stream sees one release and delivers once.
 * 3. Say what it did, and whether more was due than one run takes (the caller runs again).
 */
import { createLimiter } from "../concurrency.ts";
import type { PublicationStore } from "../ports.ts";

/** Releases in flight at once: enough for a burst due at one second, without flooding the table. */
export const RELEASE_CONCURRENCY = 10;
/** Items one run reads; a backlog larger than this is taken by the next run at once. */
export const MAX_RELEASES_PER_RUN = 1_000;

export interface ReleasePorts {
  readonly store: Pick<PublicationStore, "due" | "release">;
  /** Epoch ms. */
  readonly nowMs?: () => number;
  /** Waits until the given epoch ms (tests pass a fake clock's). */
  readonly sleepUntil?: (epochMs: number) => Promise<void>;
}

export interface ReleaseOptions {
  /** Also release what falls due this many ms from now, each at its time. Default 0: only what is due. */
  readonly lookaheadMs?: number;
  readonly maxPerRun?: number;
  /** Stops waiting for items not yet due (a stopping runtime, a Lambda near its timeout). */
  readonly signal?: AbortSignal;
}

export interface ReleaseSummary {
  /** Ids this run moved to due, which the stream then delivers. */
  readonly released: readonly string[];
  /** Listed as due but already released by another scheduler, or cancelled. */
  readonly taken: number;
  /** The run read `maxPerRun` items: more may be waiting. */
  readonly more: boolean;
}

export async function releaseDueNotifications(ports: ReleasePorts, options: ReleaseOptions = {}): Promise<ReleaseSummary> {
  const now = ports.nowMs ?? Date.now;
  const sleepUntil = ports.sleepUntil ?? ((epochMs: number) => sleep(epochMs - now(), options.signal));
  const maxPerRun = options.maxPerRun ?? MAX_RELEASES_PER_RUN;

  // 1. What is due, or falls due within the look-ahead.
  const due = await ports.store.due(now() + (options.lookaheadMs ?? 0), maxPerRun);

  // 2. Each at its time, by one conditional write.
  const limit = createLimiter(RELEASE_CONCURRENCY);
  const released: string[] = [];
  let taken = 0;
  const releases: Promise<void>[] = [];
  for (const { id, dueAt } of due) {
    // A timer may wake a millisecond early: never release before sendAt.
    while (dueAt > now() && !options.signal?.aborted) await sleepUntil(dueAt);
    // Stopped while waiting: what is not released stays scheduled for the next run.
    if (options.signal?.aborted) break;
    releases.push(
      limit(async () => {
        if (await ports.store.release(id, now())) released.push(id);
        else taken++;
      }),
    );
  }
  await Promise.all(releases);

  // 3. What it did.
  return { released, taken, more: due.length >= maxPerRun };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
