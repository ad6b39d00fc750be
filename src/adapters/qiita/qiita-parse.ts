/**
 * Checks Qiita API v2 answers by schema, so a malformed answer is refused as a whole instead of
 * half-trusted. The error names the first field that is wrong.
 */
import LinkHeader from "http-link-header";
import { z } from "zod";
import type { Article } from "#domain/model.ts";
import { QiitaResponseError } from "./qiita-errors.ts";

const nonEmpty = z.string().min(1);

const articles = z.array(
  z.object({
    id: nonEmpty,
    title: nonEmpty,
    url: z.string().regex(/^https?:\/\//, "is not an http(s) URL"),
    likes_count: z.number().int().nonnegative(),
  }),
);

const likers = z.array(z.object({ user: z.object({ id: nonEmpty }) }));

const authenticatedUser = z.object({ id: nonEmpty });

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
  throw new QiitaResponseError(`${what} is malformed${where}: ${issue.message}`);
}

/** One page of `/authenticated_user/items` or `/users/:id/items`. */
export function parseArticles(body: unknown): Article[] {
  return parse(articles, body, "the article list").map((entry) => ({
    itemId: entry.id,
    title: entry.title,
    url: entry.url,
    likesCount: entry.likes_count,
  }));
}

/** One page of `/items/:id/likes`: the likers' user ids, newest first as Qiita orders them. */
export function parseLikers(body: unknown): string[] {
  return parse(likers, body, "the likes list").map((entry) => entry.user.id);
}

/** `/authenticated_user`: the user id. */
export function parseUserId(body: unknown): string {
  return parse(authenticatedUser, body, "the authenticated user").id;
}

/** The URL with rel="next" in an RFC 8288 `Link` header; a header that does not parse has none. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  try {
    return LinkHeader.parse(header).rel("next")[0]?.uri;
  } catch {
    return undefined;
  }
}
