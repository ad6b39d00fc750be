import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeGitHubServer } from "./fake-github-server.ts";

const TOKEN = "ghp_alice";
let github: FakeGitHubServer;
let clock: number;

beforeEach(async () => {
  clock = Date.parse("2026-11-21T10:00:00Z");
  github = await FakeGitHubServer.start({ now: () => clock, rateLimit: 5 });
  github.addUser("alice", TOKEN);
});

afterEach(async () => {
  await github.close();
});

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${github.baseUrl}${path}`, { headers: { Authorization: `Bearer ${TOKEN}`, ...headers } });

describe("FakeGitHubServer", () => {
  it("answers a bad token 401 with GitHub's Bad credentials body", async () => {
    const response = await fetch(`${github.baseUrl}/user`, { headers: { Authorization: "token nope" } });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" });
  });

  it("pages /user/repos with Link and sends x-ratelimit-* and a weak ETag", async () => {
    github.addRepos("alice", 3);

    const response = await get("/user/repos?type=owner&per_page=2&page=1");

    expect(response.status).toBe(200);
    expect(await response.json()).toHaveLength(2);
    expect(response.headers.get("link")).toBe(
      `<${github.baseUrl}/user/repos?type=owner&per_page=2&page=2>; rel="next", <${github.baseUrl}/user/repos?type=owner&per_page=2&page=2>; rel="last"`,
    );
    expect(response.headers.get("etag")).toMatch(/^W\/"[0-9a-f]{40}"$/);
    expect(response.headers.get("x-ratelimit-remaining")).toBe("4");
    expect(response.headers.get("x-ratelimit-reset")).toBe(String(Math.floor(clock / 1000) + 3600));
  });

  it("answers a matching If-None-Match 304 without counting it", async () => {
    github.addRepos("alice", 3);
    const etag = (await get("/user/repos?type=owner")).headers.get("etag") as string;

    const again = await get("/user/repos?type=owner", { "If-None-Match": etag });

    expect(again.status).toBe(304);
    expect(again.headers.get("x-ratelimit-remaining")).toBe("4");
    expect(github.requests("/user/repos", 304)).toBe(1);
  });

  it("lists stargazers oldest first, with starred_at under star+json only", async () => {
    const repo = github.addRepo("alice", "hello", { stars: ["bob", "carol"] });

    const plain = (await (await get(`/repos/${repo}/stargazers`)).json()) as { login: string }[];
    const starJson = (await (await get(`/repos/${repo}/stargazers`, { Accept: "application/vnd.github.star+json" })).json()) as {
      starred_at: string;
      user: { login: string };
    }[];

    expect(plain.map((user) => user.login)).toEqual(["bob", "carol"]);
    expect(starJson.map((star) => star.user.login)).toEqual(["bob", "carol"]);
    expect(Date.parse(starJson[1]?.starred_at ?? "")).toBeGreaterThan(Date.parse(starJson[0]?.starred_at ?? ""));
  });

  it("refuses past the primary limit with 403 and x-ratelimit-remaining 0", async () => {
    github.setRateRemaining(TOKEN, 0);

    const response = await get("/user");

    expect(response.status).toBe(403);
    expect(response.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(((await response.json()) as { message: string }).message).toMatch(/^API rate limit exceeded/);
  });

  it("answers a secondary limit with retry-after", async () => {
    github.secondaryLimit({ status: 429, retryAfterSeconds: 30 });

    const limited = await get("/user");
    const next = await get("/user");

    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("30");
    expect(((await limited.json()) as { message: string }).message).toMatch(/secondary rate limit/);
    expect(next.status).toBe(200);
  });
});
