/**
 * LINE's monthly quota (issue 13): the free plan allows LINE_MONTHLY_LIMIT (200) messages a month
 * for the whole channel, one per recipient of a push whatever its bubbles; past it LINE refuses
 * every push until the month ends. Two guards, decided here and counted by the LineQuota port:
 * 1. Pace: when what is left would not last the month at this month's pace so far, LINE switches
 *    to one daily digest per recipient until the month ends (sticky, so the note stays true), and
 *    the next digest of each recipient says so once.
 * 2. Limit: every push takes a slot first (one conditional write); a push that gets none is not
 *    sent (LineQuotaExhaustedError) and its notifications wait in the digest queue for a slot.
 * Months are LINE's: calendar months in Japan time (UTC+9, no daylight saving).
 *
 * @example
 *   const guard = lineQuotaGuard({ quota, limit: 200 });
 *   const mode = await guard.modeFor("fallback"); // "digest" once the pace says so
 *   const sender = guard.limit(lineSender);        // rejects with LineQuotaExhaustedError past the limit
 */
import type { LineQuota, LineSender } from "../ports.ts";
import type { ChannelMode } from "../preferences/preferences.ts";

/** LINE's default free-plan allowance a month (LINE_MONTHLY_LIMIT's default). */
export const DEFAULT_LINE_MONTHLY_LIMIT = 200;
/** LINE counts months in Japan time, which has no daylight saving. */
const JAPAN_OFFSET_MS = 9 * 3_600_000;

export interface QuotaMonth {
  /** YYYY-MM. */
  readonly key: string;
  /** Epoch ms of the month's first instant and of the next month's. */
  readonly startMs: number;
  readonly endMs: number;
  /** YYYY-MM-DD of the next month's first day: what the note promises. */
  readonly nextMonthFirstDay: string;
}

/** The LINE month that `nowMs` falls in. */
export function quotaMonth(nowMs: number): QuotaMonth {
  const japan = new Date(nowMs + JAPAN_OFFSET_MS);
  const year = japan.getUTCFullYear();
  const month = japan.getUTCMonth();
  const startMs = Date.UTC(year, month, 1) - JAPAN_OFFSET_MS;
  const endMs = Date.UTC(year, month + 1, 1) - JAPAN_OFFSET_MS;
  const next = new Date(Date.UTC(year, month + 1, 1));
  return {
    key: `${year}-${String(month + 1).padStart(2, "0")}`,
    startMs,
    endMs,
    nextMonthFirstDay: next.toISOString().slice(0, 10),
  };
}

/**
 * The shortest time a pace is measured over. Without it the month's first push, an hour after
 * midnight in Japan, would be a pace of 24 a day and switch everyone to digests at once; measured
 * over at least a day, it takes 7 pushes on the first day (7 a day × 31 days > 200) to switch.
 */
export const MIN_PACE_WINDOW_MS = 24 * 3_600_000;

/**
 * Whether what is left would not last the month at the pace so far: left < used per elapsed time
 * (at least MIN_PACE_WINDOW_MS) × time left, in whole milliseconds so the threshold is exact.
 * Nothing used: never.
 */
export function paceExceedsQuota(used: number, limit: number, nowMs: number, month: QuotaMonth = quotaMonth(nowMs)): boolean {
  if (used <= 0) return false;
  const left = Math.max(limit - used, 0);
  const elapsed = Math.max(nowMs - month.startMs, MIN_PACE_WINDOW_MS);
  const remaining = Math.max(month.endMs - nowMs, 0);
  return left * elapsed < used * remaining;
}

/** The note a recipient's next digest carries once after the switch. */
export function quotaNote(month: QuotaMonth): string {
  return `LINE's monthly limit is near: you will get one digest a day until ${month.nextMonthFirstDay}.`;
}

/** No slot was left this month: the push was not sent; its notifications wait for the digest. */
export class LineQuotaExhaustedError extends Error {
  constructor(readonly month: string) {
    super(`LINE's monthly limit for ${month} is used up: the push waits in the digest queue for next month's first digest`);
    this.name = "LineQuotaExhaustedError";
  }
}

export interface LineQuotaGuard {
  /** The effective LINE mode: `always` and `fallback` become `digest` once the pace says so this month. */
  modeFor(mode: ChannelMode): Promise<ChannelMode>;
  /** `sender` taking a slot before each push; rejects with LineQuotaExhaustedError when none is left. */
  limit(sender: LineSender): LineSender;
  /** The note for `to`'s next push, once per month after the switch; undefined otherwise. */
  noteFor(to: string): Promise<string | undefined>;
}

export function lineQuotaGuard(options: {
  readonly quota: LineQuota;
  readonly limit: number;
  readonly nowMs?: () => number;
}): LineQuotaGuard {
  const { quota, limit } = options;
  const now = options.nowMs ?? Date.now;
  // A group message asks for every member at once: they share one read of the month's counter
  // (one item read 2,000 times in a burst would be throttled). Only reads in flight are shared, so
  // a read never answers with a count older than the asking.
  const reading = new Map<string, ReturnType<LineQuota["usage"]>>();
  const usageOf = (month: string): ReturnType<LineQuota["usage"]> => {
    let usage = reading.get(month);
    if (!usage) {
      usage = quota.usage(month).finally(() => reading.delete(month));
      reading.set(month, usage);
    }
    return usage;
  };
  return {
    async modeFor(mode) {
      if (mode !== "always" && mode !== "fallback") return mode;
      const at = now();
      const month = quotaMonth(at);
      const usage = await usageOf(month.key);
      if (usage.digestSince !== undefined) return "digest";
      if (!paceExceedsQuota(usage.used, limit, at, month)) return mode;
      await quota.switchToDigests(month.key, at);
      return "digest";
    },
    limit(sender) {
      return {
        async push(to, texts, retryKey) {
          const month = quotaMonth(now()).key;
          if (!(await quota.claimSlot(month, retryKey, limit))) throw new LineQuotaExhaustedError(month);
          return sender.push(to, texts, retryKey);
        },
      };
    },
    async noteFor(to) {
      const at = now();
      const month = quotaMonth(at);
      if ((await quota.usage(month.key)).digestSince === undefined) return undefined;
      return (await quota.takeNote(month.key, to)) ? quotaNote(month) : undefined;
    },
  };
}

/** `lineFor` whose senders take a quota slot before each push (the stream's pushes and the digests alike). */
export function limitedLineFor<T extends { readonly sender: LineSender }>(
  lineFor: (userId: string) => Promise<T | undefined>,
  guard: LineQuotaGuard,
): (userId: string) => Promise<T | undefined> {
  return async (userId) => {
    const target = await lineFor(userId);
    return target && { ...target, sender: guard.limit(target.sender) };
  };
}

/** `preferencesFor` whose LINE mode the quota's pace may turn into `digest`. */
export function pacedPreferencesFor<T extends { readonly line: ChannelMode }>(
  preferencesFor: (userId: string) => Promise<T>,
  guard: LineQuotaGuard,
): (userId: string) => Promise<T & { readonly digestOf?: { readonly line?: ChannelMode } }> {
  return async (userId) => {
    const choices = await preferencesFor(userId);
    const line = await guard.modeFor(choices.line);
    // The digest the quota forces keeps what the chosen mode would have sent (deliver-batch).
    return line === choices.line ? { ...choices, line } : { ...choices, line, digestOf: { line: choices.line } };
  };
}
