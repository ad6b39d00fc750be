/**
 * The GitHub collector on the laptop: timer ─▶ collect-stars ─▶ source health "github" ─▶ status frames.
 * Polls every interval while GitHub is ok (an idle poll is all 304s, free against the limit);
 * while it fails or is rate limited, polls again at the health's `retryAt`. Its health is its own:
 * a GitHub limit pauses GitHub only, Qiita's collector goes on. A status frame carries every
 * source (`others()` gives the rest), and a change of state is said in ONE console line.
 *
 * @example
 *   const loop = createGitHubLoop({ source, store, connections, poster, logger, intervalMs: 60_000, notice: console.log,
 *     recipient: () => qiita.userId(), others: async () => [] });
 *   await loop.start(); // rejects only for a refused token
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { GitHubAuthError, GitHubResponseError, GitHubUnavailableError } from "#adapters/github/github-errors.ts";
import type { RequestCounting } from "#domain/collector/collect-account.ts";
import { PollPause } from "#domain/collector/poll-pause.ts";
import {
  type Backoff,
  DEFAULT_BACKOFF,
  initialHealth,
  nextHealth,
  rateLimitMessage,
  type PollOutcome,
  type SourceHealth,
  sourceStatus,
} from "#domain/collector/source-health.ts";
import { SourceRateLimitedError } from "#domain/collector/source-rate-limited-error.ts";
import { type SourceStatus, statusFrame } from "#domain/frames.ts";
import { type CollectStarsSummary, collectStars } from "#domain/github/collect-stars.ts";
import type { ConnectionStore, FramePoster, RepositorySource, RepositoryStore } from "#domain/ports.ts";

export interface GitHubLoopDeps {
  readonly source: RepositorySource & Partial<RequestCounting>;
  readonly store: RepositoryStore;
  readonly connections: ConnectionStore;
  readonly poster: FramePoster;
  readonly logger: Logger;
  /** Between polls while GitHub is ok. */
  readonly intervalMs: number;
  readonly notice: (line: string) => void;
  /**
   * The live-likes user who receives the stars: the one user npm start serves (the Qiita
   * writer's, the demo's); resolving undefined while not known yet. Absent: the GitHub login itself.
   */
  readonly recipient?: () => string | undefined;
  /** The other sources' statuses, so a status frame carries them all. */
  readonly others?: () => readonly SourceStatus[];
  readonly backoff?: Backoff;
}

export interface GitHubLoop {
  /** The token's GitHub login; undefined until GitHub first answered. */
  login(): string | undefined;
  /** Who receives the stars; undefined until known. */
  userId(): string | undefined;
  health(): SourceHealth;
  /** Finds the login, polls once and starts the timer. Rejects only for a refused token. */
  start(): Promise<void>;
  /** One poll now (never two at once); undefined when the recipient is not known yet or the poll failed. */
  collectNow(): Promise<CollectStarsSummary | undefined>;
  stop(): Promise<void>;
}

export const GITHUB_SOURCE_NAME = "github";

export function createGitHubLoop(deps: GitHubLoopDeps): GitHubLoop {
  const { source, logger, notice } = deps;
  const backoff = deps.backoff ?? DEFAULT_BACKOFF;
  const pause = new PollPause();
  let health = initialHealth(GITHUB_SOURCE_NAME, Date.now());
  let login: string | undefined;
  let polling: Promise<CollectStarsSummary | undefined> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const sending = new Set<Promise<void>>();
  // With a recipient, wait for it (Qiita not answering yet must not send the stars to someone else).
  const userId = () => (deps.recipient ? deps.recipient() : login);

  const tellTabs = (user: string) => {
    const frame = statusFrame([...(deps.others?.() ?? []), sourceStatus(health)]);
    const send = (async () => {
      for (const connectionId of await deps.connections.listByUser(user, Math.floor(Date.now() / 1000))) {
        if ((await deps.poster.post(connectionId, frame)) === "gone") await deps.connections.remove(connectionId);
      }
    })()
      .catch((error: unknown) => logger.warn("status frame not sent", { error: error as Error }))
      .finally(() => sending.delete(send));
    sending.add(send);
  };

  const report = (outcome: PollOutcome) => {
    const step = nextHealth(health, outcome, Date.now(), backoff);
    health = step.health;
    if (step.changed === "state") notice(changeLine(health));
    const user = userId();
    if (step.changed && user) tellTabs(user);
  };

  const poll = async (): Promise<CollectStarsSummary | undefined> => {
    try {
      login ??= await source.login();
      const user = userId();
      if (!user) return undefined;
      const summary = await collectStars({ userId: user, source, store: deps.store, pause });
      const until = summary.skippedUntil;
      report(
        until === undefined
          ? { kind: "ok" }
          : {
              kind: "rate-limited",
              until,
              message: rateLimitMessage(GITHUB_SOURCE_NAME, until),
            },
      );
      if (until === undefined && !summary.notModified) logger.info("github polled", { ...summary });
      return summary;
    } catch (error) {
      const outcome = outcomeOf(error);
      if (!outcome) {
        logger.error("github poll failed", { error: error as Error });
        return undefined;
      }
      report(outcome);
      return undefined;
    }
  };

  const schedule = () => {
    clearTimeout(timer);
    if (stopped) return;
    const at = health.state === "ok" ? Date.now() + deps.intervalMs : (health.retryAt ?? Date.now() + deps.intervalMs);
    timer = setTimeout(() => void collectNow(), Math.max(0, at - Date.now()));
  };

  const collectNow = () => {
    polling ??= poll().finally(() => {
      polling = undefined;
      schedule();
    });
    return polling;
  };

  return {
    login: () => login,
    userId,
    health: () => health,
    start: async () => {
      try {
        login = await source.login();
        notice(
          `GitHub answered: watching the repositories of "${login}" for stars${deps.recipient?.() ? ` (sent to "${deps.recipient()}")` : ""}.`,
        );
      } catch (error) {
        // Retrying will not fix a refused token: npm start says what to do and stops.
        if (error instanceof GitHubAuthError) throw error;
        const outcome = outcomeOf(error);
        if (!outcome) throw error;
        report(outcome);
        schedule();
        return;
      }
      await collectNow();
    },
    collectNow,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await polling?.catch(() => undefined);
      clearTimeout(timer);
      await Promise.all(sending);
    },
  };
}

function outcomeOf(error: unknown): PollOutcome | undefined {
  if (error instanceof SourceRateLimitedError) return { kind: "rate-limited", until: error.resetAt, message: error.message };
  if (error instanceof GitHubAuthError) return { kind: "failed", message: error.message, lasting: true };
  if (error instanceof GitHubUnavailableError || error instanceof GitHubResponseError) return { kind: "failed", message: error.message };
  return undefined;
}

function changeLine(health: SourceHealth): string {
  if (health.state === "ok") return "GitHub answers again: polling for stars as usual.";
  if (health.state === "rate-limited") return health.message;
  const seconds = health.retryAt === undefined ? undefined : Math.max(1, Math.round((health.retryAt - Date.now()) / 1000));
  return `${health.message}${seconds === undefined ? "" : ` (retrying in ${seconds} s)`}`;
}
