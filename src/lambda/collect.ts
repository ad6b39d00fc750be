/**
 * Lambda entry of the collector's schedule: Qiita's accounts (src/handlers/collect.handler.ts)
 * and, beside them, the GitHub token's stars (src/handlers/collect-stars.handler.ts). The stars
 * never fail the invocation: the errors alarm stays about Qiita's outages, GitHub's are logged.
 * Each source's health goes to the accounts' `#account` items when it changes ($default's status frames).
 */
import type { ScheduledEvent } from "aws-lambda";
import { githubOutcomeOf, qiitaOutcomeOf } from "#adapters/poll-outcome.ts";
import { type Account, readAccounts, readGitHubLogins, readGitHubToken } from "#adapters/secrets/deployed-settings.ts";
import { createCollectHandler } from "#handlers/collect.handler.ts";
import { createCollectStarsHandler } from "#handlers/collect-stars.handler.ts";
import {
  articles,
  collectSettings,
  githubClientFor,
  logger,
  metrics,
  qiitaClientFor,
  repositories,
  sourceHealth,
} from "./deployed-dependencies.ts";

const { retryBackoff } = collectSettings();

const collectLikes = createCollectHandler<Account>({
  accounts: readAccounts,
  sourceFor: qiitaClientFor,
  store: articles,
  logger,
  metrics,
  health: sourceHealth,
  outcomeOf: qiitaOutcomeOf,
  backoff: retryBackoff,
});

const collectStars = createCollectStarsHandler({
  token: readGitHubToken,
  logins: readGitHubLogins,
  sourceFor: githubClientFor,
  store: repositories,
  logger,
  health: sourceHealth,
  outcomeOf: githubOutcomeOf,
  backoff: retryBackoff,
});

export const handler = async (event?: ScheduledEvent) => {
  const [likes, stars] = await Promise.all([collectLikes(event).catch((error: unknown) => error), collectStars()]);
  if (likes instanceof Error) throw likes;
  return { likes, stars };
};
