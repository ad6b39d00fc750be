/**
 * Use case: poll one writer's articles.  schedule ─▶ [collect-account] ─▶ articles table ─▶ stream
 *
 * 1. Skip the poll while the account is paused by a rate limit.
 * 2. List every article (all pages) from the source; a hot poll (scope "first-page") lists only
 *    the newest page, so it costs one request whatever the writer's article count.
 * 3. Load what is stored for the account (one query). A hot poll before the baseline stops here:
 *    a baseline of the first page would make every older article look new to the next sweep.
 * 4. Plan: the first poll is a silent baseline; later, only changed articles are written.
 *    Articles missing from a first page are simply not in the plan: they are left as stored.
 * 5. Fetch the new likers of each increase, stopping at the boundary with the known likers.
 * 6. Write each change on the condition that the stored count is still the one read, then mark
 *    the baseline. Every source call happens before the first write, so a source failure writes
 *    nothing and the next poll starts over from the same stored state.
 */
import { createLimiter } from "../concurrency.ts";
import type { Article } from "../model.ts";
import type { ArticleSource, ArticleStore } from "../ports.ts";
import type { FirstPageMemo } from "./first-page-memo.ts";
import { enoughLikers } from "./new-likers.ts";
import { needsLikers, type PlannedChange, planPoll, toStoredArticle } from "./plan-poll.ts";
import type { PollPause } from "./poll-pause.ts";
import { SourceRateLimitedError } from "./source-rate-limited-error.ts";

/** A source that counts the requests it sent (QiitaClient does), for the poll summary. */
export interface RequestCounting {
  requestCount(): number;
}

export interface CollectDeps {
  readonly source: ArticleSource & Partial<RequestCounting>;
  readonly store: ArticleStore;
  readonly pause: PollPause;
  /** Epoch ms. */
  readonly now?: () => number;
  /** Conditional writes in flight at once. */
  readonly writeConcurrency?: number;
  /** "all" (default): a full sweep. "first-page": the newest articles only, for a hot poll. */
  readonly scope?: PollScope;
  /** First-page polls only: skip the Query when the page is the one last confirmed as stored. */
  readonly memo?: FirstPageMemo;
}

export type PollScope = "all" | "first-page";

/** Qiita's page size: what a first page holds when the source cannot list one page alone. */
const FIRST_PAGE_SIZE = 100;

export interface CollectSummary {
  readonly userId: string;
  readonly baseline: boolean;
  readonly written: number;
  /** Writes refused because another collector changed the article first. */
  readonly conflicts: number;
  /** Epoch ms: set when the poll was skipped or stopped by a rate limit. */
  readonly skippedUntil?: number;
  readonly qiitaRequests: number;
  /** A hot poll found no baseline yet: nothing was written; the next full sweep takes it. */
  readonly waitingForBaseline?: true;
}

export async function collectAccount(deps: CollectDeps): Promise<CollectSummary> {
  const { source, store, pause } = deps;
  const now = deps.now ?? Date.now;
  const requestsBefore = source.requestCount?.() ?? 0;
  const requests = () => (source.requestCount?.() ?? 0) - requestsBefore;
  const userId = await source.userId();
  const pausedUntil = pause.pausedUntil(userId, now());
  if (pausedUntil !== undefined) {
    return { userId, baseline: false, written: 0, conflicts: 0, skippedUntil: pausedUntil, qiitaRequests: 0 };
  }

  let writes: { change: PlannedChange; fetched: string[] | undefined }[];
  let baseline = false;
  let listed: Article[] = [];
  try {
    const firstPage = deps.scope === "first-page";
    const articles = !firstPage
      ? await source.listArticles()
      : source.listFirstPage
        ? await source.listFirstPage()
        : (await source.listArticles()).slice(0, FIRST_PAGE_SIZE);
    if (firstPage && deps.memo?.unchanged(userId, articles)) {
      return { userId, baseline: false, written: 0, conflicts: 0, qiitaRequests: requests() };
    }
    const snapshot = await store.load(userId);
    if (firstPage && !snapshot.baselined) {
      return { userId, baseline: false, written: 0, conflicts: 0, qiitaRequests: requests(), waitingForBaseline: true };
    }
    listed = articles;
    const plan = planPoll(snapshot, articles);
    baseline = plan.baseline;
    writes = [];
    for (const change of plan.changes) {
      const fetched = needsLikers(change)
        ? await source.listLikers(change.article.itemId, enoughLikers(change.known, change.delta))
        : undefined;
      writes.push({ change, fetched });
    }
  } catch (error) {
    if (!(error instanceof SourceRateLimitedError)) throw error;
    pause.pause(userId, error.resetAt);
    return { userId, baseline, written: 0, conflicts: 0, skippedUntil: error.resetAt, qiitaRequests: requests() };
  }

  const changedAt = now();
  const limit = createLimiter(deps.writeConcurrency ?? 8);
  const results = await Promise.all(
    writes.map(({ change, fetched }) =>
      limit(() => store.write(toStoredArticle(userId, change, baseline, fetched, changedAt), change.stored?.likesCount)),
    ),
  );
  if (baseline) await store.markBaselined(userId, changedAt);
  const written = results.filter(Boolean).length;
  // Every change went through: the table holds this page. A lost race leaves it to the next poll.
  if (deps.scope === "first-page" && deps.memo) {
    if (written === results.length) deps.memo.confirm(userId, listed);
    else deps.memo.forget(userId);
  }
  return { userId, baseline, written, conflicts: results.length - written, qiitaRequests: requests() };
}
