/**
 * Use case: count likes and stars into days.  stream handler ─▶ [record-rollups] ─▶ rollups table ─▶ stats
 *
 * 1. Keep what counts: likes and stars with a positive delta. Published notifications are
 *    messages, not signals about one's work, and are not counted.
 * 2. Find each user's time zone once (their preference, else TIME_ZONE) and the day each
 *    notification's `at` falls on there.
 * 3. Count each notification once by its id (the store writes a `counted#<id>` marker with the
 *    counts in one transaction): a retried or bisected batch, or the same notification in two
 *    batches, adds nothing twice, so the caller may retry freely. One user's notifications
 *    together (countMany: a few transactions with their counts added up, instead of one each on
 *    the same day item, which conflict and would cap a busy writer at ~100 likes a second); when
 *    that fails, one by one, so one that cannot be counted does not hold the others back. Users
 *    side by side under one bound.
 * 4. Say which notifications could not be counted; the caller retries their records.
 */
import { createLimiter } from "../concurrency.ts";
import type { Notification } from "../notification.ts";
import type { RollupStore } from "./rollups.ts";
import { localDate } from "./days.ts";
import { countOf, type RollupCount, type TimeZoneOf } from "./rollups.ts";

export interface RecordRollupsPorts {
  readonly rollups: RollupStore;
  readonly timeZoneOf: TimeZoneOf;
  /** Users counted at once. */
  readonly concurrency?: number;
}

/** Enough to keep a batch of many users short; each user's counts still go one by one. */
const DEFAULT_CONCURRENCY = 8;

export interface RollupRecording {
  /** Notifications counted now. */
  readonly counted: number;
  /** Notifications an earlier try had counted already. */
  readonly alreadyCounted: number;
  /** Ids that could not be counted, with why. */
  readonly failed: readonly { readonly id: string; readonly error: unknown }[];
}

export async function recordRollups(notifications: readonly Notification[], ports: RecordRollupsPorts): Promise<RollupRecording> {
  // 1. What counts, by user in batch order.
  const byUser = new Map<string, { readonly count: Omit<RollupCount, "date">; readonly at: string }[]>();
  for (const notification of notifications) {
    const count = countOf(notification);
    if (!count) continue;
    byUser.set(count.userId, [...(byUser.get(count.userId) ?? []), { count, at: notification.at }]);
  }

  let counted = 0;
  let alreadyCounted = 0;
  const failed: { id: string; error: unknown }[] = [];
  const limit = createLimiter(ports.concurrency ?? DEFAULT_CONCURRENCY);
  await Promise.all(
    [...byUser].map(([userId, counts]) =>
      limit(async () => {
        // 2. The user's zone, then each day.
        let zone: string;
        try {
          zone = await ports.timeZoneOf(userId);
        } catch (error) {
          for (const { count } of counts) failed.push({ id: count.id, error });
          return;
        }
        // 3. Once per id: together, else one by one.
        const dated = counts.map(({ count, at }) => ({ ...count, date: localDate(at, zone) }));
        try {
          for (const done of await ports.rollups.countMany(dated)) {
            if (done) counted++;
            else alreadyCounted++;
          }
          return;
        } catch {
          // Told apart below: those counted meanwhile answer false, the rest are counted or fail.
        }
        for (const count of dated) {
          try {
            if (await ports.rollups.count(count)) counted++;
            else alreadyCounted++;
          } catch (error) {
            failed.push({ id: count.id, error });
          }
        }
      }),
    ),
  );
  // 4.
  return { counted, alreadyCounted, failed };
}
