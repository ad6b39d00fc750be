/**
 * Status frames deployed: the collector records a source's health on the `#account` items, and
 * $default (wired as src/lambda/default.ts wires it) tells a tab what is recorded for its user,
 * with a resume and in answer to {"action":"status"}. DynamoDB Local, the stand-in Qiita and GitHub.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDBArticleStore } from "#adapters/dynamodb/dynamodb-article-store.ts";
import { DynamoDbConnectionStore } from "#adapters/dynamodb/dynamodb-connection-store.ts";
import { DynamoDbEventLog } from "#adapters/dynamodb/dynamodb-event-log.ts";
import { DynamoDbRepositoryStore } from "#adapters/dynamodb/dynamodb-repository-store.ts";
import { DynamoDbSourceHealth } from "#adapters/dynamodb/dynamodb-source-health.ts";
import { GitHubClient } from "#adapters/github/github-client.ts";
import { githubOutcomeOf, qiitaOutcomeOf } from "#adapters/poll-outcome.ts";
import { QiitaClient } from "#adapters/qiita/qiita-client.ts";
import { createCollectHandler } from "#handlers/collect.handler.ts";
import { createCollectStarsHandler } from "#handlers/collect-stars.handler.ts";
import { createDefaultHandler } from "#handlers/default.handler.ts";
import { FakeGitHubServer } from "#test/fakes/fake-github-server.ts";
import { FakeQiitaServer } from "#test/fakes/fake-qiita-server.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";
import { websocketEvent } from "#test/support/events.ts";
import { RecordingLogger } from "#test/support/recording-logger.ts";
import { RecordingPoster } from "#test/support/recording-poster.ts";

class QuietMetrics extends Metrics {
  override publishStoredMetrics(): this {
    this.clearMetrics();
    return this;
  }
}

const EVERY_MS = 300_000;
const start = Date.parse("2026-11-30T10:00:00Z");

describe("$default's status frame, deployed", () => {
  let tables: TestTables;
  let qiita: FakeQiitaServer;
  let github: FakeGitHubServer;
  let clock = start;
  const now = () => clock;
  let collectLikes: ReturnType<typeof createCollectHandler>;
  let collectStars: ReturnType<typeof createCollectStarsHandler>;
  let handle: ReturnType<typeof createDefaultHandler>;
  let poster: RecordingPoster;

  beforeAll(async () => {
    tables = await createTestTables();
    qiita = await FakeQiitaServer.start({ now });
    qiita.addUser("alice", "token-alice");
    qiita.addArticles("alice", 1);
    github = await FakeGitHubServer.start({ now });
    github.addUser("Alice-GH", "ghp_alice");
    github.addRepo("Alice-GH", "hello", { stars: 1 });
    // Two sets of the same adapter: the collector's and $default's, as two functions have.
    const healthOf = () =>
      new DynamoDbSourceHealth({ articlesTable: tables.articles, repositoriesTable: tables.repositories, client: tables.doc, now });
    const qiitaClient = new QiitaClient({ token: "token-alice", userId: "alice", baseUrl: qiita.baseUrl, now });
    const githubClient = new GitHubClient({ token: "ghp_alice", baseUrl: github.baseUrl, now });
    const backoff = { baseMs: EVERY_MS, capMs: EVERY_MS };
    const collectorHealth = healthOf();
    collectLikes = createCollectHandler({
      accounts: async () => [{ userId: "alice" }],
      sourceFor: () => qiitaClient,
      store: new DynamoDBArticleStore(tables.articles, tables.doc),
      logger: new RecordingLogger(),
      metrics: new QuietMetrics({ namespace: "Test" }),
      now,
      health: collectorHealth,
      outcomeOf: qiitaOutcomeOf,
      backoff,
    });
    collectStars = createCollectStarsHandler({
      token: async () => "ghp_alice",
      logins: async () => new Map([["alice-gh", "alice"]]),
      sourceFor: () => githubClient,
      store: new DynamoDbRepositoryStore({ tableName: tables.repositories, client: tables.doc }),
      logger: new RecordingLogger(),
      now,
      health: collectorHealth,
      outcomeOf: githubOutcomeOf,
      backoff,
    });
    const connections = new DynamoDbConnectionStore({ tableName: tables.connections, client: tables.doc });
    poster = new RecordingPoster();
    handle = createDefaultHandler({
      connections,
      events: new DynamoDbEventLog({ tableName: tables.events, client: tables.doc }),
      poster,
      logger: new Logger({ logLevel: "SILENT" }),
      sourceHealth: healthOf(),
    });
    await connections.save({ connectionId: "alice-tab", userId: "alice", connectedAt: 1, expiresAt: 2e9 });
    await connections.save({ connectionId: "bob-tab", userId: "bob", connectedAt: 1, expiresAt: 2e9 });
  });

  afterAll(async () => {
    await Promise.all([qiita.close(), github.close()]);
  });

  const askStatus = async (connectionId: string) =>
    JSON.parse((await handle(websocketEvent("message", connectionId, { body: '{"action":"status"}' }))).body ?? "");

  it("answers no sources before the collector has recorded any, as for a user no source watches", async () => {
    // Act / Assess
    expect(await askStatus("alice-tab")).toEqual({ type: "status", sources: [] });
  });

  it("answers what the collector recorded: Qiita failing with the next run as its retry, GitHub ok", async () => {
    // Prepare: a first run, both ok; then Qiita fails at the next run
    await Promise.all([collectLikes(), collectStars()]);
    clock += EVERY_MS;
    const downAt = clock;
    qiita.injectFault("error500", { count: 1 });
    await Promise.all([collectLikes().catch(() => undefined), collectStars()]);

    // Act
    const status = await askStatus("alice-tab");
    const bob = await askStatus("bob-tab");

    // Assess
    expect(status).toEqual({
      type: "status",
      sources: [
        {
          name: "qiita",
          state: "failing",
          since: new Date(downAt).toISOString(),
          retryAt: new Date(downAt + EVERY_MS).toISOString(),
          message: expect.stringMatching(/HTTP 500/),
        },
        { name: "github", state: "ok", since: new Date(start).toISOString(), message: "ok" },
      ],
    });
    expect(bob).toEqual({ type: "status", sources: [] });
  });

  it("follows a resume with the same status frame, and says Qiita is ok again after the next run", async () => {
    // Prepare
    clock += EVERY_MS;
    await collectLikes();

    // Act
    await handle(websocketEvent("message", "alice-tab", { body: '{"action":"resume","since":"0"}' }));

    // Assess
    expect(poster.framesOf("alice-tab").filter((frame) => frame.type === "status")).toEqual([
      {
        type: "status",
        sources: [
          { name: "qiita", state: "ok", since: new Date(clock).toISOString(), message: "ok" },
          { name: "github", state: "ok", since: new Date(start).toISOString(), message: "ok" },
        ],
      },
    ]);
  });
});
