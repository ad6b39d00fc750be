/**
 * A small real HTTP server following the GitHub REST API's public contract for what live-likes
 * reads: `GET /user`, `GET /user/repos` (type, sort by full_name, per_page ≤ 100, RFC 8288 `Link`),
 * `GET /repos/{owner}/{repo}/stargazers` (oldest first; `application/vnd.github.star+json` gives
 * `{starred_at, user}`). Weak ETags (`W/"…"`) and 304 to a matching `If-None-Match`, which does not
 * count against the limit; `x-ratelimit-*` on every answer; 403 with `x-ratelimit-remaining: 0`
 * past the primary limit; 403/429 with `retry-after` for a secondary limit; 401 "Bad credentials".
 * Test controls add repositories and stars, force a secondary limit, set the budget, count requests.
 *
 * @example
 *   const github = await FakeGitHubServer.start();
 *   github.addUser("octocat", "ghp_test");
 *   github.addRepo("octocat", "hello", { stars: 3 });
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeGitHubOptions {
  /** Epoch ms; shared with the code under test to move time past a rate-limit reset. */
  readonly now?: () => number;
  /** Requests per window and token (GitHub: 5,000 an hour for a personal access token). */
  readonly rateLimit?: number;
  readonly windowSeconds?: number;
}

interface FakeRepo {
  readonly owner: string;
  name: string;
  readonly id: number;
  readonly createdAt: string;
  pushedAt: string;
  /** Oldest first, as the stargazers endpoint lists them. */
  readonly stars: { login: string; starredAt: string }[];
}

interface RateBucket {
  remaining: number;
  /** Epoch seconds. */
  resetAt: number;
}

/** One answer of the server, as the test sees it. */
export interface LoggedRequest {
  readonly path: string;
  readonly status: number;
}

const DOCS = "https://docs.github.com/rest";
/** GitHub pages a repository's stargazers only this far (40,000 at 100 a page). */
const MAX_STARGAZER_PAGES = 400;
const BAD_CREDENTIALS = { message: "Bad credentials", documentation_url: DOCS, status: "401" };

export class FakeGitHubServer {
  readonly #server: Server;
  readonly #now: () => number;
  readonly #rateLimit: number;
  readonly #windowSeconds: number;
  readonly #tokens = new Map<string, string>();
  readonly #repos: FakeRepo[] = [];
  readonly #buckets = new Map<string, RateBucket>();
  readonly #log: LoggedRequest[] = [];
  #secondary: { status: 403 | 429; retryAfterSeconds: number; count: number } | undefined;
  #clock = Date.parse("2026-01-01T00:00:00Z");
  #nextId = 1;

  private constructor(server: Server, options: FakeGitHubOptions) {
    this.#server = server;
    this.#now = options.now ?? Date.now;
    this.#rateLimit = options.rateLimit ?? 5_000;
    this.#windowSeconds = options.windowSeconds ?? 3_600;
  }

  static async start(options: FakeGitHubOptions = {}): Promise<FakeGitHubServer> {
    let fake!: FakeGitHubServer;
    const server = createServer((req, res) => fake.#handle(req, res));
    fake = new FakeGitHubServer(server, options);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return fake;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  addUser(login: string, token: string): void {
    this.#tokens.set(token, login);
  }

  /** Adds a repository; `stars`: a count (made-up logins) or the logins, oldest first. Returns `OWNER/NAME`. */
  addRepo(owner: string, name: string, init: { stars?: number | readonly string[] } = {}): string {
    const logins =
      typeof init.stars === "number" ? Array.from({ length: init.stars }, (_, i) => `fan-${name}-${i + 1}`) : (init.stars ?? []);
    this.#repos.push({
      owner,
      name,
      id: this.#nextId++,
      // The caller's clock (GitHub's created_at is the real time), so a test can compare it with a baseline.
      createdAt: new Date(this.#now()).toISOString().replace(/\.\d{3}Z$/, "Z"),
      pushedAt: this.#tick(),
      stars: logins.map((login) => ({ login, starredAt: this.#tick() })),
    });
    return `${owner}/${name}`;
  }

  /** `count` repositories named `repo-0001`… with `stars` each. */
  addRepos(owner: string, count: number, init: { stars?: number } = {}): string[] {
    return Array.from({ length: count }, (_, i) => this.addRepo(owner, `repo-${String(i + 1).padStart(4, "0")}`, init));
  }

  star(fullName: string, login: string): void {
    this.#repo(fullName).stars.push({ login, starredAt: this.#tick() });
  }

  unstar(fullName: string, login: string): void {
    const stars = this.#repo(fullName).stars;
    const index = stars.findIndex((star) => star.login === login);
    if (index < 0) throw new Error(`${login} has not starred ${fullName}`);
    stars.splice(index, 1);
  }

  /** Renames a repository (GitHub keeps its id, created_at and stars). Returns the new `OWNER/NAME`. */
  rename(fullName: string, name: string): string {
    const repo = this.#repo(fullName);
    repo.name = name;
    return `${repo.owner}/${name}`;
  }

  /** A push: the repository's `pushed_at` moves, so its page's ETag changes while its stars do not. */
  push(fullName: string): void {
    this.#repo(fullName).pushedAt = this.#tick();
  }

  stargazersCount(fullName: string): number {
    return this.#repo(fullName).stars.length;
  }

  /** The next `count` requests answer a secondary rate limit with `retry-after`. */
  secondaryLimit({
    status = 403,
    retryAfterSeconds = 60,
    count = 1,
  }: {
    status?: 403 | 429;
    retryAfterSeconds?: number;
    count?: number;
  } = {}): void {
    this.#secondary = { status, retryAfterSeconds, count };
  }

  /** Sets what is left of a token's budget (resetAt in epoch seconds). */
  setRateRemaining(token: string, remaining: number, resetAt?: number): void {
    const bucket = this.#bucket(token);
    bucket.remaining = remaining;
    if (resetAt !== undefined) bucket.resetAt = resetAt;
  }

  rateState(token: string): Readonly<RateBucket> {
    return { ...this.#bucket(token) };
  }

  /** Requests received whose path starts with `pathPrefix` (and answered `status`, when given). */
  requests(pathPrefix = "/", status?: number): number {
    return this.#log.filter((entry) => entry.path.startsWith(pathPrefix) && (status === undefined || entry.status === status)).length;
  }

  resetRequestCounts(): void {
    this.#log.length = 0;
  }

  #repo(fullName: string): FakeRepo {
    const repo = this.#repos.find((r) => `${r.owner}/${r.name}` === fullName);
    if (!repo) throw new Error(`no repository ${fullName}`);
    return repo;
  }

  #tick(): string {
    this.#clock += 1000;
    return new Date(this.#clock).toISOString().replace(".000Z", "Z");
  }

  #bucket(key: string): RateBucket {
    const nowSeconds = Math.floor(this.#now() / 1000);
    let bucket = this.#buckets.get(key);
    if (!bucket || nowSeconds >= bucket.resetAt) {
      bucket = { remaining: this.#rateLimit, resetAt: nowSeconds + this.#windowSeconds };
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      this.#log.push({ path: url.pathname, status });
      const text = status === 304 ? "" : JSON.stringify(body);
      res.writeHead(status, {
        ...(status === 304 ? {} : { "Content-Type": "application/json; charset=utf-8", "Content-Length": String(Buffer.byteLength(text)) }),
        "X-GitHub-Api-Version-Selected": "2022-11-28",
        Vary: "Accept, Authorization, Cookie, X-GitHub-OTP",
        ...headers,
      });
      res.end(text);
    };

    // GitHub accepts "token X" and "Bearer X".
    const token = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const login = token !== undefined ? this.#tokens.get(token) : undefined;
    if (token !== undefined && login === undefined) {
      reply(401, BAD_CREDENTIALS);
      return;
    }
    if (login === undefined || token === undefined) {
      reply(401, { message: "Requires authentication", documentation_url: DOCS, status: "401" });
      return;
    }
    const bucket = this.#bucket(token);
    const rate = () => ({
      "x-ratelimit-limit": String(this.#rateLimit),
      "x-ratelimit-remaining": String(Math.max(0, bucket.remaining)),
      "x-ratelimit-used": String(this.#rateLimit - Math.max(0, bucket.remaining)),
      "x-ratelimit-reset": String(bucket.resetAt),
      "x-ratelimit-resource": "core",
    });
    if (this.#secondary) {
      const { status, retryAfterSeconds } = this.#secondary;
      if (--this.#secondary.count <= 0) this.#secondary = undefined;
      reply(
        status,
        {
          message:
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000:0000:0000.",
          documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
          status: String(status),
        },
        { ...rate(), "retry-after": String(retryAfterSeconds) },
      );
      return;
    }
    if (bucket.remaining <= 0) {
      reply(
        403,
        {
          message: `API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000:0000:0000.`,
          documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit",
          status: "403",
        },
        rate(),
      );
      return;
    }

    const route = this.#route(req, url, login);
    if ("error" in route) {
      bucket.remaining--;
      reply(route.error, { message: route.message, documentation_url: DOCS, status: String(route.error) }, rate());
      return;
    }
    const text = JSON.stringify(route.body);
    // Weak, as GitHub sends them; the same body for the same caller gives the same ETag.
    const etag = `W/"${createHash("sha256")
      .update(`${token}\n${req.headers.accept ?? ""}\n${text}`)
      .digest("hex")
      .slice(0, 40)}"`;
    const link: Record<string, string> = route.link ? { Link: route.link } : {};
    const ifNoneMatch = req.headers["if-none-match"];
    if (ifNoneMatch?.split(",").some((tag) => tag.trim() === etag)) {
      // Does not count against the primary limit (GitHub: conditional requests answered 304).
      reply(304, undefined, { ...rate(), ETag: etag, "Cache-Control": "private, max-age=60, s-maxage=60" });
      return;
    }
    bucket.remaining--;
    reply(200, route.body, { ...rate(), ...link, ETag: etag, "Cache-Control": "private, max-age=60, s-maxage=60" });
  }

  #route(req: IncomingMessage, url: URL, login: string): { body: unknown; link?: string } | { error: number; message: string } {
    if (req.method !== "GET") return { error: 404, message: "Not Found" };
    if (url.pathname === "/user") {
      return { body: { login, id: 1, type: "User", html_url: `https://github.com/${login}`, public_repos: this.#ownedBy(login).length } };
    }
    const paging = parsePaging(url.searchParams);
    if (url.pathname === "/user/repos") {
      if (!paging) return { error: 422, message: "Validation Failed" };
      const type = url.searchParams.get("type") ?? "all";
      if (!["all", "owner", "public", "private", "member"].includes(type)) return { error: 422, message: "Validation Failed" };
      const list = this.#ownedBy(login).map((repo) => ({
        id: repo.id,
        name: repo.name,
        full_name: `${repo.owner}/${repo.name}`,
        private: false,
        owner: { login: repo.owner, type: "User" },
        html_url: `https://github.com/${repo.owner}/${repo.name}`,
        fork: false,
        created_at: repo.createdAt,
        pushed_at: repo.pushedAt,
        stargazers_count: repo.stars.length,
        watchers_count: repo.stars.length,
      }));
      return page(url, list, paging);
    }
    const stargazers = /^\/repos\/([^/]+)\/([^/]+)\/stargazers$/.exec(url.pathname);
    if (stargazers) {
      const repo = this.#repos.find((r) => r.owner === stargazers[1] && r.name === stargazers[2]);
      if (!repo) return { error: 404, message: "Not Found" };
      if (!paging) return { error: 422, message: "Validation Failed" };
      if (paging.page > MAX_STARGAZER_PAGES) {
        return {
          error: 422,
          message:
            "In order to keep the API fast for everyone, pagination is limited for this resource. Check the rel=last link relation in the Link response header to see how far back you can traverse.",
        };
      }
      const starJson = (req.headers.accept ?? "").includes("application/vnd.github.star+json");
      const user = (name: string) => ({ login: name, id: 1000, type: "User", html_url: `https://github.com/${name}` });
      const list = repo.stars.map((star) => (starJson ? { starred_at: star.starredAt, user: user(star.login) } : user(star.login)));
      return page(url, list, paging);
    }
    return { error: 404, message: "Not Found" };
  }

  #ownedBy(login: string): FakeRepo[] {
    return this.#repos.filter((repo) => repo.owner === login).sort((a, b) => `${a.owner}/${a.name}`.localeCompare(`${b.owner}/${b.name}`));
  }
}

function parsePaging(params: URLSearchParams): { page: number; perPage: number } | undefined {
  const read = (name: string, fallback: number) => {
    const raw = params.get(name);
    if (raw === null) return fallback;
    return /^\d+$/.test(raw) ? Number(raw) : undefined;
  };
  const pageNumber = read("page", 1);
  const perPage = read("per_page", 30);
  if (pageNumber === undefined || perPage === undefined || pageNumber < 1) return undefined;
  // GitHub caps per_page at 100 rather than refusing more.
  return { page: pageNumber, perPage: Math.min(Math.max(perPage, 1), 100) };
}

/** One page of `list` with GitHub's Link header (first/prev only past page 1, next/last only before the last). */
function page(
  url: URL,
  list: readonly unknown[],
  { page: n, perPage }: { page: number; perPage: number },
): { body: unknown; link?: string } {
  const last = Math.max(1, Math.ceil(list.length / perPage));
  const at = (target: number) => {
    const next = new URL(url);
    next.searchParams.set("page", String(target));
    next.searchParams.set("per_page", String(perPage));
    return `<${next}>`;
  };
  const links: string[] = [];
  if (n > 1) links.push(`${at(n - 1)}; rel="prev"`);
  if (n < last) links.push(`${at(n + 1)}; rel="next"`, `${at(last)}; rel="last"`);
  if (n > 1) links.push(`${at(1)}; rel="first"`);
  return { body: list.slice((n - 1) * perPage, n * perPage), ...(links.length > 0 ? { link: links.join(", ") } : {}) };
}
