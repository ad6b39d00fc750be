/** The collect-stars use case over the stand-in GitHub server (real HTTP, Octokit) and DynamoDB Local. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DynamoDbRepositoryStore } from "#adapters/dynamodb/dynamodb-repository-store.ts";
import { GitHubClient } from "#adapters/github/github-client.ts";
import { PollPause } from "#domain/collector/poll-pause.ts";
import { collectStars } from "#domain/github/collect-stars.ts";
import type { StoredRepository } from "#domain/github/repository.ts";
import type { RepositoryStore } from "#domain/ports.ts";
import { FakeGitHubServer } from "#test/fakes/fake-github-server.ts";
import { createTestTables } from "#test/support/dynamodb.ts";

const TOKEN = "ghp_alice";
let github: FakeGitHubServer;
let store: DynamoDbRepositoryStore;
let clock: number;
let pause: PollPause;
let client: GitHubClient;

beforeEach(async () => {
  clock = Date.parse("2026-11-21T10:00:00Z");
  github = await FakeGitHubServer.start({ now: () => clock });
  github.addUser("alice", TOKEN);
  const tables = await createTestTables();
  store = new DynamoDbRepositoryStore({ tableName: tables.repositories, client: tables.doc });
  pause = new PollPause();
  client = new GitHubClient({ token: TOKEN, baseUrl: github.baseUrl, now: () => clock });
});

afterEach(async () => {
  await github.close();
});

function poll(overrides: { store?: RepositoryStore } = {}) {
  return collectStars({ userId: "u-alice", source: client, store: overrides.store ?? store, pause, now: () => clock });
}

async function stored(repo: string): Promise<StoredRepository | undefined> {
  return (await store.load("u-alice")).repositories.get(repo);
}

describe("collectStars", () => {
  it("takes a silent baseline on the first poll", async () => {
    // Prepare
    const repo = github.addRepo("alice", "hello", { stars: 3 });

    // Act
    const summary = await poll();

    // Assess
    expect(summary).toEqual({ userId: "u-alice", baseline: true, notModified: false, written: 1, conflicts: 0, githubRequests: 1 });
    expect(await stored(repo)).toMatchObject({ stargazersCount: 3, baseline: true, lastDelta: 0, lastStargazers: [] });
    expect((await store.listing("u-alice")).baselined).toBe(true);
  });

  it("an idle poll of 250 repositories is 3 requests, all 304, and writes nothing", async () => {
    // Prepare
    github.addRepos("alice", 250, { stars: 1 });
    await poll();
    github.resetRequestCounts();
    const before = store.consumedCapacity().writeUnits;

    // Act
    const summary = await poll();

    // Assess
    expect(summary).toMatchObject({ notModified: true, written: 0, githubRequests: 3 });
    expect(github.requests("/", 304)).toBe(3);
    expect(github.requests("/", 200)).toBe(0);
    expect(store.consumedCapacity().writeUnits).toBe(before);
  });

  it("a new star writes the repository with its new stargazers, newest first", async () => {
    const repo = github.addRepo("alice", "hello", { stars: 2 });
    await poll();
    github.star(repo, "carol");
    github.star(repo, "dave");

    const summary = await poll();

    expect(summary).toMatchObject({ baseline: false, written: 1 });
    expect(await stored(repo)).toMatchObject({ stargazersCount: 4, lastDelta: 2, lastStargazers: ["dave", "carol"] });
    expect((await stored(repo))?.baseline).toBeUndefined();
  });

  it("the next poll after a star is idle again: the changed page's ETag was kept", async () => {
    const repo = github.addRepo("alice", "hello", { stars: 2 });
    await poll();
    github.star(repo, "carol");
    await poll();
    github.resetRequestCounts();

    const summary = await poll();

    expect(summary.notModified).toBe(true);
    expect(github.requests("/", 304)).toBe(1);
  });

  it("a push that moves pushed_at but no star writes nothing", async () => {
    const repo = github.addRepo("alice", "hello", { stars: 2 });
    await poll();
    github.push(repo);

    const summary = await poll();

    expect(summary).toMatchObject({ notModified: false, written: 0 });
    expect((await stored(repo))?.changedAt).toBe(clock);
  });

  it("an unstar is stored with a negative delta and names nobody", async () => {
    const repo = github.addRepo("alice", "hello", { stars: ["bob", "carol"] });
    await poll();
    github.unstar(repo, "bob");

    await poll();

    expect(await stored(repo)).toMatchObject({ stargazersCount: 1, lastDelta: -1, lastStargazers: [] });
  });

  it("a rate limit pauses the account and writes nothing, then the poll after the reset catches up", async () => {
    const repo = github.addRepo("alice", "hello", { stars: 1 });
    await poll();
    github.star(repo, "carol");
    github.secondaryLimit({ status: 429, retryAfterSeconds: 120 });

    const limited = await poll();
    const skipped = await poll();
    clock += 121_000;
    const after = await poll();

    expect(limited.skippedUntil).toBe(Date.parse("2026-11-21T10:02:00Z"));
    expect(skipped).toMatchObject({ skippedUntil: limited.skippedUntil, githubRequests: 0 });
    expect(after).toMatchObject({ written: 1 });
    expect(await stored(repo)).toMatchObject({ stargazersCount: 2, lastStargazers: ["carol"] });
  });

  it("a repository created after the baseline announces the stars it already has", async () => {
    github.addRepo("alice", "hello", { stars: 1 });
    await poll();
    clock += 60_000;
    const fresh = github.addRepo("alice", "fresh", { stars: ["bob", "carol"] });

    await poll();

    expect(await stored(fresh)).toMatchObject({ stargazersCount: 2, lastDelta: 2, lastStargazers: ["carol", "bob"] });
  });

  it("a renamed repository (created before the baseline) is written silently: its stars are not new", async () => {
    // Prepare
    clock -= 86_400_000;
    const old = github.addRepo("alice", "old-name", { stars: 5 });
    clock += 86_400_000;
    await poll();
    const renamed = github.rename(old, "new-name");

    // Act
    const summary = await poll();

    // Assess
    expect(summary.written).toBe(1);
    expect(await stored(renamed)).toMatchObject({ stargazersCount: 5, lastDelta: 0, lastStargazers: [] });
    expect((await stored(renamed))?.baseline).toBeUndefined();
  });

  it("a primary limit (403, x-ratelimit-remaining 0) pauses until x-ratelimit-reset and writes nothing", async () => {
    const repo = github.addRepo("alice", "hello", { stars: 1 });
    await poll();
    github.star(repo, "carol");
    const reset = Math.floor(clock / 1000) + 900;
    github.setRateRemaining(TOKEN, 0, reset);

    const limited = await poll();

    expect(limited).toMatchObject({ written: 0, skippedUntil: reset * 1000 });
    expect((await stored(repo))?.stargazersCount).toBe(1);
  });

  it("a lost race keeps the old ETags, so the next poll reads the change again instead of a 304", async () => {
    // Prepare: another collector writes the repository between this one's read and write.
    const repo = github.addRepo("alice", "hello", { stars: 1 });
    await poll();
    github.star(repo, "carol");
    const racing: RepositoryStore = {
      listing: (userId) => store.listing(userId),
      load: async (userId) => {
        const snapshot = await store.load(userId);
        const current = snapshot.repositories.get(repo) as StoredRepository;
        await store.write({ ...current, stargazersCount: 7 }, current.stargazersCount);
        return snapshot;
      },
      write: (next, previous) => store.write(next, previous),
      saveListing: (userId, listing) => store.saveListing(userId, listing),
    };

    // Act
    const lost = await poll({ store: racing });
    github.resetRequestCounts();
    const next = await poll();

    // Assess
    expect(lost).toMatchObject({ written: 0, conflicts: 1 });
    expect(next.notModified).toBe(false);
    expect(github.requests("/user/repos", 200)).toBe(1);
  });
});
