/**
 * one-time schedule `release-<id>` (EventBridge Scheduler, set by the publish function) ─▶
 * [release-scheduled] ─▶ notifications table (scheduled → due) ─▶ its stream ─▶ stream handler.
 * 1. An event `{"id"}` (the schedule's input) releases that one notification: read it; nothing to
 *    do when it is unknown (its write never happened), cancelled or released already.
 * 2. Woken before its sendAt (the schedule's time is sendAt rounded down to the second), wait until
 *    sendAt, at most MAX_EARLY_WAIT_MS; woken earlier than that, fail without releasing (the item
 *    stays scheduled, Lambda tries the event again, the errors alarm tells someone).
 * 3. Release it by ONE conditional write, scheduled → due: whoever runs it, twice or at once, the
 *    stream sees one release and delivers once.
 * 4. Any other event (`{}`, invoked by hand: nothing runs it on a schedule) sweeps the due index as
 *    the laptop's loop does, releasing what is due by now: notifications scheduled before one-time
 *    schedules were deployed, or whose alarm was lost. Stops in time to return before the timeout.
 * 5. Log what was released; a failure fails the invocation (the errors alarm, Lambda's retries).
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Context } from "aws-lambda";
import type { PublicationStore } from "#domain/ports.ts";
import { releaseDueNotifications } from "#domain/publish/release-due-notifications.ts";

/** The longest an early alarm waits for its sendAt: it is rounded down by under a second, and Scheduler is never seconds early. */
export const MAX_EARLY_WAIT_MS = 5_000;
/** Kept free before the timeout to finish the releases in flight and return. */
export const TIMEOUT_MARGIN_MS = 10_000;
/** A notification id as published: 40 digits (event-id.ts). */
const NOTIFICATION_ID = /^\d{40}$/;

/** What a one-time schedule sends: its Target.Input. */
export interface ReleaseOneEvent {
  readonly id: string;
}

export interface ReleaseScheduledDeps {
  readonly store: Pick<PublicationStore, "due" | "release" | "get">;
  readonly logger: Logger;
  readonly nowMs?: () => number;
  /** The sweep's look-ahead (4.); default 0: only what is due. */
  readonly lookaheadMs?: number;
  /** Waits `ms` (tests may pass a fake clock's). */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface ReleaseScheduledResult {
  readonly released: number;
  /** Found not scheduled any more (released already, cancelled) or never written. */
  readonly taken: number;
}

export function createReleaseScheduledHandler(deps: ReleaseScheduledDeps) {
  const now = deps.nowMs ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  async function releaseOne(id: string): Promise<ReleaseScheduledResult> {
    // 1. What the alarm is for.
    const stored = await deps.store.get(id);
    if (stored?.status !== "scheduled" || stored.sendAt === undefined) {
      deps.logger.info("nothing to release", { id, status: stored?.status ?? "unknown" });
      return { released: 0, taken: 1 };
    }
    // 2. Never before sendAt.
    const sendAtMs = Date.parse(stored.sendAt);
    const early = sendAtMs - now();
    if (early > MAX_EARLY_WAIT_MS) {
      throw new Error(`release of ${id} woken ${early} ms before its sendAt ${stored.sendAt}: left scheduled, not released early`);
    }
    while (now() < sendAtMs) await sleep(sendAtMs - now());
    // 3. The conditional release.
    const released = await deps.store.release(id, now());
    if (released) deps.logger.info("scheduled notification released", { id, sendAt: stored.sendAt });
    else deps.logger.info("nothing to release", { id, status: "taken meanwhile" });
    return released ? { released: 1, taken: 0 } : { released: 0, taken: 1 };
  }

  async function sweep(context: Pick<Context, "getRemainingTimeInMillis">): Promise<ReleaseScheduledResult> {
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), Math.max(0, context.getRemainingTimeInMillis() - TIMEOUT_MARGIN_MS));
    let released = 0;
    let taken = 0;
    try {
      for (;;) {
        const summary = await releaseDueNotifications(
          { store: deps.store, nowMs: now },
          { lookaheadMs: deps.lookaheadMs ?? 0, signal: stop.signal },
        );
        released += summary.released.length;
        taken += summary.taken;
        if (!summary.more || stop.signal.aborted) break;
      }
    } finally {
      clearTimeout(timer);
    }
    // 5. What went out.
    deps.logger.info("due index swept", { released, taken });
    return { released, taken };
  }

  return async (event: unknown, context: Pick<Context, "getRemainingTimeInMillis">): Promise<ReleaseScheduledResult> => {
    const id = typeof event === "object" && event !== null && "id" in event ? (event as { id: unknown }).id : undefined;
    if (id === undefined) return sweep(context);
    if (typeof id !== "string" || !NOTIFICATION_ID.test(id)) {
      throw new Error(`release event's id ${JSON.stringify(id)} is not a notification id (40 digits): expected {"id": ID} or {} to sweep`);
    }
    return releaseOne(id);
  };
}
