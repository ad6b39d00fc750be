import { get } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeQiitaServer } from "#test/fakes/fake-qiita-server.ts";

let qiita: FakeQiitaServer;

beforeEach(async () => {
  qiita = await FakeQiitaServer.start();
  qiita.addUser("alice", "token-alice");
});

afterEach(async () => {
  await qiita.close();
});

/** node:http keeps raw header names, so the odd-case switch itself can be checked. */
function raw(path: string, token = "token-alice") {
  return new Promise<{ status: number; rawHeaders: string[]; body: string }>((resolve, reject) => {
    get(`${qiita.baseUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, body }));
    }).on("error", reject);
  });
}

describe("FakeQiitaServer", () => {
  it("pages with Total-Count and an RFC 8288 Link header, 20 per page by default", async () => {
    // Prepare
    qiita.addArticles("alice", 45);

    // Act
    const response = await fetch(`${qiita.baseUrl}/api/v2/users/alice/items?page=2`);
    const items = (await response.json()) as unknown[];

    // Assess
    expect(items).toHaveLength(20);
    expect(response.headers.get("total-count")).toBe("45");
    const at = (page: number) => `<${qiita.baseUrl}/api/v2/users/alice/items?page=${page}&per_page=20>`;
    expect(response.headers.get("link")).toBe(`${at(1)}; rel="first", ${at(1)}; rel="prev", ${at(3)}; rel="next", ${at(3)}; rel="last"`);
  });

  it("answers 400 with a Qiita error body for per_page or page outside 1..100", async () => {
    const perPage = await raw("/api/v2/authenticated_user/items?per_page=101");
    const page = await raw("/api/v2/authenticated_user/items?page=0");

    expect([perPage.status, page.status]).toEqual([400, 400]);
    expect(JSON.parse(perPage.body)).toEqual({ message: "Bad request", type: "bad_request" });
  });

  it("answers 401 to an unknown token, with rate headers as on every answer", async () => {
    const response = await raw("/api/v2/authenticated_user", "nope");

    expect(response.status).toBe(401);
    expect(JSON.parse(response.body)).toEqual({ message: "Unauthorized", type: "unauthorized" });
    expect(response.rawHeaders).toEqual(expect.arrayContaining(["Rate-Limit", "Rate-Remaining", "Rate-Reset"]));
  });

  it("sends header names in odd case when asked", async () => {
    // Prepare
    qiita.oddHeaderCase = true;

    // Act
    const response = await raw("/api/v2/authenticated_user/items");

    // Assess
    expect(response.rawHeaders).toEqual(expect.arrayContaining(["tOTAL-cOUNT", "lINK", "rATE-rEMAINING"]));
  });

  it("answers 403 rate_limit_exceeded once the budget is spent", async () => {
    // Prepare
    qiita.setRateRemaining("token-alice", 1);

    // Act
    const first = await raw("/api/v2/authenticated_user");
    const second = await raw("/api/v2/authenticated_user");

    // Assess
    expect(first.status).toBe(200);
    expect(second.status).toBe(403);
    expect(JSON.parse(second.body)).toEqual({ message: "Rate limit exceeded", type: "rate_limit_exceeded" });
    expect(qiita.requests("/api/v2/authenticated_user")).toBe(2);
  });

  it("lists likes newest first", async () => {
    // Prepare
    const itemId = qiita.addArticle("alice", { likers: ["bob"] });
    qiita.like(itemId, "carol");

    // Act
    const likes = (await (await fetch(`${qiita.baseUrl}/api/v2/items/${itemId}/likes`)).json()) as { user: { id: string } }[];

    // Assess
    expect(likes.map((like) => like.user.id)).toEqual(["carol", "bob"]);
  });
});
