/**
 * deliver-batch step 4 ─▶ [email-message] ─▶ EmailSender. The e-mail side of notifications: one
 * mail per user and push, its subject, plain text and HTML (every value escaped), and the push's
 * ledger key. Pure.
 *
 * @example
 *   const texts = emailTexts(likesOfAlice, "http://localhost:3001/"); // [subject, text, html]
 *   await sender.send(address, emailFromTexts(texts), emailPushKey("alice", ids));
 */
import { createHash } from "node:crypto";
import type { LikeNotification, Notification, StarNotification } from "./notification.ts";
import type { EmailMessage } from "./ports.ts";

/** A long liker list is noise; the count after it says the rest. */
const MAX_LIKERS_SHOWN = 20;
/**
 * A published body is read on the page; the mail shows its start. Also keeps a push of 50 within
 * a DynamoDB item (400 KB) once recorded in the ledger, escaping included.
 */
export const MAX_BODY_PREVIEW = 500;
/** Mail clients cut long subjects anyway; a cut one still says what happened. */
const MAX_SUBJECT_LENGTH = 150;

/** `[subject, text, html]`: how a mail is kept in the ledger's `texts` (ChannelPush). */
export function emailTexts(events: readonly Notification[], pageUrl: string): string[] {
  const message = emailMessage(events, pageUrl);
  return [message.subject, message.text, message.html];
}

export function emailFromTexts(texts: readonly string[]): EmailMessage {
  const [subject = "", text = "", html = ""] = texts;
  return { subject, text, html };
}

/** One mail listing every notification of `events` (one user's), linking to the page. */
export function emailMessage(events: readonly Notification[], pageUrl: string): EmailMessage {
  const subject = subjectOf(events);
  const blocks = events.map(blockOf);
  const text = [...blocks.map((block) => block.lines.join("\n")), `Open live-likes: ${pageUrl}`].join("\n\n");
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h1 style="font-size:1.2em">${escapeHtml(subject)}</h1>`,
    ...blocks.map((block) => blockHtml(block)),
    `<p><a href="${escapeHtml(safeUrl(pageUrl) ?? "")}">Open live-likes</a></p>`,
    "</body></html>",
  ].join("\n");
  return { subject, text, html };
}

/**
 * The ledger key of one e-mail push: hashed from the channel, the user and the ids it carries, so a
 * retry of the same push has the same key (never the LINE push's: they share the ledger).
 */
export function emailPushKey(userId: string, eventIds: readonly string[]): string {
  const ids = [...new Set(eventIds)].sort();
  return createHash("sha256")
    .update(JSON.stringify(["email", userId, ids]))
    .digest("hex")
    .slice(0, 32);
}

/** "3 new likes on “Title”", "⭐ 2 new stars on owner/repo", a published notification's title, or "N notifications". */
export function subjectOf(events: readonly Notification[]): string {
  const kinds = new Set(events.map((event) => event.kind));
  let subject = `${events.length} notifications`;
  if (kinds.size === 1 && events.length > 0) {
    const first = events[0]!;
    if (first.kind === "like") subject = likesSubject(events as readonly LikeNotification[]);
    else if (first.kind === "star") subject = starsSubject(events as readonly StarNotification[]);
    else if (events.length === 1) subject = first.title;
  }
  // A header line: no line breaks (they would end the header), nothing past what a client shows.
  const flat = subject.replace(/[\r\n\t\u2028\u2029]+/g, " ").trim();
  return flat.length > MAX_SUBJECT_LENGTH ? `${flat.slice(0, MAX_SUBJECT_LENGTH - 1)}…` : flat;
}

function likesSubject(events: readonly LikeNotification[]): string {
  const likes = events.reduce((sum, event) => sum + Math.max(event.delta, 0), 0);
  const titles = new Set(events.map((event) => event.itemId));
  const head = `${likes} new ${likes === 1 ? "like" : "likes"}`;
  return titles.size === 1 ? `${head} on “${events[0]!.title}”` : `${head} on ${titles.size} articles`;
}

function starsSubject(events: readonly StarNotification[]): string {
  const stars = events.reduce((sum, event) => sum + Math.max(event.delta, 0), 0);
  const repos = new Set(events.map((event) => event.repo));
  const head = `⭐ ${stars} new ${stars === 1 ? "star" : "stars"}`;
  return repos.size === 1 ? `${head} on ${events[0]!.repo}` : `${head} on ${repos.size} repositories`;
}

/** One notification as lines of text, and which is its link. */
interface Block {
  readonly lines: readonly string[];
  readonly url?: string;
}

function blockOf(event: Notification): Block {
  switch (event.kind) {
    case "like":
      return { lines: [`${event.title} (+${event.delta}, ${event.likesCount} total)`, ...byLine(event.likers), event.url], url: event.url };
    case "star":
      return {
        lines: [`⭐ ${event.repo} (+${event.delta}, ${event.stargazersCount} total)`, ...byLine(event.stargazers), event.url],
        url: event.url,
      };
    case "notification": {
      const body = event.body === undefined ? [] : [preview(event.body)];
      return { lines: [event.title, ...body, ...(event.url ? [event.url] : [])], ...(event.url ? { url: event.url } : {}) };
    }
  }
}

function byLine(people: readonly string[]): string[] {
  if (people.length === 0) return [];
  const shown = people.slice(0, MAX_LIKERS_SHOWN).join(", ");
  const hidden = people.length - MAX_LIKERS_SHOWN;
  return [hidden > 0 ? `by ${shown} and ${hidden} more` : `by ${shown}`];
}

function preview(body: string): string {
  return body.length > MAX_BODY_PREVIEW ? `${body.slice(0, MAX_BODY_PREVIEW - 1)}…` : body;
}

/** The title as a heading (a link when the url is http(s)), the other lines as paragraphs; the url line is the link. */
function blockHtml(block: Block): string {
  const [title = "", ...rest] = block.lines;
  const href = block.url === undefined ? undefined : safeUrl(block.url);
  const heading = href ? `<a href="${escapeHtml(href)}">${escapeHtml(title)}</a>` : escapeHtml(title);
  const paragraphs = rest
    .filter((line) => href === undefined || line !== block.url)
    .map((line) => `<p style="white-space:pre-wrap">${escapeHtml(line)}</p>`);
  return [`<h2 style="font-size:1em">${heading}</h2>`, ...paragraphs].join("\n");
}

/** Only http(s) links become hrefs: a `javascript:` url from a publisher stays text. */
function safeUrl(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? url : undefined;
  } catch {
    return undefined;
  }
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
