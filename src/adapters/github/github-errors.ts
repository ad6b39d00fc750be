/** Why a GitHub REST API call failed, each with what to do about it. */
import { SourceRateLimitedError } from "#domain/collector/source-rate-limited-error.ts";

/** 401 (or a 403 that is not a rate limit): the token is wrong, expired or revoked. */
export class GitHubAuthError extends Error {
  constructor(
    readonly status: number,
    detail = "Bad credentials",
  ) {
    super(
      `GitHub refused the token (HTTP ${status}: ${detail}). Check GITHUB_TOKEN (deployed: the github-token parameter): ` +
        "create a personal access token at https://github.com/settings/tokens (public repositories need no scope) and set it there.",
    );
    this.name = "GitHubAuthError";
  }
}

/** Which of GitHub's limits refused: the hourly budget, or a secondary limit (too fast, too many at once). */
export type GitHubLimit = "primary" | "secondary";

/** 403/429 past a limit, or a request held back because the budget is spent until its reset. */
export class GitHubRateLimitError extends SourceRateLimitedError {
  constructor(
    resetAt: number,
    readonly limit: GitHubLimit,
    readonly status?: number,
  ) {
    super(
      resetAt,
      `GitHub's ${limit === "primary" ? "hourly rate limit is spent" : "secondary rate limit asks to wait"} until ` +
        `${new Date(resetAt).toISOString()}${status ? ` (HTTP ${status})` : ""}; GitHub polls resume then (Qiita's go on), nothing is lost.`,
    );
    this.name = "GitHubRateLimitError";
  }
}

/** 5xx, a timeout or a network failure: try again on the next poll. */
export class GitHubUnavailableError extends Error {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(
      `GitHub is unavailable (${detail}); the next poll tries again. If it persists, check GITHUB_API_BASE_URL and https://www.githubstatus.com.`,
      options,
    );
    this.name = "GitHubUnavailableError";
  }
}

/** An answer that is not what the REST API documents (a missing field, a short page, an odd status). */
export class GitHubResponseError extends Error {
  constructor(
    detail: string,
    options?: { cause?: unknown },
    /** The HTTP status, when the answer had one. */
    readonly status?: number,
  ) {
    super(
      `GitHub answered something unexpected: ${detail}. Nothing was written this poll; if it persists, check that GITHUB_API_BASE_URL points at the GitHub REST API.`,
      options,
    );
    this.name = "GitHubResponseError";
  }
}
