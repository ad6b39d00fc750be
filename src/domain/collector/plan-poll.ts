/**
 * Decides what one poll of an account writes, from the stored snapshot and the fresh article list.
 * Pure: the collector use case fetches likers for the increases and performs the writes.
 */
import type { Article, StoredArticle } from "../model.ts";
import type { AccountSnapshot } from "../ports.ts";
import { mergeKnownLikers, newLikers } from "./new-likers.ts";

/** One article to write; `delta` > 0 means its new likers must be fetched first. */
export interface PlannedChange {
  readonly article: Article;
  readonly stored: StoredArticle | undefined;
  /** New count minus stored count (a new article counts from 0). */
  readonly delta: number;
  /** The known likers to diff against, newest first. */
  readonly known: readonly string[];
}

export interface PollPlan {
  /** First poll of the account: write everything silently, then mark the account baselined. */
  readonly baseline: boolean;
  readonly changes: readonly PlannedChange[];
}

export function planPoll(snapshot: AccountSnapshot, fresh: readonly Article[]): PollPlan {
  const changes: PlannedChange[] = [];
  for (const article of fresh) {
    const stored = snapshot.articles.get(article.itemId);
    const changed = !stored || stored.likesCount !== article.likesCount || stored.title !== article.title || stored.url !== article.url;
    // A baseline interrupted half-way already wrote some items: rewriting them would gain nothing.
    if (!changed) continue;
    changes.push({
      article,
      stored,
      delta: snapshot.baselined ? article.likesCount - (stored?.likesCount ?? 0) : 0,
      known: stored?.likers ?? [],
    });
  }
  return { baseline: !snapshot.baselined, changes };
}

/** Whether the change needs the article's likes list: only increases after the baseline. */
export function needsLikers(change: PlannedChange): boolean {
  return change.delta > 0;
}

/**
 * The item to write for one change. `fetched` is the head of the likes list (newest first) for an
 * increase, undefined otherwise. A baseline or decrease names nobody (lastDelta <= 0, lastLikers []).
 */
export function toStoredArticle(
  userId: string,
  change: PlannedChange,
  baseline: boolean,
  fetched: readonly string[] | undefined,
  changedAt: number,
): StoredArticle {
  const { article, known, delta } = change;
  const likers = fetched ? mergeKnownLikers(fetched, known) : [...known];
  return {
    userId,
    itemId: article.itemId,
    title: article.title,
    url: article.url,
    likesCount: article.likesCount,
    likers,
    lastLikers: fetched ? newLikers(fetched, known, delta) : [],
    lastDelta: delta,
    changedAt,
    ...(baseline ? { baseline: true } : {}),
  };
}
