/**
 * Reads the token's user's own repositories and their stargazers from the GitHub REST API, on
 * Octokit, spending as little of GitHub's 5,000 requests/hour as possible: every page of the
 * repository list is asked with its last `If-None-Match`, and a 304 is not counted by GitHub.
 *
 * Why not @octokit/plugin-paginate-rest: it sends one set of headers for every page (no ETag per
 * page) and reads forwards only, while stargazers are read from the last page backwards. Pages are
 * asked with @octokit/core's `request`; @octokit/plugin-throttling queues requests and reports the
 * limits, with its own waiting turned off: a poll that slept until a reset would hold the loop,
 * so a refusal becomes GitHubRateLimitError and the source's health pauses GitHub only.
 *
 * @example
 *   const github = new GitHubClient({ token: process.env.GITHUB_TOKEN! });
 *   const pages = await github.listRepositories(kept); // idle: ⌈repos/100⌉ requests, every one 304
 */
import { Octokit } from "@octokit/core";
import { throttling } from "@octokit/plugin-throttling";
import type { RequestCounting } from "#domain/collector/collect-account.ts";
import { GITHUB_PAGE_SIZE, type ListedPage, type ReadPage } from "#domain/github/repository.ts";
import type { RepositorySource } from "#domain/ports.ts";
import { GitHubAuthError, GitHubRateLimitError, GitHubResponseError, GitHubUnavailableError } from "./github-errors.ts";
import { linkedPage, parseLogin, parseRepositories, parseStargazers } from "./github-parse.ts";

export const DEFAULT_GITHUB_API_BASE_URL = "https://api.github.com";
/** 100 pages of 100: far past anyone's own repositories; a guard against a Link that never ends. */
const MAX_PAGES = 100;
/** GitHub: with no retry-after and budget left, wait at least a minute after a secondary limit. */
const SECONDARY_DEFAULT_MS = 60_000;
const STAR_JSON = "application/vnd.github.star+json";

const ThrottledOctokit = Octokit.plugin(throttling);

export interface GitHubClientOptions {
  readonly token: string;
  /** Default: https://api.github.com (GITHUB_API_BASE_URL for stand-ins). */
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
  /** Epoch ms. */
  readonly now?: () => number;
  readonly timeoutMs?: number;
}

interface Answer {
  readonly status: 200 | 304;
  readonly data: unknown;
  readonly headers: Readonly<Record<string, string | number | undefined>>;
}

export class GitHubClient implements RepositorySource, RequestCounting {
  readonly #octokit: InstanceType<typeof ThrottledOctokit>;
  readonly #now: () => number;
  readonly #timeoutMs: number;
  #login: string | undefined;
  #requests = 0;
  #notModified = 0;
  #remaining: number | undefined;
  #resetAt: number | undefined;
  /** Epoch ms before which a secondary limit asked not to call. */
  #holdUntil: number | undefined;

  constructor(options: GitHubClientOptions) {
    this.#now = options.now ?? Date.now;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    const quiet = () => undefined;
    this.#octokit = new ThrottledOctokit({
      auth: options.token,
      baseUrl: (options.baseUrl ?? DEFAULT_GITHUB_API_BASE_URL).replace(/\/+$/, ""),
      userAgent: "live-likes",
      log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
      request: { ...(options.fetch ? { fetch: options.fetch } : {}) },
      // Never wait inside a poll: the refusal pauses this source until the time GitHub gave.
      throttle: { onRateLimit: () => false, onSecondaryRateLimit: () => false },
    });
  }

  /** Requests sent since this client was made (304s included). */
  requestCount(): number {
    return this.#requests;
  }

  /** Of those, how many GitHub answered 304 (free against its limit). */
  notModifiedCount(): number {
    return this.#notModified;
  }

  async login(): Promise<string> {
    this.#login ??= parseLogin((await this.#get("GET /user", {})).data);
    return this.#login;
  }

  async listRepositories(known: readonly ListedPage[]): Promise<ReadPage[]> {
    const pages: ReadPage[] = [];
    for (let index = 0; ; index++) {
      if (index >= MAX_PAGES) throw new GitHubResponseError(`/user/repos has more than ${MAX_PAGES} pages of ${GITHUB_PAGE_SIZE}`);
      const kept = known[index];
      const answer = await this.#get(
        "GET /user/repos",
        { type: "owner", sort: "full_name", per_page: GITHUB_PAGE_SIZE, page: index + 1 },
        kept?.etag ? { "if-none-match": kept.etag } : {},
      );
      let hasNext: boolean;
      if (answer.status === 304 && kept) {
        pages.push({ etag: kept.etag, repos: kept.repos, hasNext: kept.hasNext });
        // A 304 carries no Link: a new repository sorting last behind a full last page would hide, so a full page
        // always looks one page further (a page kept from that look answers 304 too, and an empty one ends the list).
        hasNext = kept.hasNext || kept.repos.length === GITHUB_PAGE_SIZE;
      } else {
        const repositories = parseRepositories(answer.data);
        hasNext = linkedPage(header(answer, "link"), "next") !== undefined;
        if (hasNext && repositories.length < GITHUB_PAGE_SIZE) {
          throw new GitHubResponseError(`page ${index + 1} of /user/repos was cut short (${repositories.length} of ${GITHUB_PAGE_SIZE})`);
        }
        pages.push({ etag: header(answer, "etag") ?? "", repos: repositories.map((r) => r.repo), hasNext, repositories });
      }
      if (!hasNext) return pages;
    }
  }

  async listStargazers(repo: string, stargazersCount: number, enough: (soFar: readonly string[]) => boolean): Promise<string[]> {
    const [owner, name] = repo.split("/");
    const found: string[] = [];
    let page = Math.max(1, Math.ceil(stargazersCount / GITHUB_PAGE_SIZE));
    let first = true;
    while (page >= 1) {
      let answer: Answer;
      try {
        answer = await this.#get(
          "GET /repos/{owner}/{repo}/stargazers",
          { owner, repo: name, per_page: GITHUB_PAGE_SIZE, page },
          { accept: STAR_JSON },
        );
      } catch (error) {
        // GitHub pages stargazers only so far (400 pages): past that the newest cannot be named, but the star still counts.
        if (error instanceof GitHubResponseError && error.status === 422) return found;
        throw error;
      }
      const logins = parseStargazers(answer.data);
      if (first) {
        first = false;
        // Stars that came after the listing moved the last page: start from the real one.
        const last = linkedPage(header(answer, "link"), "last");
        if (last !== undefined && last > page) {
          page = last;
          continue;
        }
        // Unstars shrank the list below the page we asked for.
        if (logins.length === 0 && page > 1) {
          page--;
          continue;
        }
      }
      found.push(...logins);
      if (enough(found)) break;
      page--;
    }
    return found;
  }

  /** One request; a 304 resolves with status 304 and no data. */
  async #get(route: string, params: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
    const now = this.#now();
    const heldUntil = this.#heldUntil(now);
    if (heldUntil !== undefined) throw new GitHubRateLimitError(heldUntil.until, heldUntil.limit);
    this.#requests++;
    try {
      const response = await this.#octokit.request(route, {
        ...params,
        headers,
        request: { signal: AbortSignal.timeout(this.#timeoutMs) },
      });
      this.#readRate(response.headers);
      return { status: 200, data: response.data, headers: response.headers };
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      const response = (error as { response?: { headers?: Answer["headers"]; data?: unknown } }).response;
      if (typeof status !== "number" || status === 500 || !response) {
        // Octokit reports a network failure or a timeout as status 500 without a response.
        throw new GitHubUnavailableError(`${route.slice(4)}: ${(error as Error).message}`, { cause: error });
      }
      this.#readRate(response.headers ?? {});
      if (status === 304) {
        this.#notModified++;
        return { status: 304, data: undefined, headers: response.headers ?? {} };
      }
      throw this.#errorFor(status, response.headers ?? {}, response.data, now);
    }
  }

  #heldUntil(now: number): { until: number; limit: "primary" | "secondary" } | undefined {
    if (this.#holdUntil !== undefined && now < this.#holdUntil) return { until: this.#holdUntil, limit: "secondary" };
    if (this.#remaining === 0 && this.#resetAt !== undefined && now < this.#resetAt) return { until: this.#resetAt, limit: "primary" };
    return undefined;
  }

  #readRate(headers: Answer["headers"]): void {
    const remaining = integer(headers["x-ratelimit-remaining"]);
    const reset = integer(headers["x-ratelimit-reset"]);
    if (remaining !== undefined) this.#remaining = remaining;
    if (reset !== undefined) this.#resetAt = reset * 1000;
  }

  #errorFor(status: number, headers: Answer["headers"], data: unknown, now: number): Error {
    const message = typeof (data as { message?: unknown })?.message === "string" ? (data as { message: string }).message : "";
    if (status === 401) return new GitHubAuthError(status, message || "Bad credentials");
    if (status === 403 || status === 429) {
      // GitHub's order: retry-after first, then x-ratelimit-remaining 0 until x-ratelimit-reset, else a minute.
      const retryAfter = integer(headers["retry-after"]);
      if (retryAfter !== undefined) return this.#hold(now + retryAfter * 1000, status);
      if (this.#remaining === 0 && this.#resetAt !== undefined) {
        return new GitHubRateLimitError(Math.max(this.#resetAt, now + 1000), "primary", status);
      }
      if (status === 429 || /rate limit/i.test(message)) return this.#hold(now + SECONDARY_DEFAULT_MS, status);
      return new GitHubAuthError(status, message || "Forbidden");
    }
    if (status >= 500) return new GitHubUnavailableError(`HTTP ${status}`);
    return new GitHubResponseError(`HTTP ${status}${message ? `: ${message.slice(0, 200)}` : ""}`, undefined, status);
  }

  #hold(until: number, status: number): GitHubRateLimitError {
    this.#holdUntil = until;
    return new GitHubRateLimitError(until, "secondary", status);
  }
}

function header(answer: Answer, name: string): string | undefined {
  const value = answer.headers[name];
  return value === undefined ? undefined : String(value);
}

function integer(value: string | number | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(String(value))) return undefined;
  return Number(value);
}
