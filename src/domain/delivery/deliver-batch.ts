/**
 * stream batch ─▶ [deliver-batch] ─▶ live frames to every connection of each notification's user
 * ─▶ LINE per LINE_MODE. Where every notification is fanned out, whatever produced it.
 * 1. Keep every notification for `resume`. If the log cannot be written, deliver anyway and say
 *    so: a retry would repeat every frame and hold the batch back, and a tab that missed a frame
 *    has LINE as its fallback (docs/RELIABILITY.md).
 * 2. Skip the live fan-out of notifications an earlier try finished (the ledger keeps how many
 *    connections got each), so a retried or bisected batch does not post them again.
 * 3. Fan out: users side by side under one bound on open posts; one user's notifications one
 *    after another in batch order. Once one fails, that user's later ones wait for the retry too.
 * 4. LINE, exactly once per notification (push-once.ts), for those whose live part finished and
 *    that LINE_MODE says need it: one push per user for what this batch owes them. Say per
 *    notification what LINE did (a published notification's receipt shows it).
 * 5. Return the keys of what failed, in batch order; the caller retries from the first.
 */
import { createLimiter } from "../concurrency.ts";
import { lineRetryKey, lineTexts } from "../line-message.ts";
import { type LineMode, needsLine } from "../line-mode.ts";
import type { Notification } from "../notification.ts";
import type { ConnectionStore, DeliveryLedger, EventLog, FramePoster, LineSender, PublicationDelivery } from "../ports.ts";
import { fanOut } from "./fan-out.ts";
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

export interface DeliverBatchPorts {
  readonly connections: ConnectionStore;
  readonly poster: FramePoster;
  readonly events: EventLog;
  readonly ledger: DeliveryLedger;
  readonly lineMode: LineMode;
  /** The LINE sender and recipient of a user, or undefined when LINE is not set up for them. */
  readonly lineFor: (userId: string) => Promise<LineTarget | undefined>;
  readonly fanoutConcurrency?: number;
  readonly nowMs?: () => number;
}

/** Something that went wrong and was handled; the caller logs it. */
export interface Problem {
  readonly message: string;
  readonly userId?: string;
  readonly error: unknown;
}

/** What LINE did with one notification: pushed, not needed (a tab got it, or LINE_MODE=off), not set up, failed. */
export type LineOutcome = PublicationDelivery["line"];

export interface BatchDelivery {
  /** Keys of the items to retry, in batch order. */
  readonly failed: readonly string[];
  /** Connections reached per notification id (this try or an earlier one). */
  readonly delivered: ReadonlyMap<string, number>;
  readonly gone: number;
  readonly linePushes: number;
  /** Per notification id whose delivery finished or whose push failed. */
  readonly line: ReadonlyMap<string, LineOutcome>;
  readonly problems: readonly Problem[];
}

export async function deliverBatch(items: readonly BatchItem[], ports: DeliverBatchPorts): Promise<BatchDelivery> {
  const nowMs = ports.nowMs ?? Date.now;
  const problems: Problem[] = [];
  const failed = new Set<string>();
  const delivered = new Map<string, number>();
  const line = new Map<string, LineOutcome>();
  let gone = 0;
  let linePushes = 0;
  if (items.length === 0) return { failed: [], delivered, gone, linePushes, line, problems };

  // 1. The resume log first, so a client resuming right now finds what it is about to miss.
  try {
    await ports.events.append(items.map((item) => item.notification));
  } catch (error) {
    problems.push({ message: "could not keep notifications for resume; delivering them anyway", error });
  }

  // 2. What an earlier try already fanned out.
  const done = await ports.ledger.liveDeliveries(items.map((item) => item.notification.id));

  // 3. Live frames: one chain per user, all chains side by side under one limiter.
  const limit = createLimiter(ports.fanoutConcurrency ?? FANOUT_CONCURRENCY);
  const byUser = groupBy(items, (item) => item.notification.userId);
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

  // 4. LINE for what the live part finished and the mode asks for.
  for (const item of items) if (!failed.has(item.key)) line.set(item.notification.id, "not-needed");
  if (ports.lineMode !== "off") {
    for (const [userId, mine] of byUser) {
      const owed = mine.filter((item) => !failed.has(item.key) && needsLine(ports.lineMode, delivered.get(item.notification.id) ?? 0));
      if (owed.length === 0) continue;
      try {
        const target = await ports.lineFor(userId);
        if (!target) {
          for (const item of owed) line.set(item.notification.id, "not-configured");
          continue;
        }
        linePushes += await pushOnce(
          {
            channel: "line",
            userId,
            to: target.to,
            notifications: owed.map((item) => item.notification),
            render: lineTexts,
            keyOf: lineRetryKey,
          },
          { ledger: ports.ledger, send: (push) => target.sender.push(push.to, push.texts, push.key) },
        );
        for (const item of owed) line.set(item.notification.id, "sent");
      } catch (error) {
        for (const item of owed) {
          failed.add(item.key);
          line.set(item.notification.id, "failed");
        }
        problems.push({ message: "LINE push failed; the batch retries it", userId, error });
      }
    }
  }

  // 5. In batch order, so the caller can retry from the first.
  return { failed: items.filter((item) => failed.has(item.key)).map((item) => item.key), delivered, gone, linePushes, line, problems };
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
