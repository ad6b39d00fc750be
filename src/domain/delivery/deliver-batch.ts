/**
 * stream batch ─▶ [deliver-batch] ─▶ live frames to every connection of each notification's user
 * ─▶ LINE and e-mail per each user's channel choices. Where every notification is fanned out,
 * whatever produced it.
 * 1. Keep every notification for `resume`. If the log cannot be written, deliver anyway and say
 *    so: a retry would repeat every frame and hold the batch back, and a tab that missed a frame
 *    has LINE as its fallback (docs/RELIABILITY.md).
 * 2. Skip the live fan-out of notifications an earlier try finished (the ledger keeps how many
 *    connections got each), so a retried or bisected batch does not post them again.
 * 3. Fan out: users side by side under one bound on open posts; one user's notifications one
 *    after another in batch order. Once one fails, that user's later ones wait for the retry too.
 * 4. Channels (LINE, e-mail), for the notifications whose live part finished: users side by side
 *    under the same bound; per user and channel its mode (the user's preferences, else LINE_MODE /
 *    EMAIL_MODE): `always` and `fallback` (what no connection got) push exactly once per
 *    notification (push-once.ts), one push per user and channel for what this batch owes them;
 *    `digest` hands them to the digest queue; `off` nothing. A LINE push refused a slot of LINE's
 *    monthly limit (line-quota.ts) goes to the digest queue too. Say per notification and channel
 *    what happened (a published notification's receipt shows it).
 * 5. Return the keys of what failed, in batch order; the caller retries from the first.
 */
import { createLimiter } from "../concurrency.ts";
import { emailFromTexts, emailPushKey, emailTexts } from "../email-message.ts";
import { linkBodies, withoutBodyUrl } from "../large-bodies.ts";
import { lineRetryKey, lineTexts } from "../line-message.ts";
import type { LineMode } from "../line-mode.ts";
import type { Notification } from "../notification.ts";
import type {
  BodyStore,
  Channel,
  ChannelOutcome,
  ConnectionStore,
  DeliveryLedger,
  DigestQueue,
  EmailSender,
  EventLog,
  FramePoster,
  LineSender,
} from "../ports.ts";
import type { ChannelMode, Preferences } from "../preferences/preferences.ts";
import { fanOut } from "./fan-out.ts";
import { LineQuotaExhaustedError } from "./line-quota.ts";
import { pushOnce } from "./push-once.ts";

/** Posts open at once per batch: keeps a 1,000-connection fan-out short without a thundering herd. */
export const FANOUT_CONCURRENCY = 64;

/** A notification and the key its caller knows it by (a stream record's sequence number). */
export interface BatchItem {
  readonly key: string;
  readonly notification: Notification;
}

export interface LineTarget {
  readonly sender: LineSender;
  readonly to: string;
}

/** Where e-mail goes out, and the page its mails link to. */
export interface EmailChannel {
  readonly sender: EmailSender;
  readonly pageUrl: string;
}

/** What step 4 reads of a user's preferences. */
export type ChannelChoices = Pick<Preferences, "line" | "email" | "emailAddress"> & {
  /**
   * A digest the user did not choose (LINE's quota turned `always` or `fallback` into `digest`,
   * line-quota.ts) keeps what the chosen mode would have sent: a fallback user's digest leaves out
   * what a tab received.
   */
  readonly digestOf?: Partial<Record<Channel, ChannelMode>>;
};

export interface DeliverBatchPorts {
  readonly connections: ConnectionStore;
  readonly poster: FramePoster;
  readonly events: EventLog;
  readonly ledger: DeliveryLedger;
  /** LINE's mode for whoever has no preferences (LINE_MODE); used for everyone without `preferencesFor`. */
  readonly lineMode: LineMode;
  /** E-mail's mode without `preferencesFor` (EMAIL_MODE); absent: off. */
  readonly emailMode?: ChannelMode;
  /**
   * A user's effective preferences (stored choices over the defaults). Absent: everyone gets
   * `lineMode` and `emailMode`. A wrapper may change a mode (LINE's monthly quota switching a
   * recipient to `digest`).
   */
  readonly preferencesFor?: (userId: string) => Promise<ChannelChoices>;
  /** The LINE sender and recipient of a user, or undefined when LINE is not set up for them. */
  readonly lineFor: (userId: string) => Promise<LineTarget | undefined>;
  /** Absent: e-mail is "not-configured" wherever a mode asks for it. The address is the user's `emailAddress`. */
  readonly email?: EmailChannel;
  /** Where `digest` modes send what they owe; absent: "not-configured". */
  readonly digests?: DigestQueue;
  readonly fanoutConcurrency?: number;
  readonly nowMs?: () => number;
  /** Presigns the bodies kept in S3; absent: a notification with a `bodyKey` fails its batch. */
  readonly bodies?: Pick<BodyStore, "urlFor">;
}

/** Something that went wrong and was handled; the caller logs it. */
export interface Problem {
  readonly message: string;
  readonly userId?: string;
  readonly error: unknown;
}

/** What a channel did with one notification (ports.ts ChannelOutcome). */
export type LineOutcome = ChannelOutcome;

export interface BatchDelivery {
  /** Keys of the items to retry, in batch order. */
  readonly failed: readonly string[];
  /** Connections reached per notification id (this try or an earlier one). */
  readonly delivered: ReadonlyMap<string, number>;
  readonly gone: number;
  readonly linePushes: number;
  readonly emailPushes: number;
  /** Per notification id whose delivery finished or whose push failed. */
  readonly line: ReadonlyMap<string, ChannelOutcome>;
  /** The same for e-mail; empty when no e-mail channel is wired (`email` absent). */
  readonly email: ReadonlyMap<string, ChannelOutcome>;
  readonly problems: readonly Problem[];
}

export async function deliverBatch(items: readonly BatchItem[], ports: DeliverBatchPorts): Promise<BatchDelivery> {
  const nowMs = ports.nowMs ?? Date.now;
  const problems: Problem[] = [];
  const failed = new Set<string>();
  const delivered = new Map<string, number>();
  const outcomes: Record<Channel, Map<string, ChannelOutcome>> = { line: new Map(), email: new Map() };
  const pushes: Record<Channel, number> = { line: 0, email: 0 };
  let gone = 0;
  const result = () => ({
    failed: items.filter((item) => failed.has(item.key)).map((item) => item.key),
    delivered,
    gone,
    linePushes: pushes.line,
    emailPushes: pushes.email,
    line: outcomes.line,
    email: ports.email ? outcomes.email : new Map<string, ChannelOutcome>(),
    problems,
  });
  if (items.length === 0) return result();

  // 1. The resume log first, so a client resuming right now finds what it is about to miss.
  try {
    await ports.events.append(items.map((item) => item.notification));
  } catch (error) {
    problems.push({ message: "could not keep notifications for resume; delivering them anyway", error });
  }

  // 2. What an earlier try already fanned out.
  const done = await ports.ledger.liveDeliveries(items.map((item) => item.notification.id));

  // 3. Live frames: one chain per user, all chains side by side under one limiter. A body kept in
  // S3 goes out as a fresh bodyUrl, in frames and pushes alike; the log above keeps only its key.
  const limit = createLimiter(ports.fanoutConcurrency ?? FANOUT_CONCURRENCY);
  const linked = await linkBodies(
    items.map((item) => item.notification),
    ports.bodies,
  );
  const byUser = groupBy(
    items.map((item, index) => ({ ...item, notification: linked[index] as Notification })),
    (item) => item.notification.userId,
  );
  await Promise.all(
    [...byUser].map(async ([userId, mine]) => {
      let connectionIds: string[] | undefined;
      for (const item of mine) {
        const { notification } = item;
        const earlier = done.get(notification.id);
        if (earlier !== undefined) {
          delivered.set(notification.id, earlier);
          continue;
        }
        if (mine.some((other) => failed.has(other.key))) {
          failed.add(item.key);
          continue;
        }
        try {
          // Under the same bound as the posts: a group message brings one Query per member at once.
          connectionIds ??= await limit(() => ports.connections.listByUser(userId, Math.floor(nowMs() / 1000)));
          const result = await fanOut(notification, connectionIds, ports, limit);
          gone += result.gone;
          if (result.errors.length > 0) {
            throw new AggregateError(result.errors, `${result.errors.length} posts of ${notification.id} failed`);
          }
          await ports.ledger.recordLiveDelivery(notification.id, result.delivered);
          delivered.set(notification.id, result.delivered);
        } catch (error) {
          failed.add(item.key);
          problems.push({ message: "live fan-out failed; the batch retries it", userId, error });
        }
      }
    }),
  );

  // 4. Channels, users side by side: a group message brings one user per member.
  await Promise.all(
    [...byUser].map(([userId, mine]) =>
      limit(async () => {
        const finished = mine.filter((item) => !failed.has(item.key));
        if (finished.length === 0) return;
        let choices: ChannelChoices;
        try {
          choices = ports.preferencesFor ? await ports.preferencesFor(userId) : { line: ports.lineMode, email: ports.emailMode ?? "off" };
        } catch (error) {
          for (const item of finished) failed.add(item.key);
          problems.push({ message: "could not read the user's channel choices; the batch retries them", userId, error });
          return;
        }
        await Promise.all(
          CHANNELS.map(async (channel) => {
            const mode = choices[channel];
            const set = (owedItems: readonly BatchItem[], outcome: ChannelOutcome) => {
              for (const item of owedItems) outcomes[channel].set(item.notification.id, outcome);
            };
            set(finished, "not-needed");
            const chosen = mode === "digest" ? (choices.digestOf?.[channel] ?? mode) : mode;
            const owed = finished.filter((item) => needsChannel(chosen, delivered.get(item.notification.id) ?? 0));
            if (owed.length === 0) return;
            try {
              const sent = await deliverOnChannel(channel, mode, userId, owed, choices, ports);
              if (typeof sent === "number") {
                pushes[channel] += sent;
                set(owed, "sent");
              } else {
                set(owed, sent);
              }
            } catch (error) {
              for (const item of owed) failed.add(item.key);
              set(owed, "failed");
              problems.push({ message: `${channel === "line" ? "LINE push" : "e-mail"} failed; the batch retries it`, userId, error });
            }
          }),
        );
      }),
    ),
  );

  // 5. In batch order, so the caller can retry from the first.
  return result();
}

const CHANNELS: readonly Channel[] = ["line", "email"];

/** always: every notification; fallback: those no live connection received; digest: every one, once a day; off: none. */
export function needsChannel(mode: ChannelMode, deliveredTo: number): boolean {
  return mode === "always" || mode === "digest" || (mode === "fallback" && deliveredTo === 0);
}

/** Resolves the pushes sent now, or what happened instead. */
async function deliverOnChannel(
  channel: Channel,
  mode: ChannelMode,
  userId: string,
  owed: readonly BatchItem[],
  choices: ChannelChoices,
  ports: DeliverBatchPorts,
): Promise<number | "digest" | "not-configured"> {
  const notifications = owed.map((item) => item.notification);
  // A digest goes out hours later: it keeps a large body's key, not a link that will have expired.
  const kept = notifications.map(withoutBodyUrl);
  if (mode === "digest") {
    if (!ports.digests) return "not-configured";
    await ports.digests.owe(channel, userId, kept);
    return "digest";
  }
  if (channel === "line") {
    const target = await ports.lineFor(userId);
    if (!target) return "not-configured";
    try {
      return await pushOnce(
        { channel, userId, to: target.to, notifications, render: lineTexts, keyOf: lineRetryKey },
        { ledger: ports.ledger, send: (push) => target.sender.push(push.to, push.texts, push.key) },
      );
    } catch (error) {
      // LINE's monthly limit is used up (line-quota.ts): the push stays recorded and unsent, and
      // the digest sends it once a slot exists (next month if need be), instead of a retry loop.
      if (!(error instanceof LineQuotaExhaustedError) || !ports.digests) throw error;
      await ports.digests.owe(channel, userId, kept);
      return "digest";
    }
  }
  const email = ports.email;
  const to = choices.emailAddress;
  if (!email || !to) return "not-configured";
  return pushOnce(
    { channel, userId, to, notifications, render: (chunk) => emailTexts(chunk, email.pageUrl), keyOf: emailPushKey },
    { ledger: ports.ledger, send: (push) => email.sender.send(push.to, emailFromTexts(push.texts), push.key) },
  );
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
