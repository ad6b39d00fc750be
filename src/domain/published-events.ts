/**
 * Turns a change of the notifications table (a stream record's new image) into the published
 * notification it delivers: only the INSERT of a notification item does. The idempotency claims
 * beside them, the stream handler's own receipt updates (MODIFY) and TTL removals deliver nothing.
 * The id was chosen at publish (event-id.ts), so a redelivered record carries it again.
 */
import { EVENT_ID } from "./frames.ts";
import { type ArticleChange, MalformedChangeError } from "./like-events.ts";
import type { PublishedNotification } from "./notification.ts";

export function publishedNotificationFromChange(change: ArticleChange): PublishedNotification | null {
  if (change.eventName !== "INSERT") return null;
  const next = change.newImage;
  if (!next) throw new MalformedChangeError("INSERT record has no NewImage");
  if (next.kind !== "notification") return null;
  const id = text(next, "id");
  if (!EVENT_ID.test(id)) throw new MalformedChangeError(`notification id "${id}" is not 40 digits`);
  const userId = text(next, "userId");
  const data = next.data;
  if (data !== undefined && (typeof data !== "object" || data === null || Array.isArray(data))) {
    throw new MalformedChangeError('"data" is not an object');
  }
  return {
    kind: "notification",
    id,
    to: `user:${userId}`,
    userId,
    title: text(next, "title"),
    ...(next.url !== undefined ? { url: text(next, "url") } : {}),
    ...(next.body !== undefined ? { body: optionalText(next, "body") } : {}),
    ...(data !== undefined ? { data: data as Record<string, unknown> } : {}),
    at: text(next, "at"),
  };
}

function text(image: Readonly<Record<string, unknown>>, name: string): string {
  const value = image[name];
  if (typeof value !== "string" || value.length === 0) throw new MalformedChangeError(`image has no string "${name}"`);
  return value;
}

/** A body may be empty. */
function optionalText(image: Readonly<Record<string, unknown>>, name: string): string {
  const value = image[name];
  if (typeof value !== "string") throw new MalformedChangeError(`"${name}" is not a string`);
  return value;
}
