/**
 * Turns a change of the notifications table (a stream record's new image) into what it delivers:
 * the INSERT of a notification item sent at once (no `status`), or the MODIFY that released a
 * scheduled one (`status` "due", set by the scheduler's one conditional write; the receipt then sets
 * "sent", and a group's part receipts add `parts`, so no later MODIFY looks like it). The INSERT of
 * a scheduled one (`status` "scheduled") and a cancel deliver nothing. One to `user:ID` is that user's notification; one
 * to `group:NAME` is one copy per member kept on it (resolved at publish), each with the member's
 * own id (event-id.ts memberEventId), so the ledger, the events log and LINE stay per user and a
 * retried record brings the same copies again. The idempotency claims beside them, the stream
 * handler's own receipt updates (MODIFY) and TTL removals deliver nothing.
 * The id was chosen at publish (event-id.ts), so a redelivered record carries it again.
 */
import { memberEventId } from "./event-id.ts";
import { EVENT_ID } from "./frames.ts";
import { imageText, MalformedChangeError } from "./image-fields.ts";
import type { ArticleChange } from "./like-events.ts";
import type { PublishedNotification } from "./notification.ts";

export function publishedNotificationsFromChange(change: ArticleChange): PublishedNotification[] {
  if (change.eventName === "INSERT" && !change.newImage) throw new MalformedChangeError("INSERT record has no NewImage");
  if (!deliversPublication(change)) return [];
  const next = change.newImage as Readonly<Record<string, unknown>>;
  const id = imageText(next, "id");
  if (!EVENT_ID.test(id)) throw new MalformedChangeError(`notification id "${id}" is not 40 digits`);
  const data = next.data;
  if (data !== undefined && (typeof data !== "object" || data === null || Array.isArray(data))) {
    throw new MalformedChangeError('"data" is not an object');
  }
  const content = {
    kind: "notification" as const,
    title: imageText(next, "title"),
    ...(next.url !== undefined ? { url: imageText(next, "url") } : {}),
    ...(next.body !== undefined ? { body: optionalText(next, "body") } : {}),
    ...(next.bodyKey !== undefined ? { bodyKey: imageText(next, "bodyKey") } : {}),
    ...(data !== undefined ? { data: data as Record<string, unknown> } : {}),
    at: imageText(next, "at"),
  };
  const to = next.to;
  if (typeof to === "string" && to.startsWith("group:")) {
    const members = next.members;
    if (!Array.isArray(members) || members.some((member) => typeof member !== "string" || member.length === 0)) {
      throw new MalformedChangeError('a group notification has no "members" list of user ids');
    }
    return (members as string[]).map((userId) => ({ ...content, id: memberEventId(id, userId), to: to as `group:${string}`, userId }));
  }
  const userId = imageText(next, "userId");
  return [{ ...content, id, to: `user:${userId}`, userId }];
}

/** Whether this change delivers a published notification: its INSERT sent at once, or its release. */
export function deliversPublication(change: ArticleChange): boolean {
  const next = change.newImage;
  if (next?.kind !== "notification") return false;
  if (change.eventName === "INSERT") return next.status === undefined;
  return change.eventName === "MODIFY" && next.status === "due" && next.delivery === undefined && next.parts === undefined;
}

/** A body may be empty. */
function optionalText(image: Readonly<Record<string, unknown>>, name: string): string {
  const value = image[name];
  if (typeof value !== "string") throw new MalformedChangeError(`"${name}" is not a string`);
  return value;
}
