/**
 * Daily digests on the laptop: timer ─▶ send-digests ─▶ LINE / e-mail. Runs at start, so a digest
 * whose hour passed while `npm start` was stopped goes out now, then every minute (a digest goes
 * out within a minute of its hour). Runs never overlap; two runtimes on one table still send each
 * notification once (the deliveries ledger's claims).
 *
 * @example
 *   const digests = startDigestLoop({ run: () => sendDigests(deps), logger });
 *   await digests.stop();
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { DigestSummary } from "#domain/digest/send-digests.ts";

/** Between runs: digest hours are whole hours, a minute late is on time. */
export const DIGEST_INTERVAL_MS = 60_000;

export interface DigestLoopDeps {
  /** One run of the use case (sendDigests with the runtime's ports). */
  readonly run: () => Promise<DigestSummary>;
  readonly logger: Logger;
  readonly intervalMs?: number;
}

export interface DigestLoop {
  /** One run now (after the one in flight, if any). */
  runNow(): Promise<DigestSummary>;
  /** Stops the timer; resolves when the run in flight has finished. */
  stop(): Promise<void>;
}

const EMPTY: DigestSummary = { digests: 0, pushes: 0, dropped: 0, problems: [] };

export function startDigestLoop(deps: DigestLoopDeps): DigestLoop {
  const intervalMs = deps.intervalMs ?? DIGEST_INTERVAL_MS;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<DigestSummary> = Promise.resolve(EMPTY);
  // A digest waiting for LINE's monthly limit fails the same way every minute until next month: say it once.
  let said = new Set<string>();

  const report = (summary: DigestSummary): DigestSummary => {
    if (summary.digests > 0) deps.logger.info("daily digests sent", { digests: summary.digests, pushes: summary.pushes });
    if (summary.dropped > 0)
      deps.logger.warn("digest items dropped: their channel is not set up for the user", { dropped: summary.dropped });
    const now = new Set<string>();
    for (const problem of summary.problems) {
      const key = `${problem.channel} ${problem.userId} ${String(problem.error)}`;
      now.add(key);
      if (said.has(key)) continue;
      deps.logger.warn(problem.message, { channel: problem.channel, userId: problem.userId, error: problem.error as Error });
    }
    said = now;
    return summary;
  };
  const run = (): Promise<DigestSummary> => {
    running = running
      .catch(() => EMPTY)
      .then(() => deps.run())
      .then(report);
    return running;
  };
  const tick = async () => {
    if (stopped) return;
    try {
      await run();
    } catch (error) {
      // DynamoDB away for a moment: the next run finds everything still owed.
      deps.logger.error("sending digests failed; the next run tries again", { error: error as Error });
    }
    if (!stopped) timer = setTimeout(tick, intervalMs);
  };
  void tick();

  return {
    runNow: run,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running.catch(() => undefined);
    },
  };
}
