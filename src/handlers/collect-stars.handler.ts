/**
 * schedule ─▶ [collect-stars] ─▶ repositories table (changed repositories only), deployed.
 * Reads the GitHub token, asks whose it is (GET /user, once per instance), finds the user that
 * login's stars go to in the accounts setting, and polls. Never throws: the collector's own Qiita
 * polls share the invocation, and a GitHub problem must not fail them; it is logged instead.
 * With `health`, GitHub's health is kept on the user's `#account` item in the repositories table,
 * written only when it says something new (healthToRecord), for $default's status frames.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { RequestCounting } from "#domain/collector/collect-account.ts";
import { PollPause } from "#domain/collector/poll-pause.ts";
import {
  type Backoff,
  healthToRecord,
  type PollOutcome,
  rateLimitMessage,
  type SourceHealthStore,
} from "#domain/collector/source-health.ts";
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
  /** Deployed: where GitHub's health is kept between invocations; absent, none is kept. */
  readonly health?: SourceHealthStore;
  /** What a failed poll says about GitHub's health; undefined (a failure that is not GitHub's) records nothing. */
  readonly outcomeOf?: (error: unknown) => PollOutcome | undefined;
  /** The failing state's retry plan; deployed, the schedule's interval. */
  readonly backoff?: Backoff;
}

const SOURCE_NAME = "github";

export type CollectStarsResult = CollectStarsSummary | { readonly skipped: string } | { readonly error: string };

export function createCollectStarsHandler(deps: CollectStarsHandlerDeps) {
  // GitHub's own pause: a GitHub limit never holds back Qiita's accounts.
  const pause = deps.pause ?? new PollPause();
  const now = deps.now ?? Date.now;
  /** As the Qiita collector: read the stored health each run, write only what is new, never throw. */
  const record = async (userId: string | undefined, outcome: PollOutcome | undefined) => {
    const store = deps.health;
    if (!store || !outcome || !userId) return;
    try {
      const { health, write } = healthToRecord(await store.read(SOURCE_NAME, userId), SOURCE_NAME, outcome, now(), deps.backoff);
      if (write) await store.write(SOURCE_NAME, userId, health);
    } catch (error) {
      deps.logger.warn("GitHub's health not recorded", { userId, error: error as Error });
    }
  };
  /**
   * Whose status a failure belongs to when GitHub failed before saying whose token it is: the one
   * account with a GitHub login, if there is exactly one (otherwise nobody's).
   */
  const onlyRecipient = async (): Promise<string | undefined> => {
    const users = new Set((await deps.logins().catch(() => new Map<string, string>())).values());
    return users.size === 1 ? [...users][0] : undefined;
  };
  return async (): Promise<CollectStarsResult> => {
    const { logger } = deps;
    let userId: string | undefined;
    try {
      const token = await deps.token();
      if (!token) return { skipped: "no GitHub token" };
      const source = deps.sourceFor(token);
      const login = await source.login();
      userId = (await deps.logins()).get(login.toLowerCase());
      if (!userId) {
        const skipped = `GitHub login "${login}" is in no account: add "githubLogin":"${login}" to the account its stars go to in the qiita-accounts parameter.`;
        logger.error(skipped);
        return { skipped };
      }
      const summary = await collectStars({ userId, source, store: deps.store, pause, ...(deps.now ? { now: deps.now } : {}) });
      const until = summary.skippedUntil;
      await record(
        userId,
        until === undefined ? { kind: "ok" } : { kind: "rate-limited", until, message: rateLimitMessage(SOURCE_NAME, until) },
      );
      if (summary.skippedUntil !== undefined) {
        logger.warn("GitHub rate limit: stars paused", { userId, until: new Date(summary.skippedUntil).toISOString() });
      } else if (!summary.notModified) {
        logger.info("github polled", { ...summary });
      }
      return summary;
    } catch (error) {
      // The error's message says what to fix (the github-token parameter, GitHub's status); the token never reaches it.
      logger.error("github poll failed", { error: error as Error });
      const outcome = deps.outcomeOf?.(error);
      if (outcome) await record(userId ?? (await onlyRecipient()), outcome);
      return { error: (error as Error).message };
    }
  };
}
