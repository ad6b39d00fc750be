/**
 * What a failed poll says about its source's health, as the deployed collector records it: a rate
 * limit (until its reset), a refused token (retrying soon will not help), an unreachable source or
 * a strange answer. Anything else (DynamoDB, a setting) is not the source's health: undefined, so
 * the failure is logged and the status stays as it was. The laptop's loops read errors the same way.
 *
 * @example
 *   qiitaOutcomeOf(new QiitaUnavailableError("connect ECONNREFUSED")); // { kind: "failed", message }
 */
import { SourceRateLimitedError } from "#domain/collector/source-rate-limited-error.ts";
import type { PollOutcome } from "#domain/collector/source-health.ts";
import { GitHubAuthError, GitHubResponseError, GitHubUnavailableError } from "./github/github-errors.ts";
import { QiitaAuthError, QiitaResponseError, QiitaUnavailableError } from "./qiita/qiita-errors.ts";

/** Any error class, whatever its constructor's arguments. */
type ErrorClass = new (...args: never[]) => Error;

function outcomeOf(error: unknown, auth: ErrorClass, down: readonly ErrorClass[]): PollOutcome | undefined {
  if (error instanceof SourceRateLimitedError) return { kind: "rate-limited", until: error.resetAt, message: error.message };
  if (error instanceof auth) return { kind: "failed", message: error.message, lasting: true };
  if (down.some((kind) => error instanceof kind)) return { kind: "failed", message: (error as Error).message };
  return undefined;
}

export const qiitaOutcomeOf = (error: unknown) => outcomeOf(error, QiitaAuthError, [QiitaUnavailableError, QiitaResponseError]);

export const githubOutcomeOf = (error: unknown) => outcomeOf(error, GitHubAuthError, [GitHubUnavailableError, GitHubResponseError]);
