/**
 * Scheduled notifications on the laptop: timer ─▶ release-due-notifications ─▶ notifications table
 * ─▶ its stream poller ─▶ stream handler. Runs at start (what fell due while `npm start` was
 * stopped goes out at once) and then every `intervalMs`, looking one interval ahead and waiting
 * inside the run for each sendAt, so a notification goes out at its time, not up to an interval
 * late. Two loops on one table (two runtimes, a restart overlapping) release each one once: the
 * release is a conditional write.
 *
 * @example
 *   const scheduler = startSchedulerLoop({ store: publications, logger, intervalMs: 2_000 });
 *   await scheduler.stop();
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { PublicationStore } from "#domain/ports.ts";
import { releaseDueNotifications, type ReleaseSummary } from "#domain/publish/release-due-notifications.ts";

/** Between runs; each run also releases what falls due before the next. */
export const SCHEDULER_INTERVAL_MS = 2_000;

export interface SchedulerLoopDeps {
  readonly store: Pick<PublicationStore, "due" | "release">;
  readonly logger: Logger;
  readonly intervalMs?: number;
}

export interface SchedulerLoop {
  /** One run now (after the one in flight, if any). */
  runNow(): Promise<ReleaseSummary>;
  /** Stops the timer and any wait for a sendAt; resolves when the run in flight has finished. */
  stop(): Promise<void>;
}

export function startSchedulerLoop(deps: SchedulerLoopDeps): SchedulerLoop {
  const intervalMs = deps.intervalMs ?? SCHEDULER_INTERVAL_MS;
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<ReleaseSummary> = Promise.resolve({ released: [], taken: 0, more: false });

  const run = (): Promise<ReleaseSummary> => {
    running = running
      .catch(() => undefined)
      .then(() => releaseDueNotifications({ store: deps.store }, { lookaheadMs: intervalMs, signal: stopping.signal }));
    return running;
  };
  const tick = async () => {
    if (stopping.signal.aborted) return;
    try {
      const summary = await run();
      if (summary.released.length > 0) deps.logger.info("scheduled notifications released", { count: summary.released.length });
      // A backlog (after a long stop) is taken run after run without waiting for the timer.
      if (summary.more && !stopping.signal.aborted) return void setImmediate(tick);
    } catch (error) {
      // DynamoDB away for a moment: the next run finds the same items still scheduled.
      deps.logger.error("releasing scheduled notifications failed; the next run tries again", { error: error as Error });
    }
    if (!stopping.signal.aborted) timer = setTimeout(tick, intervalMs);
  };
  void tick();

  return {
    runNow: run,
    stop: async () => {
      stopping.abort();
      clearTimeout(timer);
      await running.catch(() => undefined);
    },
  };
}
