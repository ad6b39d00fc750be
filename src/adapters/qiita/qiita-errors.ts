/** Why a Qiita API v2 call failed, each with what to do about it. */
import { SourceRateLimitedError } from "#domain/collector/source-rate-limited-error.ts";

/** 401 (or a 403 that is not a rate limit): the token is wrong, revoked or lacks a scope. */
export class QiitaAuthError extends Error {
  constructor(readonly status: number) {
    super(
      `Qiita refused the access token (HTTP ${status}). Check QIITA_TOKEN (or the account's qiitaToken ` +
        "in the accounts secret): create a personal access token with the read_qiita scope at " +
        "https://qiita.com/settings/applications and set it there.",
    );
    this.name = "QiitaAuthError";
  }
}

/** 403/429 over the 1000 requests/hour budget, or a request held back because none is left. */
export class QiitaRateLimitError extends SourceRateLimitedError {
  constructor(
    resetAt: number,
    readonly status?: number,
  ) {
    super(
      resetAt,
      `Qiita's rate limit is spent until ${new Date(resetAt).toISOString()}` +
        `${status ? ` (HTTP ${status})` : ""}; polls of this account resume after that, nothing is lost.`,
    );
    this.name = "QiitaRateLimitError";
  }
}

/** 5xx, a timeout or a network failure: try again on the next poll. */
export class QiitaUnavailableError extends Error {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(
      `Qiita is unavailable (${detail}); the next poll tries again. If it persists, check QIITA_BASE_URL and https://status.qiita.com.`,
      options,
    );
    this.name = "QiitaUnavailableError";
  }
}

/** An answer that is not what Qiita API v2 documents (bad JSON, missing field, short page). */
export class QiitaResponseError extends Error {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(
      `Qiita answered something unexpected: ${detail}. Nothing was written this poll; if it persists, check that QIITA_BASE_URL points at a Qiita API v2.`,
      options,
    );
    this.name = "QiitaResponseError";
  }
}
