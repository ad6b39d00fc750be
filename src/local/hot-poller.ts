/**
 * Hot polls on the laptop (issue 11): while the watched writer has a live connection, the first
 * page of their articles is read on the rhythm nextHotPoll decides; with none, nothing is read.
 *   presence (connections byUser) ─▶ [hot poller] ─▶ lease ─▶ collect-account (first page) ─▶ stream
 * The full sweeps stay with the collector loop on POLL_INTERVAL_SECONDS. Both share the source (its
 * rate state) and the conditional writes, so a like seen by both is written, and notified, once.
 *
 * @example
 *   const hot = startHotPoller({ source, store, lease, connections, userId: () => "alice",
 *     budget: DEFAULT_HOT_POLL_BUDGET, bounds: { minMs: 5_000, maxMs: 60_000 }, sweepIntervalMs: 60_000, logger });
 *   await hot.stop();
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { type CollectSummary, collectAccount, type RequestCounting } from "#domain/collector/collect-account.ts";
import {
  type BudgetReporting,
  type HotPollBounds,
  type HotPollBudget,
  nextHotPoll,
  sweepRequestsPerHour,
} from "#domain/collector/hot-poll.ts";
import { PollPause } from "#domain/collector/poll-pause.ts";
import { SourceRateLimitedError } from "#domain/collector/source-rate-limited-error.ts";
import type { ArticleSource, ArticleStore, ConnectionStore, HotPollLease } from "#domain/ports.ts";

export interface HotPollerDeps {
  readonly source: ArticleSource & Partial<RequestCounting & BudgetReporting>;
  readonly store: ArticleStore;
  readonly lease: HotPollLease;
  readonly connections: Pick<ConnectionStore, "listByUser">;
  /** The watched writer; undefined until the source first answered. */
  readonly userId: () => string | undefined;
  readonly budget: HotPollBudget;
  readonly bounds: HotPollBounds;
  /** The full sweeps' interval, for their share of the budget. */
  readonly sweepIntervalMs: number;
  readonly logger: Logger;
  /** Epoch ms. */
  readonly now?: () => number;
}

export interface HotPoller {
  /** Hot polls made (lease taken, first page read) since the start. */
  polls(): number;
  stop(): Promise<void>;
}

/** The cost of a hot poll is averaged over this many polls (1 request plus its likers lookups). */
const COST_WINDOW = 20;

export function startHotPoller(deps: HotPollerDeps): HotPoller {
  const { source, logger, bounds } = deps;
  const now = deps.now ?? Date.now;
  // Presence is looked at this often while waiting, so polls start and stop within one interval.
  const presenceCheckMs = bounds.minMs;
  const pause = new PollPause();
  const costs: number[] = [];
  let dueAt = 0;
  let polls = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const decide = (at: number) =>
    nextHotPoll({
      now: at,
      budget: deps.budget,
      sweepRequestsPerHour: sweepRequestsPerHour(source.articleTotal?.() ?? 0, deps.sweepIntervalMs),
      requestsPerHotPoll: costs.length ? costs.reduce((a, b) => a + b, 0) / costs.length : 1,
      rate: source.rateState?.() ?? {},
      bounds,
    });

  const present = async (userId: string) => (await deps.connections.listByUser(userId, Math.floor(now() / 1000))).length > 0;

  const pollFirstPage = async (userId: string): Promise<CollectSummary> => {
    const summary = await collectAccount({ source, store: deps.store, pause, now, scope: "first-page" });
    costs.push(Math.max(1, summary.qiitaRequests));
    if (costs.length > COST_WINDOW) costs.shift();
    logger.debug("hot poll", { ...summary, userId });
    return summary;
  };

  /** One step: returns when to look again. */
  const step = async (): Promise<number> => {
    const userId = deps.userId();
    if (deps.budget.share <= 0 || !userId || !(await present(userId))) return presenceCheckMs;
    const at = now();
    if (at < dueAt) return Math.min(dueAt - at, presenceCheckMs);
    const decision = decide(at);
    dueAt = at + decision.delayMs;
    if (!decision.poll || decision.reason === "rate-limited") return Math.min(decision.delayMs, presenceCheckMs);
    // Another poller of the same account (a second runtime on these tables, a Lambda) may hold it.
    if (await deps.lease.take(userId, at, dueAt)) {
      polls++;
      try {
        const { skippedUntil } = await pollFirstPage(userId);
        // A refusal: nothing more until the reset (the rate state says so too, when the source has one).
        if (skippedUntil !== undefined) dueAt = Math.max(dueAt, skippedUntil);
      } catch (error) {
        // The collector loop reports the source's health; here a failure only slows hot polls down.
        if (!(error instanceof SourceRateLimitedError)) dueAt = now() + bounds.maxMs;
        logger.debug("hot poll failed", { error: error as Error });
      }
    }
    return Math.min(Math.max(0, dueAt - now()), presenceCheckMs);
  };

  const loop = () => {
    if (stopped) return;
    running = step()
      .catch((error: unknown) => {
        logger.warn("hot poll step failed", { error: error as Error });
        return presenceCheckMs;
      })
      .then((waitMs) => {
        running = undefined;
        if (!stopped) timer = setTimeout(loop, waitMs);
      });
  };
  loop();

  return {
    polls: () => polls,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
