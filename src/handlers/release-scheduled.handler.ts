/**
 * schedule (every minute) ─▶ [release-scheduled] ─▶ release-due-notifications ─▶ notifications
 * table (scheduled → due) ─▶ its stream ─▶ stream handler.
 * 1. Release what is due and what falls due before the next run (SWEEP_LOOKAHEAD_MS), each at its
 *    sendAt: a per-minute schedule alone would send up to a minute late; waiting inside the run
 *    sends on time, and a notification published after this run's read, due before the next, goes
 *    out at the next run, less than a minute late.
 * 2. Stop waiting in time to return before the function's timeout: what is left stays scheduled
 *    for the next run. A backlog larger than one read (a long outage) is read again at once.
 * 3. Log what was released; a failure fails the invocation (the errors alarm), and the next run
 *    finds the same items still scheduled.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Context, ScheduledEvent } from "aws-lambda";
import type { PublicationStore } from "#domain/ports.ts";
import { releaseDueNotifications } from "#domain/publish/release-due-notifications.ts";

/** A minute (the schedule's rate) and 5 s of overlap for the schedule's own jitter: the conditional release dedups the overlap. */
export const SWEEP_LOOKAHEAD_MS = 65_000;
/** Kept free before the timeout to finish the releases in flight and return. */
export const TIMEOUT_MARGIN_MS = 10_000;

export interface ReleaseScheduledDeps {
  readonly store: Pick<PublicationStore, "due" | "release">;
  readonly logger: Logger;
  readonly nowMs?: () => number;
  readonly lookaheadMs?: number;
}

export interface ReleaseScheduledResult {
  readonly released: number;
  readonly taken: number;
}

export function createReleaseScheduledHandler(deps: ReleaseScheduledDeps) {
  return async (_event: ScheduledEvent, context: Pick<Context, "getRemainingTimeInMillis">): Promise<ReleaseScheduledResult> => {
    // 2. Stop waiting before the timeout.
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), Math.max(0, context.getRemainingTimeInMillis() - TIMEOUT_MARGIN_MS));
    let released = 0;
    let taken = 0;
    try {
      // 1. Everything due within the look-ahead, each at its time; a backlog run after run.
      for (;;) {
        const summary = await releaseDueNotifications(
          { store: deps.store, ...(deps.nowMs ? { nowMs: deps.nowMs } : {}) },
          { lookaheadMs: deps.lookaheadMs ?? SWEEP_LOOKAHEAD_MS, signal: stop.signal },
        );
        released += summary.released.length;
        taken += summary.taken;
        if (!summary.more || stop.signal.aborted) break;
      }
    } finally {
      clearTimeout(timer);
    }
    // 3. What went out.
    if (released > 0 || taken > 0) deps.logger.info("scheduled notifications released", { released, taken });
    return { released, taken };
  };
}
