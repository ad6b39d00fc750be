/**
 * Turns a change of the articles table (a stream record's images) into the like it announces.
 * A like is: an INSERT after the account's baseline with likes, or a MODIFY whose count rose.
 * Decreases, title-only edits, baseline writes, removals and the account marker announce nothing.
 */
import { eventId } from "./event-id.ts";
import { audienceOf, type LikeNotification } from "./notification.ts";

export interface ArticleChange {
  readonly eventName: "INSERT" | "MODIFY" | "REMOVE";
  /** The stream record's sequence number: unique, increasing, the same on redelivery. */
  readonly sequenceNumber: string;
  readonly newImage?: Readonly<Record<string, unknown>>;
  readonly oldImage?: Readonly<Record<string, unknown>>;
  /** Epoch ms the record was written, for when the image carries no changedAt. */
  readonly approximateCreationMs: number;
}

export class MalformedChangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedChangeError";
  }
}

/**
 * Sequence numbers are decimal strings of varying length; padding makes them sort as numbers.
 * The ids of likes before time-ordered ids (event-id.ts) were this; they sort before every newer id.
 */
export function eventIdFromSequence(sequenceNumber: string): string {
  if (!/^\d{1,40}$/.test(sequenceNumber)) {
    throw new MalformedChangeError(`sequence number "${sequenceNumber}" is not 1-40 digits`);
  }
  return sequenceNumber.padStart(40, "0");
}

export function likeEventFromChange(change: ArticleChange): LikeNotification | null {
  if (change.eventName === "REMOVE") return null;
  const next = change.newImage;
  if (!next) throw new MalformedChangeError(`${change.eventName} record has no NewImage`);
  const userId = text(next, "userId");
  const itemId = text(next, "itemId");
  // Items whose sort key starts with "#" are the collector's bookkeeping, not articles.
  if (itemId.startsWith("#")) return null;
  const likesCount = count(next, "likesCount");

  let delta: number;
  if (change.eventName === "INSERT") {
    if (next.baseline === true) return null;
    delta = likesCount;
  } else {
    if (!change.oldImage) throw new MalformedChangeError("MODIFY record has no OldImage");
    delta = likesCount - count(change.oldImage, "likesCount");
  }
  if (delta <= 0) return null;

  const changedAt = typeof next.changedAt === "number" ? next.changedAt : change.approximateCreationMs;
  // Validates the sequence number; the id itself is time-ordered so likes and published notifications interleave.
  eventIdFromSequence(change.sequenceNumber);
  return {
    kind: "like",
    id: eventId(changedAt, "articles", change.sequenceNumber),
    to: audienceOf(userId),
    userId,
    itemId,
    title: text(next, "title"),
    url: text(next, "url"),
    delta,
    likesCount,
    likers: likers(next.lastLikers),
    at: new Date(changedAt).toISOString(),
  };
}

function text(image: Readonly<Record<string, unknown>>, name: string): string {
  const value = image[name];
  if (typeof value !== "string" || value.length === 0) {
    throw new MalformedChangeError(`image has no string "${name}"`);
  }
  return value;
}

function count(image: Readonly<Record<string, unknown>>, name: string): number {
  const value = image[name];
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new MalformedChangeError(`image has no whole non-negative "${name}"`);
  }
  return value;
}

function likers(value: unknown): string[] {
  if (value === undefined) return [];
  // lib-dynamodb reads a string set as a Set and a list as an array; accept both.
  const list = value instanceof Set ? [...value] : value;
  if (!Array.isArray(list) || !list.every((id) => typeof id === "string")) {
    throw new MalformedChangeError('"lastLikers" is not a list of user ids');
  }
  return list;
}
