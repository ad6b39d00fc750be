/**
 * Use case: the daily digests.  local loop (every minute) / Scheduler (every 15 min) ─▶ [send-digests]
 * ─▶ one push per channel, user and day listing what the channel owed ─▶ LINE / e-mail.
 *
 * 1. Find every channel and user the digest queue owes something.
 * 2. Per user and channel: the digest due now in the user's zone at their digest hour (today's once
 *    the hour came, else yesterday's); skip when that day's digest went already. A digest whose
 *    hour passed while nothing ran (a laptop off at 09:00) is due at the next run, so nothing is lost.
 * 3. Take what was owed before that hour; what came later waits for the next day.
 * 4. Send it through push-once.ts: each notification is claimed by exactly one recorded push, and
 *    a recorded push goes out with its recorded content and key, so a run retried after a crash
 *    (even between LINE accepting and the push being marked sent) sends nothing twice.
 * 5. Record the day's digest as sent and forget what it carried. A channel not set up for the
 *    user drops what it owed (said in the summary); a failure leaves everything for the next run.
 */
import { createLimiter } from "../concurrency.ts";
import { linkBodies } from "../large-bodies.ts";
import type { Notification } from "../notification.ts";
import type { BodyStore, Channel, ChannelPush, DeliveryLedger, DigestBacklog } from "../ports.ts";
import type { Preferences } from "../preferences/preferences.ts";
import { pushOnce } from "../delivery/push-once.ts";
import { dueDigest, owedBefore } from "./digest-time.ts";

/** What a digest reads of a person's preferences. */
export type DigestPreferences = Pick<Preferences, "timeZone" | "digestHour" | "emailAddress">;

/** Where and how one user's digest on one channel goes. */
export interface DigestRoute {
  readonly to: string;
  /** The texts of one push of the digest (push-once.ts records them before sending). */
  readonly render: (notifications: readonly Notification[]) => string[];
  readonly keyOf: (userId: string, ids: readonly string[]) => string;
  readonly send: (push: ChannelPush) => Promise<unknown>;
}

/** A channel's digest route for a user on `day`; undefined when the channel is not set up for them. */
export type DigestChannel = (userId: string, day: string, preferences: DigestPreferences) => Promise<DigestRoute | undefined>;

export interface SendDigestsDeps {
  readonly backlog: DigestBacklog;
  readonly ledger: DeliveryLedger;
  readonly preferencesFor: (userId: string) => Promise<DigestPreferences>;
  /** The channels wired here; a channel absent drops nothing and sends nothing (it waits). */
  readonly channels: Partial<Record<Channel, DigestChannel>>;
  readonly nowMs?: () => number;
  /**
   * Presigns the bodies kept in S3, so a digest links each large body as a live push does (the
   * queue keeps the key: a link made when it was owed would have expired). Absent: no link.
   */
  readonly bodies?: Pick<BodyStore, "urlFor">;
  /** Users handled at once. */
  readonly concurrency?: number;
}

export interface DigestProblem {
  readonly message: string;
  readonly channel: Channel;
  readonly userId: string;
  readonly error: unknown;
}

export interface DigestSummary {
  /** Digests that went out (a user and channel whose day was settled), and the pushes sent for them now. */
  readonly digests: number;
  readonly pushes: number;
  /** Notifications dropped because their channel is not set up for the user. */
  readonly dropped: number;
  readonly problems: readonly DigestProblem[];
}

/** Users handled side by side: a digest is a few reads, a push and a few writes. */
const DEFAULT_CONCURRENCY = 8;

export async function sendDigests(deps: SendDigestsDeps): Promise<DigestSummary> {
  const now = deps.nowMs ?? Date.now;
  const limit = createLimiter(deps.concurrency ?? DEFAULT_CONCURRENCY);
  const problems: DigestProblem[] = [];
  let digests = 0;
  let pushes = 0;
  let dropped = 0;

  // 1. Who is owed something.
  const debtors = await deps.backlog.debtors();
  await Promise.all(
    debtors.map(({ channel, userId }) =>
      limit(async () => {
        const route = deps.channels[channel];
        if (!route) return;
        try {
          // 2. The digest due now, unless it went already.
          const preferences = await deps.preferencesFor(userId);
          const due = dueDigest(now(), preferences.timeZone, preferences.digestHour);
          if ((await deps.backlog.lastDigest(channel, userId)) === due.day) return;

          // 3. What was owed before its hour.
          const owed = (await deps.backlog.owed(channel, userId)).filter((item) => owedBefore(item.owedAt, preferences.timeZone, due));
          if (owed.length === 0) return;
          const kept = owed.map((item) => item.notification);
          const notifications = deps.bodies ? await linkBodies(kept, deps.bodies) : kept;
          const ids = notifications.map((notification) => notification.id);

          // 4. One push (per 50 notifications) through the ledger.
          const target = await route(userId, due.day, preferences);
          if (target) {
            pushes += await pushOnce(
              { channel, userId, to: target.to, notifications, render: target.render, keyOf: target.keyOf },
              { ledger: deps.ledger, send: target.send },
            );
          } else {
            dropped += ids.length;
          }

          // 5. The day is done.
          await deps.backlog.settle(channel, userId, due.day, ids);
          digests += target ? 1 : 0;
        } catch (error) {
          problems.push({ message: `${channel} digest not sent; the next run tries again`, channel, userId, error });
        }
      }),
    ),
  );
  return { digests, pushes, dropped, problems };
}
