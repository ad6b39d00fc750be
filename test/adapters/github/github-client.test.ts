import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitHubClient } from "#adapters/github/github-client.ts";
import { GitHubAuthError, GitHubRateLimitError, GitHubUnavailableError } from "#adapters/github/github-errors.ts";
import type { ReadPage } from "#domain/github/repository.ts";
import { FakeGitHubServer } from "#test/fakes/fake-github-server.ts";

const TOKEN = "ghp_alice";
let github: FakeGitHubServer;
let clock: number;

beforeEach(async () => {
  clock = Date.parse("2026-11-21T10:00:00Z");
  github = await FakeGitHubServer.start({ now: () => clock });
  github.addUser("alice", TOKEN);
});

afterEach(async () => {
  await github.close();
});

function client(token = TOKEN): GitHubClient {
  return new GitHubClient({ token, baseUrl: github.baseUrl, now: () => clock });
}

const kept = (pages: readonly ReadPage[]) => pages.map(({ etag, repos, hasNext }) => ({ etag, repos, hasNext }));

describe("GitHubClient.login", () => {
  it("asks GET /user once", async () => {
    const gh = client();

    expect([await gh.login(), await gh.login()]).toEqual(["alice", "alice"]);
    expect(github.requests("/user")).toBe(1);
  });

  it("turns 401 Bad credentials into one line naming GITHUB_TOKEN", async () => {
    const error = await client("ghp_wrong")
      .login()
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GitHubAuthError);
    expect((error as Error).message).toMatch(/HTTP 401: Bad credentials.*GITHUB_TOKEN/);
    expect((error as Error).message).not.toContain("\n");
  });
});

describe("GitHubClient.listRepositories", () => {
  it("reads 250 repositories in 3 pages by following Link, each with its ETag", async () => {
    // Prepare
    github.addRepos("alice", 250, { stars: 1 });
    github.addRepo("bob", "not-mine", { stars: 9 });

    // Act
    const pages = await client().listRepositories([]);

    // Assess
    expect(pages.map((page) => page.repositories?.length)).toEqual([100, 100, 50]);
    expect(pages.map((page) => page.hasNext)).toEqual([true, true, false]);
    expect(pages.every((page) => /^W\/"[0-9a-f]+"$/.test(page.etag))).toBe(true);
    expect(pages[0]?.repositories?.[0]).toEqual({
      repo: "alice/repo-0001",
      url: "https://github.com/alice/repo-0001",
      stargazersCount: 1,
      createdAt: Date.parse("2026-11-21T10:00:00Z"),
    });
    expect(github.requests("/user/repos", 200)).toBe(3);
  });

  it("asks again with If-None-Match: nothing changed is one 304 per page, none counted against the limit", async () => {
    // Prepare
    github.addRepos("alice", 250);
    const gh = client();
    const first = await gh.listRepositories([]);
    const remaining = github.rateState(TOKEN).remaining;
    github.resetRequestCounts();

    // Act
    const second = await gh.listRepositories(kept(first));

    // Assess
    expect(github.requests("/user/repos")).toBe(3);
    expect(github.requests("/user/repos", 304)).toBe(3);
    expect(second.every((page) => page.repositories === undefined)).toBe(true);
    expect(second.map((page) => page.repos)).toEqual(first.map((page) => page.repos));
    expect(github.rateState(TOKEN).remaining).toBe(remaining);
    expect(gh.notModifiedCount()).toBe(3);
  });

  it("reads fresh only the page whose repository gained a star", async () => {
    github.addRepos("alice", 250);
    const gh = client();
    const first = await gh.listRepositories([]);
    github.star("alice/repo-0150", "carol");
    github.resetRequestCounts();

    const second = await gh.listRepositories(kept(first));

    expect(second.map((page) => page.repositories !== undefined)).toEqual([false, true, false]);
    expect(second[1]?.repositories?.find((r) => r.repo === "alice/repo-0150")?.stargazersCount).toBe(1);
    expect(github.requests("/user/repos", 304)).toBe(2);
  });

  it("looks one page past a full last page, so a repository added at the end is not hidden by a 304", async () => {
    github.addRepos("alice", 100);
    const gh = client();
    const first = await gh.listRepositories([]);
    github.addRepo("alice", "zzz-new", { stars: 2 });

    const second = await gh.listRepositories(kept(first));

    expect(second).toHaveLength(2);
    expect(second[1]?.repositories).toMatchObject([{ repo: "alice/zzz-new", url: "https://github.com/alice/zzz-new", stargazersCount: 2 }]);
  });
});

describe("GitHubClient.listStargazers", () => {
  it("reads from the last page backwards, newest first, until enough", async () => {
    // Prepare: 250 stars, oldest first on GitHub.
    const repo = github.addRepo("alice", "popular", { stars: 250 });
    github.resetRequestCounts();

    // Act
    const newest = await client().listStargazers(repo, 250, (soFar) => soFar.length >= 3);

    // Assess: one request, the last page (3) reversed.
    expect(newest.slice(0, 3)).toEqual(["fan-popular-250", "fan-popular-249", "fan-popular-248"]);
    expect(newest).toHaveLength(50);
    expect(github.requests("/repos/alice/popular/stargazers")).toBe(1);
  });

  it("keeps going back a page while not enough", async () => {
    const repo = github.addRepo("alice", "popular", { stars: 150 });

    const found = await client().listStargazers(repo, 150, (soFar) => soFar.includes("fan-popular-20"));

    expect(found).toHaveLength(150);
    expect(found[0]).toBe("fan-popular-150");
    expect(found.at(-1)).toBe("fan-popular-1");
  });

  it("follows Link rel=last when stars arrived after the listing moved the last page", async () => {
    const repo = github.addRepo("alice", "popular", { stars: 100 });
    github.star(repo, "late");

    const found = await client().listStargazers(repo, 100, (soFar) => soFar.length >= 1);

    expect(found[0]).toBe("late");
  });
});

describe("GitHubClient rate limits", () => {
  it("a primary limit (403, x-ratelimit-remaining 0) rejects until x-ratelimit-reset and sends nothing meanwhile", async () => {
    // Prepare
    const reset = Math.floor(clock / 1000) + 600;
    github.setRateRemaining(TOKEN, 0, reset);
    const gh = client();

    // Act
    const error = await gh.login().catch((e: unknown) => e);
    const again = await gh.login().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GitHubRateLimitError);
    expect(error).toMatchObject({ limit: "primary", resetAt: reset * 1000, status: 403 });
    expect(again).toBeInstanceOf(GitHubRateLimitError);
    expect(github.requests("/user")).toBe(1);
  });

  it.each([403, 429] as const)("a secondary limit (%i with retry-after) holds requests for that long", async (status) => {
    github.secondaryLimit({ status, retryAfterSeconds: 90 });
    const gh = client();

    const error = await gh.login().catch((e: unknown) => e);
    const held = await gh.login().catch((e: unknown) => e);
    clock += 91_000;
    const after = await gh.login();

    expect(error).toMatchObject({ name: "GitHubRateLimitError", limit: "secondary", resetAt: Date.parse("2026-11-21T10:01:30Z"), status });
    expect(held).toBeInstanceOf(GitHubRateLimitError);
    expect(after).toBe("alice");
    expect(github.requests("/user")).toBe(2);
  });

  it("an unreachable GitHub is unavailable, not a refused token", async () => {
    const gh = new GitHubClient({ token: TOKEN, baseUrl: "http://127.0.0.1:9", now: () => clock });

    await expect(gh.login()).rejects.toBeInstanceOf(GitHubUnavailableError);
  });
});

describe("GitHubClient.listRepositories, a full last page", () => {
  it("is idle at 2 requests, both 304, once the empty page past it is kept", async () => {
    // Prepare: 100 repositories; the first listing, then the one that probes page 2
    github.addRepos("alice", 100);
    const gh = client();
    const first = await gh.listRepositories([]);
    const second = await gh.listRepositories(kept(first));
    github.resetRequestCounts();

    // Act
    const third = await gh.listRepositories(kept(second));

    // Assess
    expect(second.map((page) => page.repos.length)).toEqual([100, 0]);
    expect(third).toHaveLength(2);
    expect(github.requests("/user/repos", 304)).toBe(2);
    expect(github.requests("/user/repos")).toBe(2);
  });
});

describe("GitHubClient.listStargazers past GitHub's 400 pages", () => {
  it("names nobody instead of failing the poll when the newest page is beyond GitHub's limit", async () => {
    const repo = github.addRepo("alice", "huge", { stars: 40_001 });

    const found = await client().listStargazers(repo, 40_001, (soFar) => soFar.length >= 1);

    expect(found).toEqual([]);
    expect(github.requests("/repos/alice/huge/stargazers", 422)).toBe(1);
  });
});
