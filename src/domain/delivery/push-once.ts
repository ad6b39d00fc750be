/**
 * Exactly once per notification on a channel (LINE), whatever the batch composition, retries,
 * bisects or crashes. The retry key of a push is derived only from what is in that push, and the
 * push is recorded (content, key, the ids it carries) before it is sent:
 * 1. Read which of the notifications a push already claims (an earlier try, maybe crashed).
 * 2. Claim the rest in pushes of at most MAX_PER_PUSH, each recorded with its content in one
 *    transaction; if another invocation claimed one meanwhile, read again and claim what is left.
 * 3. Send every push that carries one of them and is not marked sent — a recorded push goes out
 *    with its recorded content and key, so a push LINE accepted before a crash is dropped by
 *    LINE as a repeat (409) instead of shown twice — then mark it sent.
 *
 * @example
 *   await pushOnce({ channel: "line", userId, to, notifications, render: lineTexts, keyOf: lineRetryKey },
 *     { ledger, send: (push) => sender.push(push.to, push.texts, push.key) });
 */
import type { Notification } from "../notification.ts";
import type { Channel, ChannelPush, DeliveryLedger } from "../ports.ts";

/** A push and its claims are one DynamoDB transaction (100 items at most); LINE shows ~20 well. */
export const MAX_PER_PUSH = 50;
/** Rounds of "claimed meanwhile by another invocation" before giving the batch back for a retry. */
const MAX_CLAIM_ROUNDS = 3;

export interface PushRequest {
  readonly channel: Channel;
  readonly userId: string;
  readonly to: string;
  readonly notifications: readonly Notification[];
  readonly render: (notifications: readonly Notification[]) => string[];
  readonly keyOf: (userId: string, ids: readonly string[]) => string;
}

export interface PushPorts {
  readonly ledger: DeliveryLedger;
  readonly send: (push: ChannelPush) => Promise<unknown>;
}

export class ClaimContentionError extends Error {
  constructor(userId: string) {
    super(`notifications of ${userId} kept being claimed by another invocation; the batch retries them`);
    this.name = "ClaimContentionError";
  }
}

/** Resolves how many pushes were sent now (0 when every one had been sent before). */
export async function pushOnce(request: PushRequest, ports: PushPorts): Promise<number> {
  const ids = request.notifications.map((notification) => notification.id);
  if (ids.length === 0) return 0;

  // 1–2. Claims: the earlier ones, then new pushes for whatever no push carries yet.
  let claims = await ports.ledger.claims(request.channel, ids);
  for (let round = 0; ; round++) {
    const unclaimed = request.notifications.filter((notification) => !claims.has(notification.id));
    if (unclaimed.length === 0) break;
    if (round === MAX_CLAIM_ROUNDS) throw new ClaimContentionError(request.userId);
    let contended = false;
    for (const chunk of chunks(unclaimed, MAX_PER_PUSH)) {
      const chunkIds = chunk.map((notification) => notification.id);
      const push: ChannelPush = {
        key: request.keyOf(request.userId, chunkIds),
        channel: request.channel,
        to: request.to,
        texts: request.render(chunk),
        notificationIds: chunkIds,
        sent: false,
      };
      if (await ports.ledger.open(push)) for (const id of chunkIds) claims.set(id, push.key);
      else contended = true;
    }
    if (contended) claims = await ports.ledger.claims(request.channel, ids);
  }

  // 3. Send what is not sent yet, each push once, in the order of the notifications.
  let sent = 0;
  for (const key of new Set(ids.map((id) => claims.get(id) as string))) {
    const push = await ports.ledger.push(key);
    if (!push || push.sent) continue;
    await ports.send(push);
    await ports.ledger.markSent(key);
    sent++;
  }
  return sent;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}
