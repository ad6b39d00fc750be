/**
 * Turns a change of the articles table (a stream record's images) into the like it announces.
 * A like is: an INSERT after the account's baseline with likes, or a MODIFY whose count rose.
 * Decreases, title-only edits, baseline writes, removals and the account marker announce nothing.
 */
import { eventId } from "./event-id.ts";
import { imageCount, imageNames, imageText, MalformedChangeError } from "./image-fields.ts";
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

export { MalformedChangeError } from "./image-fields.ts";

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
  const userId = imageText(next, "userId");
  const itemId = imageText(next, "itemId");
  // Items whose sort key starts with "#" are the collector's bookkeeping, not articles.
  if (itemId.startsWith("#")) return null;
  const likesCount = imageCount(next, "likesCount");

  let delta: number;
  if (change.eventName === "INSERT") {
    if (next.baseline === true) return null;
    delta = likesCount;
  } else {
    if (!change.oldImage) throw new MalformedChangeError("MODIFY record has no OldImage");
    delta = likesCount - imageCount(change.oldImage, "likesCount");
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
    title: imageText(next, "title"),
    url: imageText(next, "url"),
    delta,
    likesCount,
    likers: imageNames(next, "lastLikers", "user ids"),
    at: new Date(changedAt).toISOString(),
  };
}
