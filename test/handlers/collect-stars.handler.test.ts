/** The deployed stars poll: token and login mapping from the settings, the stand-in GitHub, DynamoDB Local. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DynamoDbRepositoryStore } from "#adapters/dynamodb/dynamodb-repository-store.ts";
import { GitHubClient } from "#adapters/github/github-client.ts";
import { type CollectStarsHandlerDeps, createCollectStarsHandler } from "#handlers/collect-stars.handler.ts";
import { FakeGitHubServer } from "#test/fakes/fake-github-server.ts";
import { createTestTables } from "#test/support/dynamodb.ts";
import { RecordingLogger } from "#test/support/recording-logger.ts";

const TOKEN = "ghp_alice";
let github: FakeGitHubServer;
let store: DynamoDbRepositoryStore;
let logger: RecordingLogger;

beforeEach(async () => {
  github = await FakeGitHubServer.start();
  github.addUser("Alice-GH", TOKEN);
  const tables = await createTestTables();
  store = new DynamoDbRepositoryStore({ tableName: tables.repositories, client: tables.doc });
  logger = new RecordingLogger();
});

afterEach(async () => {
  await github.close();
});

function handler(overrides: Partial<CollectStarsHandlerDeps> = {}) {
  const clients = new Map<string, GitHubClient>();
  return createCollectStarsHandler({
    token: async () => TOKEN,
    logins: async () => new Map([["alice-gh", "alice"]]),
    sourceFor: (token) => {
      const client = clients.get(token) ?? new GitHubClient({ token, baseUrl: github.baseUrl });
      clients.set(token, client);
      return client;
    },
    store,
    logger,
    ...overrides,
  });
}

describe("createCollectStarsHandler", () => {
  it("polls the token's repositories for the user its login maps to (logins case-insensitive)", async () => {
    // Prepare
    const repo = github.addRepo("Alice-GH", "hello", { stars: 1 });
    const collect = handler();
    await collect();
    github.star(repo, "carol");

    // Act
    const result = await collect();

    // Assess
    expect(result).toMatchObject({ userId: "alice", written: 1 });
    expect((await store.load("alice")).repositories.get(repo)).toMatchObject({ stargazersCount: 2, lastStargazers: ["carol"] });
  });

  it("polls nothing without a token", async () => {
    const result = await handler({ token: async () => undefined })();

    expect(result).toEqual({ skipped: "no GitHub token" });
    expect(github.requests()).toBe(0);
  });

  it("says which githubLogin to add when the login is in no account, and writes nothing", async () => {
    github.addRepo("Alice-GH", "hello", { stars: 1 });

    const result = await handler({ logins: async () => new Map() })();

    expect(result).toEqual({
      skipped:
        'GitHub login "Alice-GH" is in no account: add "githubLogin":"Alice-GH" to the account its stars go to in the qiita-accounts parameter.',
    });
    expect(github.requests("/user/repos")).toBe(0);
  });

  it("logs a refused token instead of throwing, so Qiita's polls in the same invocation are untouched", async () => {
    const result = await handler({ token: async () => "ghp_wrong" })();

    expect(result).toMatchObject({ error: expect.stringMatching(/GitHub refused the token \(HTTP 401/) });
    expect(logger.lines.map((line) => line.message)).toContain("github poll failed");
  });
});
