/**
 * Event ids: 40 digits that sort by when the notification happened, whatever stream carried it,
 * so `resume` replays likes and published notifications of one user in one order.
 *
 *   epoch ms (15 digits) · source (1 digit) · 24 digits unique within that source
 *
 * Sequence numbers alone are not enough: each stream (articles, notifications) numbers its own
 * records, so a like and a notification could get the same id in the events table, and the two
 * streams' numbers say nothing about which came first. The time is the writer's own (the
 * collector's `changedAt`, the publish API's clock), kept on the item, so a redelivered record
 * gets the same id again.
 */
import { createHash } from "node:crypto";

/** Which stream a notification came from; the digit after the time. */
export const EVENT_SOURCE = { articles: "0", published: "1", repositories: "2" } as const;

export type EventSource = keyof typeof EVENT_SOURCE;

const TIME_DIGITS = 15;
const TAIL_DIGITS = 24;

/** The id of a notification that happened at `epochMs`, unique within `source` by `tail` (digits). */
export function eventId(epochMs: number, source: EventSource, tail: string): string {
  if (!Number.isSafeInteger(epochMs) || epochMs < 0) throw new RangeError(`event time ${epochMs} is not whole epoch ms`);
  if (!/^\d+$/.test(tail)) throw new RangeError(`event id tail "${tail}" is not digits`);
  // A sequence number longer than 24 digits keeps its last 24: those change from record to record.
  return `${String(epochMs).padStart(TIME_DIGITS, "0")}${EVENT_SOURCE[source]}${tail.padStart(TAIL_DIGITS, "0").slice(-TAIL_DIGITS)}`;
}

/** 24 random digits, for an id chosen once when a notification is published. */
export function randomTail(randomBytes: (size: number) => Uint8Array): string {
  // 10 bytes = 80 bits; as a decimal number at most 25 digits, cut to 24 (still > 79 bits).
  const value = [...randomBytes(10)].reduce((n, byte) => (n << 8n) | BigInt(byte), 0n);
  return String(value).padStart(TAIL_DIGITS, "0").slice(-TAIL_DIGITS);
}

/**
 * The id of one member's copy of a notification published to a group: the published id's time
 * and source, and 24 digits of SHA-256(published id, member). The same member always gets the
 * same id, so a retried record is recognised by the ledger and the events log; each member gets
 * their own, so the ledger, the events log and LINE's retry keys stay per user.
 */
export function memberEventId(publishedId: string, userId: string): string {
  const digest = BigInt(`0x${createHash("sha256").update(`${publishedId}\n${userId}`).digest("hex")}`);
  return `${publishedId.slice(0, TIME_DIGITS + 1)}${String(digest % 10n ** BigInt(TAIL_DIGITS)).padStart(TAIL_DIGITS, "0")}`;
}

/** When the event of `id` happened (epoch ms). */
export const eventTimeMs = (id: string): number => Number(id.slice(0, TIME_DIGITS));
