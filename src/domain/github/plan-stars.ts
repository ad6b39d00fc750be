/**
 * Decides what one poll of a GitHub account writes, from the stored snapshot and the repositories
 * on the pages that changed. Pure: the use case fetches stargazers for the increases and writes.
 */
import { mergeKnownLikers, newLikers } from "../collector/new-likers.ts";
import type { Repository, RepositorySnapshot, StoredRepository } from "./repository.ts";

/** One repository to write; `delta` > 0 means its new stargazers must be fetched first. */
export interface PlannedStarChange {
  readonly repository: Repository;
  readonly stored: StoredRepository | undefined;
  /** New count minus stored count (a repository first seen counts from 0); 0 in a baseline. */
  readonly delta: number;
  /** The known stargazers to diff against, newest first. */
  readonly known: readonly string[];
}

export interface StarPlan {
  /** First poll of the account: write everything silently, then mark the account baselined. */
  readonly baseline: boolean;
  readonly changes: readonly PlannedStarChange[];
}

export function planStars(snapshot: RepositorySnapshot, fresh: readonly Repository[]): StarPlan {
  const changes: PlannedStarChange[] = [];
  for (const repository of fresh) {
    const stored = snapshot.repositories.get(repository.repo);
    // A page answers 200 when any repository on it changed (a push moves pushed_at): only star counts and urls matter here.
    if (stored && stored.stargazersCount === repository.stargazersCount && stored.url === repository.url) continue;
    changes.push({ repository, stored, delta: deltaOf(snapshot, repository, stored), known: stored?.stargazers ?? [] });
  }
  return { baseline: !snapshot.baselined, changes };
}

/**
 * New stars: the count's rise; none in a baseline. A repository first seen after the baseline
 * counts from 0 when it was created after the baseline too; one created before it (renamed, or
 * transferred to the user) brings stars that are not new: 0, written silently.
 */
function deltaOf(snapshot: RepositorySnapshot, repository: Repository, stored: StoredRepository | undefined): number {
  if (!snapshot.baselined) return 0;
  if (stored) return repository.stargazersCount - stored.stargazersCount;
  const older = repository.createdAt !== undefined && snapshot.baselinedAt !== undefined && repository.createdAt < snapshot.baselinedAt;
  return older ? 0 : repository.stargazersCount;
}

/**
 * The item to write for one change. `fetched` is the head of the stargazers (newest first) for an
 * increase, undefined otherwise. A baseline or an unstar names nobody (lastStargazers []).
 */
export function toStoredRepository(
  userId: string,
  change: PlannedStarChange,
  baseline: boolean,
  fetched: readonly string[] | undefined,
  changedAt: number,
): StoredRepository {
  const { repository, known, delta } = change;
  return {
    userId,
    repo: repository.repo,
    url: repository.url,
    stargazersCount: repository.stargazersCount,
    stargazers: fetched ? mergeKnownLikers(fetched, known) : [...known],
    lastStargazers: fetched ? newLikers(fetched, known, delta) : [],
    lastDelta: delta,
    changedAt,
    ...(baseline ? { baseline: true as const } : {}),
  };
}
