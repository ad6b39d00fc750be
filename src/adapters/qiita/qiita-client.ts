/**
 * Reads a writer's articles and likers from Qiita API v2, within its 1000 requests/hour budget.
 *
 * @example
 *   const qiita = new QiitaClient({ token: process.env.QIITA_TOKEN! });
 *   const articles = await qiita.listArticles(); // every page, or a rejection: never a partial list
 */
import type { Article } from "#domain/model.ts";
import type { ArticleSource } from "#domain/ports.ts";
import type { RequestCounting } from "#domain/collector/collect-account.ts";
import type { BudgetReporting, RateState } from "#domain/collector/hot-poll.ts";
import { QiitaAuthError, QiitaRateLimitError, QiitaResponseError, QiitaUnavailableError } from "./qiita-errors.ts";
import { nextLink, parseArticles, parseLikers, parseUserId } from "./qiita-parse.ts";

export const DEFAULT_QIITA_BASE_URL = "https://qiita.com";
/** Qiita's largest page size and last page number. */
const PER_PAGE = 100;
const MAX_PAGES = 100;
/** When a refusal carries no reset time, wait this long before trying again. */
const DEFAULT_BACKOFF_MS = 60_000;

export interface QiitaClientOptions {
  readonly token: string;
  /** Default: QIITA_BASE_URL, else https://qiita.com. */
  readonly baseUrl?: string;
  /** The writer's user id when known (saves one request); else asked of /authenticated_user once. */
  readonly userId?: string;
  readonly fetch?: typeof fetch;
  /** Epoch ms. */
  readonly now?: () => number;
  readonly timeoutMs?: number;
}

interface Page {
  readonly body: unknown;
  readonly headers: Headers;
}

export class QiitaClient implements ArticleSource, RequestCounting, BudgetReporting {
  readonly #token: string;
  readonly #baseUrl: URL;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #timeoutMs: number;
  #userId: string | undefined;
  #requests = 0;
  #remaining: number | undefined;
  #resetAt: number | undefined;
  #articleTotal: number | undefined;
  #limit: number | undefined;

  constructor(options: QiitaClientOptions) {
    this.#token = options.token;
    this.#baseUrl = new URL(options.baseUrl || process.env.QIITA_BASE_URL || DEFAULT_QIITA_BASE_URL);
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#now = options.now ?? Date.now;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#userId = options.userId;
  }

  requestCount(): number {
    return this.#requests;
  }

  async userId(): Promise<string> {
    this.#userId ??= parseUserId((await this.#get(this.#url("/api/v2/authenticated_user"))).body);
    return this.#userId;
  }

  /** What the last answer said of the budget; `limitedUntil` while a refusal's reset is ahead. */
  rateState(): RateState {
    const limited = this.#remaining === 0 && this.#resetAt !== undefined && this.#now() < this.#resetAt;
    return {
      ...(this.#limit !== undefined ? { limit: this.#limit } : {}),
      ...(this.#remaining !== undefined ? { remaining: this.#remaining } : {}),
      ...(this.#resetAt !== undefined ? { resetAt: this.#resetAt } : {}),
      ...(limited ? { limitedUntil: this.#resetAt } : {}),
    };
  }

  /** The writer's article count from the last article list's Total-Count; undefined before one. */
  articleTotal(): number | undefined {
    return this.#articleTotal;
  }

  /** The 100 newest articles: one request, whatever the writer's article count. */
  async listFirstPage(): Promise<Article[]> {
    const page = await this.#get(this.#url("/api/v2/authenticated_user/items", 1));
    this.#articleTotal = totalCount(page.headers) ?? this.#articleTotal;
    return parseArticles(page.body);
  }

  async listArticles(): Promise<Article[]> {
    const byId = new Map<string, Article>();
    let total: number | undefined;
    await this.#pages("/api/v2/authenticated_user/items", (page) => {
      const articles = parseArticles(page.body);
      total = totalCount(page.headers) ?? total;
      for (const article of articles) byId.set(article.itemId, article);
      return articles.length;
    });
    // A new article shifts the pages while they are read; a retry next poll sees a stable list.
    this.#articleTotal = total ?? byId.size;
    if (total !== undefined && byId.size !== total) {
      throw new QiitaResponseError(`the article list had ${byId.size} articles but Total-Count said ${total}`);
    }
    return [...byId.values()];
  }

  async listLikers(itemId: string, enough: (likersSoFar: readonly string[]) => boolean): Promise<string[]> {
    const likers: string[] = [];
    await this.#pages(`/api/v2/items/${encodeURIComponent(itemId)}/likes`, (page) => {
      const found = parseLikers(page.body);
      likers.push(...found);
      return enough(likers) ? "stop" : found.length;
    });
    return likers;
  }

  /** Reads page after page; `take` returns the page's size, or "stop" when it has enough. */
  async #pages(path: string, take: (page: Page) => number | "stop"): Promise<void> {
    let url: URL | undefined = this.#url(path, 1);
    for (let pageNumber = 1; url; pageNumber++) {
      if (pageNumber > MAX_PAGES) {
        throw new QiitaResponseError(`${path} has more than ${MAX_PAGES} pages of ${PER_PAGE}, Qiita's limit`);
      }
      const page = await this.#get(url);
      const size = take(page);
      if (size === "stop") return;
      url = this.#next(path, page, pageNumber, size);
    }
  }

  /** The next page from `Link` (same origin only: the token goes with it), else from Total-Count. */
  #next(path: string, page: Page, pageNumber: number, size: number): URL | undefined {
    const link = nextLink(page.headers.get("link"));
    const total = totalCount(page.headers);
    const hasNext = link !== undefined || (total !== undefined ? pageNumber * PER_PAGE < total : size === PER_PAGE);
    if (!hasNext) return undefined;
    if (size < PER_PAGE) {
      throw new QiitaResponseError(`page ${pageNumber} of ${path} was cut short (${size} of ${PER_PAGE}) before the last page`);
    }
    if (link !== undefined) {
      const url = new URL(link, this.#baseUrl);
      if (url.origin === this.#baseUrl.origin) return url;
    }
    return this.#url(path, pageNumber + 1);
  }

  #url(path: string, page?: number): URL {
    const url = new URL(path, this.#baseUrl);
    if (page !== undefined) {
      url.searchParams.set("page", String(page));
      url.searchParams.set("per_page", String(PER_PAGE));
    }
    return url;
  }

  async #get(url: URL): Promise<Page> {
    const now = this.#now();
    if (this.#remaining === 0 && this.#resetAt !== undefined && now < this.#resetAt) {
      throw new QiitaRateLimitError(this.#resetAt);
    }
    this.#requests++;
    let response: Response;
    try {
      response = await this.#fetch(url, {
        headers: { Authorization: `Bearer ${this.#token}`, Accept: "application/json" },
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw new QiitaUnavailableError(`${url.pathname}: ${(error as Error).message}`, { cause: error });
    }
    this.#readRateHeaders(response.headers);
    let raw: string;
    try {
      raw = await response.text();
    } catch (error) {
      throw new QiitaUnavailableError(`${url.pathname}: the answer was cut off`, { cause: error });
    }
    if (!response.ok) throw this.#errorFor(response, raw, now);
    try {
      return { body: JSON.parse(raw), headers: response.headers };
    } catch (error) {
      throw new QiitaResponseError(`${url.pathname} did not answer JSON`, { cause: error });
    }
  }

  #readRateHeaders(headers: Headers): void {
    const remaining = integerHeader(headers, "rate-remaining");
    const reset = integerHeader(headers, "rate-reset");
    const limit = integerHeader(headers, "rate-limit");
    if (limit !== undefined && limit > 0) this.#limit = limit;
    if (remaining !== undefined) this.#remaining = remaining;
    if (reset !== undefined) this.#resetAt = reset * 1000;
  }

  #errorFor(response: Response, raw: string, now: number): Error {
    const { status } = response;
    if (status === 401) return new QiitaAuthError(status);
    if (status === 429 || (status === 403 && this.#isRateLimit(raw))) {
      const retryAfter = integerHeader(response.headers, "retry-after");
      const resetAt =
        this.#resetAt !== undefined && this.#resetAt > now
          ? this.#resetAt
          : now + (retryAfter !== undefined ? retryAfter * 1000 : DEFAULT_BACKOFF_MS);
      this.#remaining = 0;
      this.#resetAt = resetAt;
      return new QiitaRateLimitError(resetAt, status);
    }
    if (status === 403) return new QiitaAuthError(status);
    if (status >= 500) return new QiitaUnavailableError(`HTTP ${status}`);
    return new QiitaResponseError(`HTTP ${status}: ${raw.slice(0, 200)}`);
  }

  #isRateLimit(raw: string): boolean {
    if (this.#remaining === 0) return true;
    try {
      return (JSON.parse(raw) as { type?: unknown }).type === "rate_limit_exceeded";
    } catch {
      return false;
    }
  }
}

function integerHeader(headers: Headers, name: string): number | undefined {
  const value = headers.get(name);
  if (value === null || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
}

function totalCount(headers: Headers): number | undefined {
  return integerHeader(headers, "total-count");
}
