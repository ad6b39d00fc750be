/**
 * The WebSocket message contract (docs/ARCHITECTURE.md "Messages"): what the server sends, and
 * how a client's frame is read. Field names here are public; keep them exactly.
 */
import { z } from "zod";
import type { Notification } from "./notification.ts";
import type { Preferences } from "./preferences/preferences.ts";

/** `since` of a client that has seen nothing yet (a first page load): it gets recent history. */
export const FROM_THE_START = "0";

/** Event ids are 40 digits, sortable per user (see event-id.ts). */
export const EVENT_ID = /^\d{40}$/;

export type ClientRequest =
  | { readonly action: "ping" }
  | { readonly action: "resume"; readonly since: string }
  | { readonly action: "status" }
  | { readonly action: "stats"; readonly days: number }
  /** The user's own channel choices; with `set`, a change (validated by preferences/update-preferences.ts). */
  | { readonly action: "preferences"; readonly set?: unknown }
  | { readonly action: "invalid"; readonly message: string };

/** `{"action":"stats","days":D}` asks for 1 to this many days. */
export const MAX_STATS_DAYS = 400;

/** The frame of one notification; a like keeps exactly its public shape. */
export function notificationFrame(notification: Notification): string {
  switch (notification.kind) {
    case "like":
      return JSON.stringify({
        type: "like",
        id: notification.id,
        userId: notification.userId,
        itemId: notification.itemId,
        title: notification.title,
        url: notification.url,
        delta: notification.delta,
        likesCount: notification.likesCount,
        likers: notification.likers,
        at: notification.at,
      });
    case "star":
      return JSON.stringify({
        type: "star",
        id: notification.id,
        userId: notification.userId,
        repo: notification.repo,
        url: notification.url,
        delta: notification.delta,
        stargazersCount: notification.stargazersCount,
        stargazers: notification.stargazers,
        at: notification.at,
      });
    case "notification":
      // Absent optional fields stay absent (JSON.stringify drops undefined). A body kept in S3 travels as
      // bodyUrl (large-bodies.ts), never as its bodyKey.
      return JSON.stringify({
        type: "notification",
        id: notification.id,
        to: notification.to,
        title: notification.title,
        url: notification.url,
        body: notification.body,
        bodyUrl: notification.bodyUrl,
        data: notification.data,
        at: notification.at,
      });
  }
}

/** The health of one source of notifications, as a status frame carries it (times in ISO 8601). */
export interface SourceStatus {
  readonly name: string;
  readonly state: "ok" | "failing" | "rate-limited";
  readonly since: string;
  /** The next try, while not ok. */
  readonly retryAt?: string;
  readonly message: string;
}

/** Sent on connect (with the first resume, or asked with `{"action":"status"}`) and on every change. */
export const statusFrame = (sources: readonly SourceStatus[]): string =>
  JSON.stringify({
    type: "status",
    sources: sources.map(({ name, state, since, retryAt, message }) =>
      retryAt === undefined ? { name, state, since, message } : { name, state, since, retryAt, message },
    ),
  });

/** One day of a user's numbers, in the user's time zone. */
export interface StatsDay {
  /** YYYY-MM-DD. */
  readonly date: string;
  readonly likes: number;
  readonly stars: number;
}

/** One of the user's most liked articles or most starred repositories in the period. */
export interface StatsTopItem {
  readonly kind: "like" | "star";
  readonly title: string;
  readonly url: string;
  readonly count: number;
}

/** The answer to `{"action":"stats","days":D}`: every day present, oldest first. */
export const statsFrame = (days: readonly StatsDay[], top: readonly StatsTopItem[]): string =>
  JSON.stringify({
    type: "stats",
    days: days.map(({ date, likes, stars }) => ({ date, likes, stars })),
    totals: {
      likes: days.reduce((sum, day) => sum + day.likes, 0),
      stars: days.reduce((sum, day) => sum + day.stars, 0),
    },
    top: top.map(({ kind, title, url, count }) => ({ kind, title, url, count })),
  });

export const pongFrame = (): string => JSON.stringify({ type: "pong" });

/** Ends one page of a resume; `more` says the client should ask again from its last id. */
export const resumedFrame = (count: number, more: boolean): string => JSON.stringify({ type: "resumed", count, more });

/** The answer to `{"action":"preferences"}` (and to one with `set`): the effective preferences. */
export const preferencesFrame = (preferences: Preferences): string => JSON.stringify({ type: "preferences", preferences });

/** `retryAfter` (seconds) tells a client it was rate-limited and when to try again. */
export const errorFrame = (message: string, retryAfter?: number): string =>
  JSON.stringify(retryAfter === undefined ? { type: "error", message } : { type: "error", message, retryAfter });

const SINCE_HELP = `resume needs "since": "0" on a first load, or the id of the last frame you received (40 digits)`;

const STATS_HELP = `stats needs "days": a whole number from 1 to ${MAX_STATS_DAYS}, e.g. {"action":"stats","days":30}`;

const clientFrame = z.discriminatedUnion("action", [
  z.object({ action: z.literal("ping") }),
  z.object({ action: z.literal("status") }),
  z.object({ action: z.literal("stats"), days: z.number().int().min(1).max(MAX_STATS_DAYS) }),
  z.object({ action: z.literal("preferences"), set: z.unknown().optional() }),
  z.object({
    action: z.literal("resume"),
    since: z.string().refine((since) => since === FROM_THE_START || EVENT_ID.test(since), SINCE_HELP),
  }),
]);

/** Reads one client frame. Never throws: anything unusable becomes an "invalid" request. */
export function parseClientFrame(body: string | undefined | null): ClientRequest {
  if (!body) return invalid('empty frame: send JSON like {"action":"ping"}');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return invalid('frame is not JSON: send {"action":"ping"} or {"action":"resume","since":ID}');
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return invalid('frame must be a JSON object with an "action"');
  }
  const result = clientFrame.safeParse(parsed);
  if (result.success) return result.data;
  const { action } = parsed as Record<string, unknown>;
  if (action === "resume") return invalid(SINCE_HELP);
  if (action === "stats") return invalid(STATS_HELP);
  return invalid(
    typeof action === "string"
      ? `unknown action "${action.slice(0, 40)}": use "ping", "resume", "status", "stats" or "preferences"`
      : 'frame has no "action": use "ping", "resume", "status", "stats" or "preferences"',
  );
}

function invalid(message: string): ClientRequest {
  return { action: "invalid", message };
}
