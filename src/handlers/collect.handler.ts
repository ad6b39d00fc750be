/**
 * schedule ─▶ [collect] ─▶ articles table (changed articles only).
 * Polls every configured account; one account failing (bad token, Qiita down) does not stop the
 * others. Fails the invocation only when every account failed, so the errors alarm sees outages.
 * With `health` (deployed), each account's Qiita health is kept on its `#account` item, written only
 * when it says something new (healthToRecord), for $default's status frames.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { ScheduledEvent } from "aws-lambda";
import { collectAccount, type CollectSummary, type RequestCounting } from "#domain/collector/collect-account.ts";
import { PollPause } from "#domain/collector/poll-pause.ts";
import {
  type Backoff,
  healthToRecord,
  type PollOutcome,
  rateLimitMessage,
  type SourceHealthStore,
} from "#domain/collector/source-health.ts";
import type { ArticleSource, ArticleStore } from "#domain/ports.ts";

export interface CollectHandlerDeps<A extends { readonly userId: string }> {
  accounts(): Promise<readonly A[]>;
  /** Called every invocation: return the same source for the same account to keep its rate state. */
  sourceFor(account: A): ArticleSource & Partial<RequestCounting>;
  readonly store: ArticleStore;
  readonly pause?: PollPause;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly now?: () => number;
  /**
   * Told each account's poll outcome. Returns true when it reports a failure itself (the local
   * runtime logs a source's health once per change of state): such failures and rate-limit skips
   * are then not logged per poll. Without it, every failure is logged (CloudWatch, deployed).
   */
  readonly onPolled?: (account: A, outcome: { readonly summary: CollectSummary } | { readonly error: unknown }) => boolean;
  /** Deployed: where each account's Qiita health is kept between invocations; absent, none is kept. */
  readonly health?: SourceHealthStore;
  /** What a failed poll says about Qiita's health; undefined (a failure that is not Qiita's) records nothing. */
  readonly outcomeOf?: (error: unknown) => PollOutcome | undefined;
  /** The failing state's retry plan; deployed, the schedule's interval (the next run is the next try). */
  readonly backoff?: Backoff;
}

const SOURCE_NAME = "qiita";

export type CollectResult = CollectSummary | { readonly userId: string; readonly error: string };

export function createCollectHandler<A extends { readonly userId: string }>(deps: CollectHandlerDeps<A>) {
  const pause = deps.pause ?? new PollPause();
  const now = deps.now ?? Date.now;
  /**
   * Reads the stored health (one GetItem: read every run, so an instance never trusts what another
   * has changed since) and writes it only when it says something new. Never fails the poll.
   */
  const record = async (userId: string, outcome: PollOutcome | undefined) => {
    const store = deps.health;
    if (!store || !outcome) return;
    try {
      const { health, write } = healthToRecord(await store.read(SOURCE_NAME, userId), SOURCE_NAME, outcome, now(), deps.backoff);
      if (write) await store.write(SOURCE_NAME, userId, health);
    } catch (error) {
      deps.logger.warn("Qiita's health not recorded", { userId, error: error as Error });
    }
  };
  return async (_event?: ScheduledEvent): Promise<CollectResult[]> => {
    const { logger, metrics } = deps;
    const accounts = await deps.accounts();
    const results = await Promise.all(
      accounts.map(async (account): Promise<CollectResult> => {
        try {
          const summary = await collectAccount({
            source: deps.sourceFor(account),
            store: deps.store,
            pause,
            ...(deps.now ? { now: deps.now } : {}),
          });
          const reported = deps.onPolled?.(account, { summary }) ?? false;
          const until = summary.skippedUntil;
          await record(
            account.userId,
            until === undefined ? { kind: "ok" } : { kind: "rate-limited", until, message: rateLimitMessage(SOURCE_NAME, until) },
          );
          if (summary.skippedUntil === undefined) {
            logger.info("account polled", { ...summary });
          } else if (!reported) {
            logger.warn("Qiita rate limit: account paused", {
              userId: summary.userId,
              until: new Date(summary.skippedUntil).toISOString(),
            });
          }
          return summary;
        } catch (error) {
          // The error's message says what to fix (QIITA_TOKEN, QIITA_BASE_URL…); tokens never reach it.
          if (!deps.onPolled?.(account, { error })) logger.error("account poll failed", { userId: account.userId, error: error as Error });
          await record(account.userId, deps.outcomeOf?.(error));
          return { userId: account.userId, error: (error as Error).message };
        }
      }),
    );
    const summaries = results.filter((r): r is CollectSummary => !("error" in r));
    const sum = (pick: (s: CollectSummary) => number) => summaries.reduce((total, s) => total + pick(s), 0);
    metrics.addMetric(
      "ArticlesWritten",
      MetricUnit.Count,
      sum((s) => s.written),
    );
    metrics.addMetric(
      "WriteConflicts",
      MetricUnit.Count,
      sum((s) => s.conflicts),
    );
    metrics.addMetric(
      "QiitaRequests",
      MetricUnit.Count,
      sum((s) => s.qiitaRequests),
    );
    metrics.addMetric("AccountsRateLimited", MetricUnit.Count, summaries.filter((s) => s.skippedUntil).length);
    metrics.addMetric("AccountsFailed", MetricUnit.Count, results.length - summaries.length);
    metrics.publishStoredMetrics();
    if (results.length > 0 && summaries.length === 0) {
      throw new Error(`Every account's poll failed (${results.length}); see the logged errors for what to fix.`);
    }
    return results;
  };
}
