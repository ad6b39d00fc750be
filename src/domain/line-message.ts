/**
 * The LINE side of notifications: the texts of one push and its retry key. Pure.
 *
 * The free plan allows 200 pushes a month, so what one user is owed from a stream batch becomes
 * one push of at most 5 text messages (LINE's caps: 5 messages, 5000 UTF-16 units each).
 *
 * @example
 *   const texts = lineTexts(likesOfAlice); // ["👍 3 new likes on 2 articles\n\n…"]
 *   await sender.push(lineTo, texts, lineRetryKey("alice", likesOfAlice.map((n) => n.id)));
 */
import { createHash } from "node:crypto";
import type { LikeNotification, Notification, PublishedNotification, StarNotification } from "./notification.ts";

/** LINE's cap on messages in one push. */
export const LINE_MAX_MESSAGES = 5;
/** LINE's cap on one text message, in UTF-16 code units (what JS `length` counts). */
export const LINE_MAX_TEXT_UNITS = 5000;

/** A long liker list is noise on a phone; the count after it says the rest. */
const MAX_LIKERS_SHOWN = 20;
/** Cut long titles and liker lines so the article's url, the useful part, always survives. */
const MAX_TITLE_UNITS = 300;
const MAX_LIKERS_UNITS = 1000;
/** A published body is read on the web; its first lines are a preview, cut so the url survives. */
const MAX_BODY_LINES = 5;
const MAX_BODY_UNITS = 1000;
/** A digest's title and a note: short, so the first message keeps room for what it lists. */
const MAX_INTRO_UNITS = 500;
/** Room kept in every block so "…and N more" always fits after it. */
const TAIL_RESERVE = 40;
const SEPARATOR = "\n\n";

/**
 * The messages of one push listing every notification of `events` (one user's). `intro`: a short
 * line or two before the header (a digest's title, a note), counted against the first message.
 */
export function lineTexts(events: readonly Notification[], options: { readonly intro?: string } = {}): string[] {
  if (events.length === 0) return [];
  const blocks = events.map((event) => truncate(block(event), LINE_MAX_TEXT_UNITS - TAIL_RESERVE));
  const head = options.intro ? `${truncate(options.intro, MAX_INTRO_UNITS)}\n${header(events)}` : header(events);
  const messages: string[][] = [[head]];
  let shown = 0;
  for (const block of blocks) {
    const current = messages[messages.length - 1]!;
    if (fits([...current, block])) {
      current.push(block);
    } else if (messages.length < LINE_MAX_MESSAGES) {
      messages.push([block]);
    } else {
      break;
    }
    shown++;
  }
  if (shown < blocks.length) {
    const last = messages[messages.length - 1]!;
    // Give back whole likes until the tail fits; a block never exceeds the limit minus the reserve.
    while (!fits([...last, moreTail(blocks.length - shown)]) && last.length > 1) {
      last.pop();
      shown--;
    }
    last.push(moreTail(blocks.length - shown));
  }
  return messages.map((parts) => parts.join(SEPARATOR));
}

/**
 * LINE's `X-Line-Retry-Key` for one push: a UUID hashed (SHA-256) from the user and the ids in
 * that push, so a retry of the same push carries the same key and LINE drops the repeat.
 * Version bits say 5 (name-based); variant bits say RFC 4122.
 */
export function lineRetryKey(userId: string, eventIds: readonly string[]): string {
  const ids = [...new Set(eventIds)].sort();
  // JSON keeps the encoding unambiguous whatever characters the ids contain.
  const bytes = createHash("sha256")
    .update(JSON.stringify([userId, ids]))
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** "👍 3 new likes on 2 articles", "⭐ 2 new stars", "🔔 2 notifications", or those joined. */
function header(events: readonly Notification[]): string {
  const likeEvents = events.filter((event): event is LikeNotification => event.kind === "like");
  const starEvents = events.filter((event): event is StarNotification => event.kind === "star");
  const published = events.length - likeEvents.length - starEvents.length;
  const parts: string[] = [];
  if (likeEvents.length > 0) {
    const likes = likeEvents.reduce((sum, event) => sum + Math.max(event.delta, 0), 0);
    const articles = new Set(likeEvents.map((event) => event.itemId)).size;
    const head = `👍 ${likes} new ${likes === 1 ? "like" : "likes"}`;
    parts.push(articles > 1 ? `${head} on ${articles} articles` : head);
  }
  if (starEvents.length > 0) {
    const stars = starEvents.reduce((sum, event) => sum + Math.max(event.delta, 0), 0);
    parts.push(`⭐ ${stars} new ${stars === 1 ? "star" : "stars"}`);
  }
  if (published > 0) parts.push(`🔔 ${published} ${published === 1 ? "notification" : "notifications"}`);
  return parts.join(" · ");
}

function block(event: Notification): string {
  switch (event.kind) {
    case "like":
      return likeBlock(event);
    case "star":
      return starBlock(event);
    case "notification":
      return publishedBlock(event);
  }
}

/** Title, the body's first lines, url (and a large body's link): what fits a phone's preview. */
function publishedBlock(event: PublishedNotification): string {
  const lines = [truncate(event.title, MAX_TITLE_UNITS)];
  if (event.body) {
    const bodyLines = event.body.split(/\r?\n/);
    const preview = bodyLines.slice(0, MAX_BODY_LINES).join("\n");
    const cut = bodyLines.length > MAX_BODY_LINES ? `${preview}\n…` : preview;
    lines.push(truncate(cut, MAX_BODY_UNITS));
  }
  if (event.url) lines.push(event.url);
  // A body kept in S3 is never in the push: its presigned link is (it expires; the frame's does too).
  if (event.bodyUrl) lines.push(`Full text: ${event.bodyUrl}`);
  return lines.join("\n");
}

function starBlock(event: StarNotification): string {
  const lines = [`⭐ ${truncate(event.repo, MAX_TITLE_UNITS)} (+${event.delta}, ${event.stargazersCount} total)`];
  if (event.stargazers.length > 0) {
    const shown = event.stargazers.slice(0, MAX_LIKERS_SHOWN).join(", ");
    const hidden = event.stargazers.length - MAX_LIKERS_SHOWN;
    lines.push(truncate(hidden > 0 ? `by ${shown} and ${hidden} more` : `by ${shown}`, MAX_LIKERS_UNITS));
  }
  lines.push(event.url);
  return lines.join("\n");
}

function likeBlock(event: LikeNotification): string {
  const lines = [`${truncate(event.title, MAX_TITLE_UNITS)} (+${event.delta}, ${event.likesCount} total)`];
  if (event.likers.length > 0) {
    const shown = event.likers.slice(0, MAX_LIKERS_SHOWN).join(", ");
    const hidden = event.likers.length - MAX_LIKERS_SHOWN;
    lines.push(truncate(hidden > 0 ? `by ${shown} and ${hidden} more` : `by ${shown}`, MAX_LIKERS_UNITS));
  }
  lines.push(event.url);
  return lines.join("\n");
}

function moreTail(count: number): string {
  return `…and ${count} more`;
}

function fits(parts: readonly string[]): boolean {
  return parts.join(SEPARATOR).length <= LINE_MAX_TEXT_UNITS;
}

/** Cuts to at most `max` units ending in "…", never between the halves of a surrogate pair. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}
