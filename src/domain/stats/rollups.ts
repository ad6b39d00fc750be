/**
 * What the daily rollups hold (the rollups table, read by `stats`): per user and day, in the
 * user's time zone, the likes and stars received, and per article or repository the count it got
 * that day. Plain data shared by record-rollups, read-stats and the store.
 */
import type { Notification } from "../notification.ts";

/** The kinds counted: a published notification is a message, not a signal about one's work. */
export type CountedKind = "like" | "star";

/** One notification's contribution, as the store adds it. */
export interface RollupCount {
  /** The notification's id: counted at most once, whatever the retries. */
  readonly id: string;
  readonly userId: string;
  /** YYYY-MM-DD in the user's time zone. */
  readonly date: string;
  readonly kind: CountedKind;
  /** The article's `itemId` or the repository's `OWNER/NAME`. */
  readonly item: string;
  readonly title: string;
  readonly url: string;
  readonly delta: number;
}

/** A day's totals as stored; days without any count are not stored. */
export interface RollupDay {
  readonly date: string;
  readonly likes: number;
  readonly stars: number;
}

/** One article's or repository's count on one day. */
export interface RollupItemDay {
  readonly date: string;
  readonly kind: CountedKind;
  readonly item: string;
  readonly title: string;
  readonly url: string;
  readonly count: number;
}

/** What the store holds for a user over a range of days. */
export interface RollupRange {
  readonly days: readonly RollupDay[];
  readonly items: readonly RollupItemDay[];
}

/**
 * Where the rollups are kept (DynamoDB rollups table), the port of record-rollups and read-stats.
 * Kept beside the data it stores rather than in ports.ts, so the stats work stands on its own.
 */
export interface RollupStore {
  /**
   * Adds the count to its day and item, once per notification id: resolves false and adds nothing
   * when that id was counted already (a retried batch, the same notification in two batches).
   */
  count(count: RollupCount): Promise<boolean>;
  /**
   * Counts many at once (one user's notifications of a batch), with the same once-per-id promise:
   * resolves, in order, whether each was counted now (false: counted already). Rejects when they
   * could not be counted; then none of them was, or only some, and count() tells which.
   */
  countMany(counts: readonly RollupCount[]): Promise<boolean[]>;
  /** The user's stored days and item counts from `from` to `to` (YYYY-MM-DD, both included). */
  read(userId: string, from: string, to: string): Promise<RollupRange>;
}

/** The IANA zone a user's days are counted in. */
export type TimeZoneOf = (userId: string) => Promise<string>;

/** The notification's count without its date, or undefined for one that is not counted. */
export function countOf(notification: Notification): Omit<RollupCount, "date"> | undefined {
  if (notification.kind === "like" && notification.delta > 0) {
    const { id, userId, itemId, title, url, delta } = notification;
    return { id, userId, kind: "like", item: itemId, title, url, delta };
  }
  if (notification.kind === "star" && notification.delta > 0) {
    const { id, userId, repo, url, delta } = notification;
    return { id, userId, kind: "star", item: repo, title: repo, url, delta };
  }
  return undefined;
}
