/**
 * Checks GitHub REST API answers by schema, so a malformed answer is refused as a whole instead
 * of half-trusted. The error names the first field that is wrong.
 */
import LinkHeader from "http-link-header";
import { z } from "zod";
import type { Repository } from "#domain/github/repository.ts";
import { GitHubResponseError } from "./github-errors.ts";

const nonEmpty = z.string().min(1);

const repositories = z.array(
  z.object({
    full_name: z.string().regex(/^[^/\s]+\/[^/\s]+$/, "is not OWNER/NAME"),
    html_url: z.string().regex(/^https?:\/\//, "is not an http(s) URL"),
    stargazers_count: z.number().int().nonnegative(),
    created_at: z.string().optional(),
  }),
);

// star+json: a deleted account's star has user null; it names nobody.
const stargazers = z.array(z.object({ starred_at: nonEmpty, user: z.object({ login: nonEmpty }).nullable() }));

const user = z.object({ login: nonEmpty });

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
  throw new GitHubResponseError(`${what} is malformed${where}: ${issue.message}`);
}

/** One page of `GET /user/repos`. */
export function parseRepositories(body: unknown): Repository[] {
  return parse(repositories, body, "the repository list").map((entry) => ({
    repo: entry.full_name,
    url: entry.html_url,
    stargazersCount: entry.stargazers_count,
    ...createdAt(entry.created_at),
  }));
}

function createdAt(value: string | undefined): { createdAt?: number } {
  const ms = value === undefined ? Number.NaN : Date.parse(value);
  return Number.isFinite(ms) ? { createdAt: ms } : {};
}

/** One page of `GET /repos/{owner}/{repo}/stargazers` (star+json), newest first (GitHub lists oldest first). */
export function parseStargazers(body: unknown): string[] {
  return parse(stargazers, body, "the stargazer list")
    .map((entry, index) => ({ at: Date.parse(entry.starred_at), index, login: entry.user?.login }))
    .sort((a, b) => b.at - a.at || b.index - a.index)
    .flatMap((entry) => (entry.login ? [entry.login] : []));
}

/** `GET /user`: the login. */
export function parseLogin(body: unknown): string {
  return parse(user, body, "the authenticated user").login;
}

/** The page number of the link with `rel` in an RFC 8288 `Link` header; none when absent or unparsable. */
export function linkedPage(header: string | undefined, rel: "next" | "last"): number | undefined {
  if (!header) return undefined;
  try {
    const uri = LinkHeader.parse(header).rel(rel)[0]?.uri;
    if (!uri) return undefined;
    const page = Number(new URL(uri, "http://link.invalid").searchParams.get("page"));
    return Number.isSafeInteger(page) && page >= 1 ? page : undefined;
  } catch {
    return undefined;
  }
}
