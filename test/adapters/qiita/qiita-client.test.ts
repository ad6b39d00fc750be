import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { QiitaClient } from "#adapters/qiita/qiita-client.ts";
import { QiitaAuthError, QiitaRateLimitError, QiitaResponseError, QiitaUnavailableError } from "#adapters/qiita/qiita-errors.ts";
import { FakeQiitaServer } from "#test/fakes/fake-qiita-server.ts";

const TOKEN = "token-alice";
let qiita: FakeQiitaServer;
let clock: number;

beforeEach(async () => {
  clock = Date.parse("2026-11-21T10:00:00Z");
  qiita = await FakeQiitaServer.start({ now: () => clock });
  qiita.addUser("alice", TOKEN);
});

afterEach(async () => {
  await qiita.close();
});

function client(options: { token?: string; fetch?: typeof fetch; userId?: string } = {}): QiitaClient {
  return new QiitaClient({ token: TOKEN, baseUrl: qiita.baseUrl, now: () => clock, ...options });
}

/** A fetch that rewrites each answer, to serve shapes the fake does not. */
function rewriting(rewrite: (body: unknown, headers: Headers) => unknown): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const headers = new Headers(response.headers);
    headers.delete("content-length");
    const body = rewrite(await response.json(), headers);
    return new Response(JSON.stringify(body), { status: response.status, headers });
  };
}

describe("QiitaClient.userId", () => {
  it("asks /authenticated_user once and remembers the answer", async () => {
    // Prepare
    const qiitaClient = client();

    // Act
    const first = await qiitaClient.userId();
    const second = await qiitaClient.userId();

    // Assess
    expect([first, second]).toEqual(["alice", "alice"]);
    expect(qiita.requests("/api/v2/authenticated_user")).toBe(1);
  });

  it("costs no request when the user id is configured", async () => {
    const id = await client({ userId: "alice" }).userId();

    expect(id).toBe("alice");
    expect(qiita.requests()).toBe(0);
  });
});

describe("QiitaClient.listArticles", () => {
  it("reads 250 articles in 3 requests of 100 by following Link", async () => {
    // Prepare
    const ids = qiita.addArticles("alice", 250, { likers: 1 });

    // Act
    const articles = await client().listArticles();

    // Assess
    expect(articles).toHaveLength(250);
    expect(new Set(articles.map((a) => a.itemId))).toEqual(new Set(ids));
    expect(articles[0]).toEqual({
      itemId: ids.at(-1),
      title: "Article 250",
      url: `https://qiita.com/alice/items/${ids.at(-1)}`,
      likesCount: 1,
    });
    expect(qiita.requests("/api/v2/authenticated_user/items")).toBe(3);
  });

  it("matches header names and Link's rel case-insensitively", async () => {
    // Prepare
    qiita.addArticles("alice", 201);
    qiita.oddHeaderCase = true;

    // Act
    const articles = await client().listArticles();

    // Assess
    expect(articles).toHaveLength(201);
    expect(qiita.requests()).toBe(3);
  });

  it("falls back to Total-Count when there is no Link header", async () => {
    // Prepare
    qiita.addArticles("alice", 150);
    const withoutLink = rewriting((body, headers) => {
      headers.delete("link");
      return body;
    });

    // Act
    const articles = await client({ fetch: withoutLink }).listArticles();

    // Assess
    expect(articles).toHaveLength(150);
    expect(qiita.requests()).toBe(2);
  });

  it("sends the token to no other origin than the base URL, even when Link points there", async () => {
    // Prepare
    qiita.addArticles("alice", 150);
    const seen: string[] = [];
    const elsewhere = rewriting((body, headers) => {
      headers.set("link", (headers.get("link") ?? "").replaceAll(qiita.baseUrl, "http://elsewhere.invalid"));
      return body;
    });
    const recording: typeof fetch = (input, init) => {
      seen.push(String(input));
      return elsewhere(input, init);
    };

    // Act
    await client({ fetch: recording }).listArticles();

    // Assess
    expect(seen.every((url) => url.startsWith(qiita.baseUrl))).toBe(true);
    expect(seen).toHaveLength(2);
  });

  it("refuses a page cut short before the last one", async () => {
    qiita.addArticles("alice", 250);
    qiita.injectFault("shortPage", { pathPrefix: "/api/v2/authenticated_user/items" });

    await expect(client().listArticles()).rejects.toBeInstanceOf(QiitaResponseError);
  });

  it("refuses a short last page that leaves Total-Count unmet", async () => {
    // Prepare
    qiita.addArticles("alice", 50);
    qiita.injectFault("shortPage", { pathPrefix: "/api/v2/authenticated_user/items" });

    // Act
    const error = await client()
      .listArticles()
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(QiitaResponseError);
    expect((error as Error).message).toMatch(/49 articles but Total-Count said 50/);
  });

  it("refuses a malformed field instead of returning part of the list", async () => {
    // Prepare
    qiita.addArticles("alice", 3);
    const badCount = rewriting((body) =>
      (body as Record<string, unknown>[]).map((item, i) => (i === 1 ? { ...item, likes_count: "3" } : item)),
    );

    // Act
    const error = await client({ fetch: badCount })
      .listArticles()
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(QiitaResponseError);
    expect((error as Error).message).toMatch(/the article list is malformed at 1\.likes_count/);
  });

  it("refuses malformed JSON", async () => {
    qiita.addArticles("alice", 3);
    qiita.injectFault("malformedJson");

    await expect(client().listArticles()).rejects.toBeInstanceOf(QiitaResponseError);
  });

  it("treats a body cut off mid-answer as Qiita being unavailable", async () => {
    qiita.addArticles("alice", 30);
    qiita.injectFault("truncatedBody");

    await expect(client().listArticles()).rejects.toBeInstanceOf(QiitaUnavailableError);
  });

  it("turns a 500 into QiitaUnavailableError", async () => {
    qiita.injectFault("error500");

    await expect(client().listArticles()).rejects.toBeInstanceOf(QiitaUnavailableError);
  });
});

describe("QiitaClient.listLikers", () => {
  it("pages through 250 likers newest first until the list ends", async () => {
    // Prepare
    const itemId = qiita.addArticle("alice", { likers: 250 });

    // Act
    const likers = await client().listLikers(itemId, () => false);

    // Assess
    expect(likers).toHaveLength(250);
    expect(likers[0]).toBe(`liker-${itemId.slice(-4)}-250`);
    expect(likers.at(-1)).toBe(`liker-${itemId.slice(-4)}-1`);
    expect(qiita.requests(`/api/v2/items/${itemId}/likes`)).toBe(3);
  });

  it("stops paging as soon as `enough` says so", async () => {
    // Prepare
    const itemId = qiita.addArticle("alice", { likers: 250 });
    qiita.like(itemId, "newest");

    // Act
    const likers = await client().listLikers(itemId, (soFar) => soFar.includes("newest"));

    // Assess
    expect(likers[0]).toBe("newest");
    expect(likers).toHaveLength(100);
    expect(qiita.requests()).toBe(1);
  });
});

describe("QiitaClient errors", () => {
  it("names QIITA_TOKEN and how to make one on 401", async () => {
    // Act
    const error = await client({ token: "wrong" })
      .listArticles()
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(QiitaAuthError);
    expect((error as Error).message).toMatch(/QIITA_TOKEN/);
    expect((error as Error).message).toMatch(/read_qiita/);
    expect((error as Error).message).toMatch(/https:\/\/qiita\.com\/settings\/applications/);
    expect((error as Error).message).not.toMatch(/wrong/);
  });

  it("reports a 403 rate limit with the reset time and sends nothing more before it", async () => {
    // Prepare
    const resetAt = Math.floor(clock / 1000) + 600;
    qiita.setRateRemaining(TOKEN, 0, resetAt);
    const qiitaClient = client();

    // Act
    const first = await qiitaClient.listArticles().catch((e: unknown) => e);
    const second = await qiitaClient.listArticles().catch((e: unknown) => e);

    // Assess
    expect(first).toBeInstanceOf(QiitaRateLimitError);
    expect((first as QiitaRateLimitError).resetAt).toBe(resetAt * 1000);
    expect((first as QiitaRateLimitError).status).toBe(403);
    expect(second).toBeInstanceOf(QiitaRateLimitError);
    expect(qiita.requests()).toBe(1);
  });

  it("holds back once Rate-Remaining reaches 0 and resumes after Rate-Reset", async () => {
    // Prepare
    qiita.addArticles("alice", 2);
    const resetAt = Math.floor(clock / 1000) + 60;
    qiita.setRateRemaining(TOKEN, 1, resetAt);
    const qiitaClient = client();
    await qiitaClient.listArticles();

    // Act
    const held = await qiitaClient.listArticles().catch((e: unknown) => e);
    clock = resetAt * 1000;
    const after = await qiitaClient.listArticles();

    // Assess
    expect(held).toBeInstanceOf(QiitaRateLimitError);
    expect(after).toHaveLength(2);
    expect(qiita.requests()).toBe(2);
  });

  it("reports a 429 as a rate limit too", async () => {
    // Prepare
    const limited = await FakeQiitaServer.start({ now: () => clock, rateLimit: 0, rateLimitStatus: 429 });
    limited.addUser("alice", TOKEN);

    // Act
    const error = await new QiitaClient({ token: TOKEN, baseUrl: limited.baseUrl, now: () => clock })
      .listArticles()
      .catch((e: unknown) => e);
    await limited.close();

    // Assess
    expect(error).toBeInstanceOf(QiitaRateLimitError);
    expect((error as QiitaRateLimitError).status).toBe(429);
  });
});
