/**
 * Checks Qiita API v2 answers field by field, so a malformed answer is refused as a whole
 * instead of half-trusted.
 */
import type { Article } from "#domain/model.ts";
import { QiitaResponseError } from "./qiita-errors.ts";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function list(body: unknown, what: string): unknown[] {
  if (!Array.isArray(body)) throw new QiitaResponseError(`${what} is not a JSON list`);
  return body;
}

function text(entry: Json, field: string, what: string, nonEmpty = true): string {
  const value = entry[field];
  if (typeof value !== "string" || (nonEmpty && value.length === 0)) {
    throw new QiitaResponseError(`${what} has no valid "${field}"`);
  }
  return value;
}

/** One page of `/authenticated_user/items` or `/users/:id/items`. */
export function parseArticles(body: unknown): Article[] {
  return list(body, "the article list").map((entry, index) => {
    const what = `article ${index} of the page`;
    if (!isObject(entry)) throw new QiitaResponseError(`${what} is not an object`);
    const likesCount = entry.likes_count;
    if (typeof likesCount !== "number" || !Number.isSafeInteger(likesCount) || likesCount < 0) {
      throw new QiitaResponseError(`${what} has no valid "likes_count"`);
    }
    const url = text(entry, "url", what);
    if (!/^https?:\/\//.test(url)) throw new QiitaResponseError(`${what} has a "url" that is not http(s)`);
    return { itemId: text(entry, "id", what), title: text(entry, "title", what), url, likesCount };
  });
}

/** One page of `/items/:id/likes`: the likers' user ids, newest first as Qiita orders them. */
export function parseLikers(body: unknown): string[] {
  return list(body, "the likes list").map((entry, index) => {
    const what = `like ${index} of the page`;
    if (!isObject(entry) || !isObject(entry.user)) throw new QiitaResponseError(`${what} has no "user"`);
    return text(entry.user, "id", what);
  });
}

/** `/authenticated_user`: the user id. */
export function parseUserId(body: unknown): string {
  if (!isObject(body)) throw new QiitaResponseError("the authenticated user is not an object");
  return text(body, "id", "the authenticated user");
}

/** The URL with rel="next" in an RFC 8288 `Link` header (rel compared case-insensitively). */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!match) continue;
    const rel = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(match[2] ?? "")?.[1];
    if (rel?.toLowerCase().split(/\s+/).includes("next")) return match[1];
  }
  return undefined;
}
