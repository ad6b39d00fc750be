/**
 * The nouns of the GitHub source (issue 12): a repository as the owner's list shows it, as the
 * repositories table keeps it, and one page of that list as last read (its ETag). Plain data.
 */

/** One repository of the token's user, from `GET /user/repos`. */
export interface Repository {
  /** `OWNER/NAME` (GitHub's `full_name`): the sort key of the repositories table. */
  readonly repo: string;
  /** The repository's page (`html_url`). */
  readonly url: string;
  readonly stargazersCount: number;
  /**
   * Epoch ms the repository was created (`created_at`), when known: a repository first seen after
   * the baseline but created before it was renamed or transferred in, and its stars are not new.
   */
  readonly createdAt?: number;
}

/**
 * A repository as stored. `stargazers` are the known stargazers, newest first (capped like
 * likers); `lastStargazers`/`lastDelta` describe the change this write made, which the stream
 * handler turns into a star frame (src/domain/star-events.ts).
 */
export interface StoredRepository extends Omit<Repository, "createdAt"> {
  readonly userId: string;
  readonly stargazers: readonly string[];
  readonly lastStargazers: readonly string[];
  readonly lastDelta: number;
  /** Epoch ms of the write: the star's time and its event id's. */
  readonly changedAt: number;
  /** Set on items written by the account's first (silent) poll. */
  readonly baseline?: true;
}

/**
 * One page of `GET /user/repos` as last read: its ETag (sent back as `If-None-Match`), the
 * repositories it held (a 304 means exactly these, unchanged) and whether a next page followed.
 */
export interface ListedPage {
  readonly etag: string;
  readonly repos: readonly string[];
  readonly hasNext: boolean;
}

/** A page of the list as just read: unchanged (304) or fresh (200) with its repositories. */
export type ReadPage = ListedPage & { readonly repositories?: readonly Repository[] };

/** What the collector knows of the account before a poll that found a change. */
export interface RepositorySnapshot {
  readonly baselined: boolean;
  /** Epoch ms of the baseline, when taken. */
  readonly baselinedAt?: number;
  readonly repositories: ReadonlyMap<string, StoredRepository>;
}

/** GitHub's page size for the repository and stargazer lists. */
export const GITHUB_PAGE_SIZE = 100;
