/**
 * A small real HTTP server following Qiita API v2's public contract, for tests and local runs:
 * Bearer auth, page/per_page validation, Total-Count and RFC 8288 Link headers, likes newest
 * first, Rate-Limit/Rate-Remaining/Rate-Reset on every answer and a 403 (or 429) past the budget.
 * Test controls add articles and likes, inject faults, count requests and oddly case header names.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type QiitaFault = "error500" | "malformedJson" | "truncatedBody" | "shortPage";

export interface FakeQiitaOptions {
  /** Epoch ms; shared with the code under test to move time past a rate-limit reset. */
  readonly now?: () => number;
  /** Requests per window and token (Qiita: 1000 an hour). */
  readonly rateLimit?: number;
  readonly windowSeconds?: number;
  /** Qiita documents 403 past the limit; some proxies answer 429. */
  readonly rateLimitStatus?: 403 | 429;
}

interface FakeArticle {
  readonly id: string;
  readonly userId: string;
  title: string;
  readonly createdAt: string;
  updatedAt: string;
  /** Newest first, as the likes endpoint answers. */
  readonly likes: { userId: string; createdAt: string }[];
}

interface RateBucket {
  remaining: number;
  /** Epoch seconds. */
  resetAt: number;
}

const ANONYMOUS = "";

export class FakeQiitaServer {
  /** Send header names (and Link's rel) in odd case: clients must match them case-insensitively. */
  oddHeaderCase = false;
  readonly #server: Server;
  readonly #now: () => number;
  readonly #rateLimit: number;
  readonly #windowSeconds: number;
  readonly #rateLimitStatus: 403 | 429;
  readonly #tokens = new Map<string, string>();
  readonly #users = new Set<string>();
  /** Newest first, as Qiita lists items. */
  readonly #articles: FakeArticle[] = [];
  readonly #buckets = new Map<string, RateBucket>();
  readonly #faults: { kind: QiitaFault; count: number; pathPrefix: string }[] = [];
  readonly #requestLog: string[] = [];
  #clock = Date.parse("2026-01-01T00:00:00Z");
  #nextId = 1;

  private constructor(server: Server, options: FakeQiitaOptions) {
    this.#server = server;
    this.#now = options.now ?? Date.now;
    this.#rateLimit = options.rateLimit ?? 1000;
    this.#windowSeconds = options.windowSeconds ?? 3600;
    this.#rateLimitStatus = options.rateLimitStatus ?? 403;
  }

  static async start(options: FakeQiitaOptions = {}): Promise<FakeQiitaServer> {
    let fake!: FakeQiitaServer;
    const server = createServer((req, res) => fake.#handle(req, res));
    fake = new FakeQiitaServer(server, options);
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

  addUser(userId: string, token: string): void {
    this.#users.add(userId);
    this.#tokens.set(token, userId);
  }

  /** Adds an article (newest so far); `likers` are newest first. Returns its 20-hex-digit id. */
  addArticle(userId: string, init: { title?: string; likers?: readonly string[] | number } = {}): string {
    const id = (this.#nextId++).toString(16).padStart(20, "0");
    const likers =
      typeof init.likers === "number"
        ? Array.from({ length: init.likers }, (_, i) => `liker-${id.slice(-4)}-${(init.likers as number) - i}`)
        : (init.likers ?? []);
    const createdAt = this.#tick();
    this.#articles.unshift({
      id,
      userId,
      title: init.title ?? `Article ${this.#nextId - 1}`,
      createdAt,
      updatedAt: createdAt,
      likes: likers.map((liker) => ({ userId: liker, createdAt })),
    });
    return id;
  }

  addArticles(userId: string, count: number, init: { likers?: number } = {}): string[] {
    return Array.from({ length: count }, () => this.addArticle(userId, init));
  }

  like(itemId: string, likerId: string): void {
    this.#article(itemId).likes.unshift({ userId: likerId, createdAt: this.#tick() });
  }

  unlike(itemId: string, likerId: string): void {
    const likes = this.#article(itemId).likes;
    const index = likes.findIndex((like) => like.userId === likerId);
    if (index < 0) throw new Error(`${likerId} does not like ${itemId}`);
    likes.splice(index, 1);
  }

  rename(itemId: string, title: string): void {
    const article = this.#article(itemId);
    article.title = title;
    article.updatedAt = this.#tick();
  }

  likesCount(itemId: string): number {
    return this.#article(itemId).likes.length;
  }

  /** The next `count` answers to paths starting with `pathPrefix` carry this fault. */
  injectFault(kind: QiitaFault, { count = 1, pathPrefix = "/" }: { count?: number; pathPrefix?: string } = {}): void {
    this.#faults.push({ kind, count, pathPrefix });
  }

  /** Requests received (answered or refused) whose path starts with `pathPrefix`. */
  requests(pathPrefix = "/"): number {
    return this.#requestLog.filter((path) => path.startsWith(pathPrefix)).length;
  }

  resetRequestCounts(): void {
    this.#requestLog.length = 0;
  }

  /** Sets what is left of a token's budget in the current window (resetAt in epoch seconds). */
  setRateRemaining(token: string, remaining: number, resetAt?: number): void {
    const bucket = this.#bucket(token);
    bucket.remaining = remaining;
    if (resetAt !== undefined) bucket.resetAt = resetAt;
  }

  rateState(token: string): Readonly<RateBucket> {
    return { ...this.#bucket(token) };
  }

  #article(itemId: string): FakeArticle {
    const article = this.#articles.find((a) => a.id === itemId);
    if (!article) throw new Error(`no article ${itemId}`);
    return article;
  }

  #tick(): string {
    this.#clock += 1000;
    return new Date(this.#clock).toISOString().replace(".000Z", "+09:00");
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
    this.#requestLog.push(url.pathname);
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const bucketKey = auth ?? ANONYMOUS;
    const send = (status: number, body: unknown, extra: Record<string, string> = {}, fault?: QiitaFault) =>
      this.#send(res, status, body, { ...this.#rateHeaders(bucketKey), ...extra }, fault);

    if (auth !== undefined && !this.#tokens.has(auth)) {
      send(401, { message: "Unauthorized", type: "unauthorized" });
      return;
    }
    const bucket = this.#bucket(bucketKey);
    if (bucket.remaining <= 0) {
      send(this.#rateLimitStatus, { message: "Rate limit exceeded", type: "rate_limit_exceeded" });
      return;
    }
    bucket.remaining--;
    const fault = this.#takeFault(url.pathname);
    if (fault === "error500") {
      send(500, { message: "Internal server error", type: "internal_server_error" });
      return;
    }
    const userId = auth !== undefined ? this.#tokens.get(auth) : undefined;
    const route = this.#route(req.method ?? "GET", url.pathname, userId);
    if ("body" in route) {
      send(route.status, route.body);
      return;
    }
    const paging = parsePaging(url.searchParams);
    if (!paging) {
      send(400, { message: "Bad request", type: "bad_request" });
      return;
    }
    const { page, perPage } = paging;
    const all = route.list;
    const items = all.slice((page - 1) * perPage, page * perPage);
    const headers = { "Total-Count": String(all.length), Link: this.#link(url, page, perPage, all.length) };
    send(200, fault === "shortPage" ? items.slice(0, -1) : items, headers, fault);
  }

  #route(method: string, path: string, userId: string | undefined): { list: unknown[] } | { status: number; body: unknown } {
    const notFound = { status: 404, body: { message: "Not found", type: "not_found" } };
    const unauthorized = { status: 401, body: { message: "Unauthorized", type: "unauthorized" } };
    if (method !== "GET") return notFound;
    if (path === "/api/v2/authenticated_user") {
      if (!userId) return unauthorized;
      const count = this.#articles.filter((a) => a.userId === userId).length;
      return { status: 200, body: { id: userId, name: "", items_count: count, followers_count: 0, permanent_id: 1 } };
    }
    if (path === "/api/v2/authenticated_user/items") {
      if (!userId) return unauthorized;
      return { list: this.#itemsOf(userId) };
    }
    const userItems = /^\/api\/v2\/users\/([^/]+)\/items$/.exec(path);
    if (userItems) {
      const owner = decodeURIComponent(userItems[1] ?? "");
      return this.#users.has(owner) ? { list: this.#itemsOf(owner) } : notFound;
    }
    const likes = /^\/api\/v2\/items\/([^/]+)\/likes$/.exec(path);
    if (likes) {
      const article = this.#articles.find((a) => a.id === decodeURIComponent(likes[1] ?? ""));
      if (!article) return notFound;
      return {
        list: article.likes.map((like) => ({
          created_at: like.createdAt,
          user: { id: like.userId, name: "", profile_image_url: `https://example.com/${like.userId}.png` },
        })),
      };
    }
    return notFound;
  }

  #itemsOf(userId: string): unknown[] {
    return this.#articles
      .filter((a) => a.userId === userId)
      .map((a) => ({
        id: a.id,
        title: a.title,
        url: `https://qiita.com/${a.userId}/items/${a.id}`,
        likes_count: a.likes.length,
        created_at: a.createdAt,
        updated_at: a.updatedAt,
        private: false,
        tags: [{ name: "TypeScript", versions: [] }],
        user: { id: a.userId, name: "" },
      }));
  }

  #takeFault(path: string): QiitaFault | undefined {
    const fault = this.#faults.find((f) => path.startsWith(f.pathPrefix));
    if (!fault) return undefined;
    if (--fault.count <= 0) this.#faults.splice(this.#faults.indexOf(fault), 1);
    return fault.kind;
  }

  #rateHeaders(bucketKey: string): Record<string, string> {
    const bucket = this.#bucket(bucketKey);
    return {
      "Rate-Limit": String(this.#rateLimit),
      "Rate-Remaining": String(Math.max(0, bucket.remaining)),
      "Rate-Reset": String(bucket.resetAt),
    };
  }

  #link(url: URL, page: number, perPage: number, total: number): string {
    const last = Math.max(1, Math.ceil(total / perPage));
    const rel = this.oddHeaderCase ? (name: string) => `REL="${name.toUpperCase()}"` : (name: string) => `rel="${name}"`;
    const at = (n: number) => `<${url.origin}${url.pathname}?page=${n}&per_page=${perPage}>`;
    const links = [`${at(1)}; ${rel("first")}`];
    if (page > 1) links.push(`${at(page - 1)}; ${rel("prev")}`);
    if (page < last) links.push(`${at(page + 1)}; ${rel("next")}`);
    links.push(`${at(last)}; ${rel("last")}`);
    return links.join(", ");
  }

  #send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>, fault?: QiitaFault): void {
    let text = fault === "malformedJson" ? `${JSON.stringify(body).slice(0, -1)},{"id":` : JSON.stringify(body);
    const all: Record<string, string> = {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Length": String(Buffer.byteLength(text)),
      ...headers,
    };
    const named = Object.fromEntries(Object.entries(all).map(([name, value]) => [this.#caseOf(name), value]));
    res.writeHead(status, named);
    if (fault === "truncatedBody") {
      text = text.slice(0, Math.floor(text.length / 2));
      res.write(text, () => res.destroy());
      return;
    }
    res.end(text);
  }

  /** "Total-Count" becomes "tOTAL-cOUNT": legal, and fatal to a case-sensitive client. */
  #caseOf(name: string): string {
    if (!this.oddHeaderCase) return name;
    return [...name].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join("");
  }
}

function parsePaging(params: URLSearchParams): { page: number; perPage: number } | undefined {
  const read = (name: string, fallback: number) => {
    const raw = params.get(name);
    if (raw === null) return fallback;
    if (!/^\d+$/.test(raw)) return undefined;
    const value = Number(raw);
    return value >= 1 && value <= 100 ? value : undefined;
  };
  const page = read("page", 1);
  const perPage = read("per_page", 20);
  return page === undefined || perPage === undefined ? undefined : { page, perPage };
}
