/**
 * Use case: poll one GitHub account's stars.  schedule ─▶ [collect-stars] ─▶ repositories table ─▶ stream
 *
 * 1. Skip the poll while this source is paused by a rate limit (GitHub's pause, never Qiita's).
 * 2. Read what the last listing kept: its pages' ETags and whether the baseline was taken.
 * 3. List the repositories page by page with `If-None-Match`. Every page 304 (GitHub does not
 *    count those against its limit): nothing changed, stop here — no read of the repositories and
 *    no write.
 * 4. Load what is stored (one query) and plan: the first poll is a silent baseline; later only
 *    repositories whose star count or url changed are written; a count that fell (an unstar) is
 *    written and announces nothing.
 * 5. Fetch the new stargazers of each increase, from the newest backwards to the known ones.
 * 6. Write each change on the condition that the stored count is still the one read, then keep
 *    the pages' ETags (with the baseline mark). ETags are kept only after every write went: a
 *    crash or a lost race in between leaves the old ETags, so the next poll reads the change again
 *    instead of hearing 304 about it. Every GitHub call happens before the first write.
 */
import type { RequestCounting } from "../collector/collect-account.ts";
import { enoughLikers } from "../collector/new-likers.ts";
import type { PollPause } from "../collector/poll-pause.ts";
import { SourceRateLimitedError } from "../collector/source-rate-limited-error.ts";
import { createLimiter } from "../concurrency.ts";
import type { RepositorySource, RepositoryStore } from "../ports.ts";
import { type PlannedStarChange, planStars, toStoredRepository } from "./plan-stars.ts";
import type { ListedPage, ReadPage } from "./repository.ts";

export interface CollectStarsDeps {
  /** The live-likes user who receives the stars (locally the served user; deployed, the login's mapping). */
  readonly userId: string;
  readonly source: RepositorySource & Partial<RequestCounting>;
  readonly store: RepositoryStore;
  readonly pause: PollPause;
  /** Epoch ms. */
  readonly now?: () => number;
  /** Conditional writes in flight at once. */
  readonly writeConcurrency?: number;
}

export interface CollectStarsSummary {
  readonly userId: string;
  readonly baseline: boolean;
  /** Every page answered 304: nothing was read from or written to the table beyond the ETags. */
  readonly notModified: boolean;
  readonly written: number;
  /** Writes refused because another collector changed the repository first. */
  readonly conflicts: number;
  /** Epoch ms: set when the poll was skipped or stopped by a rate limit. */
  readonly skippedUntil?: number;
  readonly githubRequests: number;
}

export async function collectStars(deps: CollectStarsDeps): Promise<CollectStarsSummary> {
  const { userId, source, store, pause } = deps;
  const now = deps.now ?? Date.now;
  const requestsBefore = source.requestCount?.() ?? 0;
  const requests = () => (source.requestCount?.() ?? 0) - requestsBefore;
  const nothing = { userId, baseline: false, notModified: false, written: 0, conflicts: 0 };

  // 1. Paused.
  const pausedUntil = pause.pausedUntil(userId, now());
  if (pausedUntil !== undefined) return { ...nothing, skippedUntil: pausedUntil, githubRequests: 0 };

  let pages: ReadPage[];
  let previousPageCount: number;
  let baseline: boolean;
  let writes: { change: PlannedStarChange; fetched: string[] | undefined }[];
  try {
    // 2–3. Conditional listing.
    const listing = await store.listing(userId);
    previousPageCount = listing.pages.length;
    pages = await source.listRepositories(listing.baselined ? listing.pages : []);
    if (listing.baselined && unchanged(listing.pages, pages)) return { ...nothing, notModified: true, githubRequests: requests() };

    // 4. Plan against the stored repositories.
    const snapshot = await store.load(userId);
    const plan = planStars(
      snapshot,
      pages.flatMap((page) => page.repositories ?? []),
    );
    baseline = plan.baseline;

    // 5. New stargazers, before any write.
    writes = [];
    for (const change of plan.changes) {
      const fetched =
        change.delta > 0
          ? await source.listStargazers(change.repository.repo, change.repository.stargazersCount, enoughLikers(change.known, change.delta))
          : undefined;
      writes.push({ change, fetched });
    }
  } catch (error) {
    if (!(error instanceof SourceRateLimitedError)) throw error;
    pause.pause(userId, error.resetAt);
    return { ...nothing, skippedUntil: error.resetAt, githubRequests: requests() };
  }

  // 6. Conditional writes, then the ETags.
  const changedAt = now();
  const limit = createLimiter(deps.writeConcurrency ?? 8);
  const results = await Promise.all(
    writes.map(({ change, fetched }) =>
      limit(() => store.write(toStoredRepository(userId, change, baseline, fetched, changedAt), change.stored?.stargazersCount)),
    ),
  );
  const written = results.filter(Boolean).length;
  if (written === results.length) {
    await store.saveListing(userId, { pages, previousPageCount, ...(baseline ? { baselinedAt: changedAt } : {}) });
  }
  return { userId, baseline, notModified: false, written, conflicts: results.length - written, githubRequests: requests() };
}

/** Whether the listing is the one kept: every page 304, and as many pages as before. */
function unchanged(known: readonly ListedPage[], pages: readonly ReadPage[]): boolean {
  return pages.length === known.length && pages.every((page) => page.repositories === undefined);
}
