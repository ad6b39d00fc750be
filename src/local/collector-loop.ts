/**
 * The collector on the laptop: timer ─▶ collect handler ─▶ source health ─▶ status frames.
 * Polls the watched account every interval while its source is ok; while the source fails, polls
 * again at the health's `retryAt` (5 s, 10 s … 5 min; a rate limit's reset). Each change is posted
 * to the writer's open tabs as a status frame, and said in ONE console line per change of state,
 * not per poll. A source unreachable at start is just failing: the writer's id is asked again
 * before each poll until the source answers.
 *
 * @example
 *   const loop = createCollectorLoop({ source, store, connections, poster, logger, metrics, intervalMs: 60_000, notice: console.log });
 *   await loop.start(); // rejects only for a refused token
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import { QiitaAuthError, QiitaResponseError, QiitaUnavailableError } from "#adapters/qiita/qiita-errors.ts";
import type { RequestCounting } from "#domain/collector/collect-account.ts";
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
import type { ArticleSource, ArticleStore, ConnectionStore, FramePoster } from "#domain/ports.ts";
import { type CollectResult, createCollectHandler } from "#handlers/collect.handler.ts";

export interface CollectorLoopDeps {
  readonly source: ArticleSource & Partial<RequestCounting>;
  readonly store: ArticleStore;
  readonly connections: ConnectionStore;
  readonly poster: FramePoster;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Between polls while the source is ok. */
  readonly intervalMs: number;
  /** One human line per change of state (npm start prints it). */
  readonly notice: (line: string) => void;
  readonly backoff?: Backoff;
  /** The other sources' statuses (GitHub's), so a status frame carries them all: the page shows what a frame lists. */
  readonly others?: () => readonly SourceStatus[];
}

export interface CollectorLoop {
  /** The watched writer; undefined until the source first answered. */
  userId(): string | undefined;
  health(): SourceHealth;
  /** What a status frame carries, for any of the runtime's users. */
  statuses(userId: string): Promise<readonly SourceStatus[]>;
  /**
   * Finds the writer, polls once and starts the timer. Rejects only when the source refuses the
   * token (QiitaAuthError): nothing would ever work. An unreachable source is reported and retried.
   */
  start(): Promise<void>;
  /** One poll now (never two at once); the timer then plans the next one from the health. */
  collectNow(): Promise<CollectResult[]>;
  stop(): Promise<void>;
}

const SOURCE_NAME = "qiita";

export function createCollectorLoop(deps: CollectorLoopDeps): CollectorLoop {
  const { source, logger, notice } = deps;
  const backoff = deps.backoff ?? DEFAULT_BACKOFF;
  let health = initialHealth(SOURCE_NAME, Date.now());
  let userId: string | undefined;
  let polling: Promise<CollectResult[]> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const sending = new Set<Promise<void>>();

  const tellTabs = (user: string) => {
    const frame = statusFrame([sourceStatus(health), ...(deps.others?.() ?? [])]);
    const send = (async () => {
      for (const connectionId of await deps.connections.listByUser(user, Math.floor(Date.now() / 1000))) {
        if ((await deps.poster.post(connectionId, frame)) === "gone") await deps.connections.remove(connectionId);
      }
    })()
      .catch((error: unknown) => logger.warn("status frame not sent", { error: error as Error }))
      .finally(() => sending.delete(send));
    sending.add(send);
  };

  /** Feeds one outcome to the health; `line` replaces the usual console line of a change. */
  const report = (outcome: PollOutcome, line?: string) => {
    const step = nextHealth(health, outcome, Date.now(), backoff);
    health = step.health;
    if (step.changed === "state") notice(line ?? changeLine(health));
    if (step.changed && userId) tellTabs(userId);
  };

  /** A failure of the source, said in its own words with the wait it leads to. */
  const reportFailure = (error: unknown, outcome: PollOutcome, wording = (line: string) => line) =>
    report(outcome, wording(failureLine(error, nextHealth(health, outcome, Date.now(), backoff).health)));

  /** The writer's id, asked of the source until it answers; undefined (reported) while it fails. */
  const resolveUser = async (): Promise<string | undefined> => {
    if (userId) return userId;
    try {
      userId = await source.userId();
    } catch (error) {
      const outcome = outcomeOf(error);
      if (!outcome) throw error;
      reportFailure(error, outcome);
      return undefined;
    }
    notice(`Qiita answered: watching writer "${userId}" (a token for it: npm run --silent token -- ${userId})`);
    return userId;
  };

  const collect = createCollectHandler({
    accounts: async () => {
      const user = await resolveUser();
      return user ? [{ userId: user }] : [];
    },
    sourceFor: () => source,
    store: deps.store,
    logger,
    metrics: deps.metrics,
    onPolled: (_account, result) => {
      if ("summary" in result) {
        const until = result.summary.skippedUntil;
        report(
          until === undefined
            ? { kind: "ok" }
            : {
                kind: "rate-limited",
                until,
                message: rateLimitMessage(SOURCE_NAME, until),
              },
        );
        return true;
      }
      const outcome = outcomeOf(result.error);
      if (!outcome) return false;
      reportFailure(result.error, outcome);
      return true;
    },
  });

  const schedule = () => {
    clearTimeout(timer);
    if (stopped) return;
    const at = health.state === "ok" ? Date.now() + deps.intervalMs : (health.retryAt ?? Date.now() + deps.intervalMs);
    timer = setTimeout(
      () => void collectNow().catch((error: unknown) => logger.debug("poll failed", { error: error as Error })),
      Math.max(0, at - Date.now()),
    );
  };

  const collectNow = () => {
    // Never two polls at once: a slow Qiita answer must not stack polls up.
    polling ??= collect().finally(() => {
      polling = undefined;
      schedule();
    });
    return polling;
  };

  return {
    userId: () => userId,
    health: () => health,
    statuses: async () => [sourceStatus(health)],
    start: async () => {
      try {
        userId = await source.userId();
      } catch (error) {
        // Retrying will not fix a refused token: npm start says what to do and stops.
        if (error instanceof QiitaAuthError) throw error;
        const outcome = outcomeOf(error);
        if (!outcome) throw error;
        reportFailure(error, outcome, (line) => line.replace(/: retrying in/, ": starting anyway; retrying in"));
        schedule();
        return;
      }
      // A first poll that fails was reported (or logged); the timer tries again.
      await collectNow().catch(() => undefined);
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

/** What a failed call says about the source's health; undefined for a failure that is not the source's. */
function outcomeOf(error: unknown): PollOutcome | undefined {
  if (error instanceof SourceRateLimitedError) return { kind: "rate-limited", until: error.resetAt, message: error.message };
  if (error instanceof QiitaAuthError) return { kind: "failed", message: error.message, lasting: true };
  if (error instanceof QiitaUnavailableError || error instanceof QiitaResponseError) return { kind: "failed", message: error.message };
  return undefined;
}

/** "Qiita unreachable (connect ECONNREFUSED 127.0.0.1:9): retrying in 5 s", or the error's own words. */
function failureLine(error: unknown, next: SourceHealth): string {
  const retry = next.retryAt === undefined ? "" : `retrying in ${duration(next.retryAt - Date.now())}`;
  if (error instanceof QiitaUnavailableError) return `Qiita unreachable (${detail(error)}): ${retry}`;
  if (error instanceof SourceRateLimitedError) return (error as Error).message;
  return `${(error as Error).message} (${retry})`;
}

function changeLine(health: SourceHealth): string {
  if (health.state === "ok") return "Qiita answers again: polling as usual.";
  // Its message names the reset time already.
  if (health.state === "rate-limited") return health.message;
  const retry = health.retryAt === undefined ? "" : ` (retrying in ${duration(health.retryAt - Date.now())})`;
  return `${health.message}${retry}`;
}

/** The most telling part of a network failure: the system error code and address when there is one. */
function detail(error: Error): string {
  for (let cause: unknown = error.cause; cause instanceof Error; cause = cause.cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code && !code.startsWith("UND_ERR_SOCKET")) return cause.message.includes(code) ? cause.message : `${code}: ${cause.message}`;
  }
  return /\(([^)]*)\)/.exec(error.message)?.[1] ?? error.message;
}

function duration(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}
