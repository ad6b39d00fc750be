/**
 * The health of one article source (Qiita), fed by each poll's outcome: ok, failing (unreachable,
 * a strange answer, a refused token) or rate-limited until its reset. Pure: the caller keeps the
 * value, schedules the next poll at `retryAt` and tells users when `nextHealth` says it changed.
 *
 * @example
 *   let health = initialHealth("qiita", Date.now());
 *   const step = nextHealth(health, { kind: "failed", message: "connect ECONNREFUSED" }, Date.now());
 *   health = step.health; // failing, retryAt 5 s from now
 *   if (step.changed === "state") console.log("Qiita is failing"); // once, not per poll
 */
import type { SourceStatus } from "../frames.ts";

export type SourceState = SourceStatus["state"];

export type PollOutcome =
  | { readonly kind: "ok" }
  /** `lasting`: retrying soon will not help (a refused token): wait the longest backoff. */
  | { readonly kind: "failed"; readonly message: string; readonly lasting?: boolean }
  /** `until`: epoch ms of the source's reset. */
  | { readonly kind: "rate-limited"; readonly until: number; readonly message: string };

export interface SourceHealth {
  readonly name: string;
  readonly state: SourceState;
  /** Epoch ms: when it entered this state. */
  readonly since: number;
  /** Epoch ms of the next try while not ok. */
  readonly retryAt?: number;
  readonly message: string;
  /** Failed polls in a row (the backoff's exponent). */
  readonly failures: number;
}

export interface Backoff {
  readonly baseMs: number;
  readonly capMs: number;
}

/** 5 s, 10 s, 20 s … 5 min: quick to notice a blip, gentle on a long outage. */
export const DEFAULT_BACKOFF: Backoff = { baseMs: 5_000, capMs: 300_000 };

/**
 * "state": the source became ok, failing or rate-limited (log it, tell the tabs);
 * "retry": same state, another try planned (tell the tabs the new time); undefined: nothing new.
 */
export type HealthChange = "state" | "retry" | undefined;

export function initialHealth(name: string, now: number): SourceHealth {
  return { name, state: "ok", since: now, message: "not polled yet", failures: 0 };
}

/** Wait before try `failures + 1` after `failures` failed polls in a row (1 or more). */
export function retryDelayMs(failures: number, backoff: Backoff = DEFAULT_BACKOFF): number {
  return Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 30));
}

export function nextHealth(
  current: SourceHealth,
  outcome: PollOutcome,
  now: number,
  backoff: Backoff = DEFAULT_BACKOFF,
): { readonly health: SourceHealth; readonly changed: HealthChange } {
  const { name } = current;
  let health: SourceHealth;
  switch (outcome.kind) {
    case "ok":
      if (current.state === "ok") return { health: { ...current, message: "ok" }, changed: undefined };
      return { health: { name, state: "ok", since: now, message: "ok", failures: 0 }, changed: "state" };
    case "failed": {
      const failures = current.state === "failing" ? current.failures + 1 : 1;
      const delay = outcome.lasting ? backoff.capMs : retryDelayMs(failures, backoff);
      health = {
        name,
        state: "failing",
        since: current.state === "failing" ? current.since : now,
        retryAt: now + delay,
        message: outcome.message,
        failures,
      };
      break;
    }
    case "rate-limited":
      health = {
        name,
        state: "rate-limited",
        since: current.state === "rate-limited" ? current.since : now,
        retryAt: Math.max(outcome.until, now),
        message: outcome.message,
        failures: 0,
      };
      break;
  }
  if (health.state !== current.state) return { health, changed: "state" };
  return { health, changed: health.retryAt !== current.retryAt || health.message !== current.message ? "retry" : undefined };
}

/** The wire shape of a health (ISO times), for the status frame. */
export function sourceStatus(health: SourceHealth): SourceStatus {
  return {
    name: health.name,
    state: health.state,
    since: new Date(health.since).toISOString(),
    ...(health.retryAt !== undefined && health.state !== "ok" ? { retryAt: new Date(health.retryAt).toISOString() } : {}),
    message: health.message,
  };
}

/**
 * Deployed, where the collector keeps each account's health between invocations (the account's
 * `#account` items), so that it writes only when the health says something new.
 */
export interface SourceHealthStore {
  /** The stored health of `source` for the user, or undefined when none was recorded yet. */
  read(source: string, userId: string): Promise<SourceHealth | undefined>;
  write(source: string, userId: string, health: SourceHealth): Promise<void>;
}

/**
 * The health after a poll's outcome, and whether it must be stored: the first outcome ever
 * (nothing stored yet), a change of state, or a new rate-limit reset. A failing source's moving
 * retry is not stored: deployed, the next try is the next scheduled run whatever the backoff says,
 * and storing it would be a write per failed poll.
 */
export function healthToRecord(
  stored: SourceHealth | undefined,
  name: string,
  outcome: PollOutcome,
  now: number,
  backoff: Backoff = DEFAULT_BACKOFF,
): { readonly health: SourceHealth; readonly write: boolean } {
  const { health, changed } = nextHealth(stored ?? initialHealth(name, now), outcome, now, backoff);
  const newReset = changed === "retry" && health.state === "rate-limited" && health.retryAt !== stored?.retryAt;
  return { health, write: stored === undefined || changed === "state" || newReset };
}

/** What a rate-limited poll of `name` says, in the same words on the laptop and deployed. */
export function rateLimitMessage(name: "qiita" | "github", until: number): string {
  const at = new Date(until).toISOString();
  return name === "qiita"
    ? `Qiita's rate limit is spent until ${at}; polls resume then, nothing is lost.`
    : `GitHub asks to wait until ${at}; stars resume then, nothing is lost.`;
}

/** Where the $default handler reads the health of the sources feeding a user (local: the runtime). */
export interface SourceHealthReader {
  statuses(userId: string): Promise<readonly SourceStatus[]>;
}
