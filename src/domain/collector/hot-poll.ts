/**
 * How soon to read the first page of a watched writer's articles again while one of their tabs
 * is open (a "hot poll"). Pure: the caller passes the clock, the budget and the last answer's
 * rate state, waits the decided delay, then polls (or decides again).
 *
 * The budget rule: hot polls plus full sweeps never spend more than `share` of Qiita's hourly
 * limit. Two checks, the slower wins:
 * - steady: what is left of the share after the sweeps, per hour, spread evenly;
 * - paced: what is left before the next reset according to Qiita itself (Rate-Remaining), minus
 *   the part of the limit that is not ours and the sweeps still due in this window. This catches
 *   every request the estimate did not count (another tool on the same token, likers lookups).
 *
 * @example
 *   const decision = nextHotPoll({ now, budget: DEFAULT_HOT_POLL_BUDGET, sweepRequestsPerHour: 60,
 *     requestsPerHotPoll: 1, rate: { remaining: 990, resetAt: now + 3_500_000 }, bounds });
 *   // { delayMs: 8_000, poll: true, reason: "budget" }: 3600 s / (500 − 60) ≈ 8.2 s
 */

/** Qiita API v2 allows 1000 requests an hour per token. */
export const QIITA_HOURLY_LIMIT = 1_000;
/** Qiita's largest page: one request reads 100 articles. */
export const ARTICLES_PER_PAGE = 100;
const HOUR_MS = 3_600_000;

export interface HotPollBudget {
  /** Requests an hour the source allows (Qiita: 1000). */
  readonly hourlyLimit: number;
  /** The part of it polling may spend, sweeps included: 0 < share ≤ 1. */
  readonly share: number;
}

export const DEFAULT_HOT_POLL_BUDGET: HotPollBudget = { hourlyLimit: QIITA_HOURLY_LIMIT, share: 0.5 };

export interface HotPollBounds {
  /** Never more often than this. */
  readonly minMs: number;
  /**
   * The slowest rhythm still worth calling hot: when the budget cannot afford a hot poll at least
   * this often, no hot poll is made (the full sweeps carry on) and the decision is taken again then.
   */
  readonly maxMs: number;
}

/** What the source said in its last answer (Qiita: Rate-Remaining, Rate-Reset). */
export interface RateState {
  /** Requests a window allows (Qiita: Rate-Limit, 1000 an hour); the budget's `hourlyLimit` when unknown. */
  readonly limit?: number;
  /** Requests left in the current window. */
  readonly remaining?: number;
  /** Epoch ms when the window resets. */
  readonly resetAt?: number;
  /** Epoch ms: the source refused with a rate limit until then. */
  readonly limitedUntil?: number;
}

/** A source that tells what its last answer said of the budget (QiitaClient does). */
export interface BudgetReporting {
  rateState(): RateState;
  /** The writer's article count, once a list said it. */
  articleTotal(): number | undefined;
}

export interface HotPollInput {
  /** Epoch ms. */
  readonly now: number;
  readonly budget: HotPollBudget;
  /** What the full sweeps cost an hour (sweepRequestsPerHour()). */
  readonly sweepRequestsPerHour: number;
  /** What one hot poll costs on average: 1 for the first page plus its likers lookups. */
  readonly requestsPerHotPoll: number;
  readonly rate: RateState;
  readonly bounds: HotPollBounds;
}

export type HotPollReason =
  /** As often as allowed: the floor `minMs`. */
  | "floor"
  /** Slower than the floor: the share left after the sweeps decides. */
  | "budget"
  /** The share of this window is spent (or too thin for a hot rhythm): decide again later. */
  | "share-spent"
  /** The source refused: wait for its reset. */
  | "rate-limited";

export interface HotPollDecision {
  /** Wait this long. */
  readonly delayMs: number;
  /** Then poll (true), or only decide again (false). */
  readonly poll: boolean;
  readonly reason: HotPollReason;
}

/**
 * What full sweeps cost an hour: ceil(articles / 100) pages per sweep, plus the likers lookups
 * they make, times the sweeps an hour.
 */
export function sweepRequestsPerHour(articles: number, sweepIntervalMs: number, likersLookupsPerSweep = 0): number {
  const pages = Math.max(1, Math.ceil(articles / ARTICLES_PER_PAGE));
  return (pages + likersLookupsPerSweep) * (HOUR_MS / sweepIntervalMs);
}

export function nextHotPoll(input: HotPollInput): HotPollDecision {
  const { now, rate, bounds } = input;
  const budget = rate.limit !== undefined ? { ...input.budget, hourlyLimit: rate.limit } : input.budget;
  const cost = Math.max(1, input.requestsPerHotPoll);

  // 1. A refusal (or a spent window the source told us of) waits for the reset, whatever the bounds.
  const limitedUntil = rate.limitedUntil ?? (rate.remaining === 0 ? rate.resetAt : undefined);
  if (limitedUntil !== undefined && limitedUntil > now) {
    return { delayMs: limitedUntil - now, poll: true, reason: "rate-limited" };
  }

  // 2. Steady: the share left after the sweeps, spread over the hour.
  const hotPerHour = budget.hourlyLimit * budget.share - input.sweepRequestsPerHour;
  if (hotPerHour < cost) return { delayMs: bounds.maxMs, poll: false, reason: "share-spent" };
  let required = (HOUR_MS * cost) / hotPerHour;

  // 3. Paced: what Qiita says is left before its reset, less what is not ours and the sweeps still due.
  if (rate.remaining !== undefined && rate.resetAt !== undefined && rate.resetAt > now) {
    const untilReset = rate.resetAt - now;
    const notOurs = budget.hourlyLimit * (1 - budget.share);
    const sweepsDue = (input.sweepRequestsPerHour * untilReset) / HOUR_MS;
    const spendable = rate.remaining - notOurs - sweepsDue;
    if (spendable < cost) return { delayMs: Math.min(untilReset, bounds.maxMs), poll: false, reason: "share-spent" };
    required = Math.max(required, (untilReset * cost) / spendable);
  }

  if (required > bounds.maxMs) return { delayMs: bounds.maxMs, poll: false, reason: "share-spent" };
  if (required <= bounds.minMs) return { delayMs: bounds.minMs, poll: true, reason: "floor" };
  return { delayMs: Math.ceil(required), poll: true, reason: "budget" };
}
