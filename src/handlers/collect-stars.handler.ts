/**
 * schedule ─▶ [collect-stars] ─▶ repositories table (changed repositories only), deployed.
 * Reads the GitHub token, asks whose it is (GET /user, once per instance), finds the user that
 * login's stars go to in the accounts setting, and polls. Never throws: the collector's own Qiita
 * polls share the invocation, and a GitHub problem must not fail them; it is logged instead.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { RequestCounting } from "#domain/collector/collect-account.ts";
import { PollPause } from "#domain/collector/poll-pause.ts";
import { type CollectStarsSummary, collectStars } from "#domain/github/collect-stars.ts";
import type { RepositorySource, RepositoryStore } from "#domain/ports.ts";

export interface CollectStarsHandlerDeps {
  /** The GitHub token; undefined: stars are not set up, nothing is polled. */
  token(): Promise<string | undefined>;
  /** GitHub login (lower case) → the user its stars go to. */
  logins(): Promise<ReadonlyMap<string, string>>;
  /** Return the same source for the same token, to keep its rate state and login. */
  sourceFor(token: string): RepositorySource & Partial<RequestCounting>;
  readonly store: RepositoryStore;
  /** No custom metrics of its own: each would add $0.30 a month with detailedMonitoring; the summary is logged instead. */
  readonly logger: Logger;
  readonly pause?: PollPause;
  readonly now?: () => number;
}

export type CollectStarsResult = CollectStarsSummary | { readonly skipped: string } | { readonly error: string };

export function createCollectStarsHandler(deps: CollectStarsHandlerDeps) {
  // GitHub's own pause: a GitHub limit never holds back Qiita's accounts.
  const pause = deps.pause ?? new PollPause();
  return async (): Promise<CollectStarsResult> => {
    const { logger } = deps;
    try {
      const token = await deps.token();
      if (!token) return { skipped: "no GitHub token" };
      const source = deps.sourceFor(token);
      const login = await source.login();
      const userId = (await deps.logins()).get(login.toLowerCase());
      if (!userId) {
        const skipped = `GitHub login "${login}" is in no account: add "githubLogin":"${login}" to the account its stars go to in the qiita-accounts parameter.`;
        logger.error(skipped);
        return { skipped };
      }
      const summary = await collectStars({ userId, source, store: deps.store, pause, ...(deps.now ? { now: deps.now } : {}) });
      if (summary.skippedUntil !== undefined) {
        logger.warn("GitHub rate limit: stars paused", { userId, until: new Date(summary.skippedUntil).toISOString() });
      } else if (!summary.notModified) {
        logger.info("github polled", { ...summary });
      }
      return summary;
    } catch (error) {
      // The error's message says what to fix (the github-token parameter, GitHub's status); the token never reaches it.
      logger.error("github poll failed", { error: error as Error });
      return { error: (error as Error).message };
    }
  };
}
