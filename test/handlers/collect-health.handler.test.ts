/**
 * The deployed collector keeps each source's health on the account's `#account` item, written only
 * when it says something new: the collect handlers as src/lambda/collect.ts wires them, against the
 * stand-in Qiita and GitHub and DynamoDB Local, counting the health writes.
 */
import { Metrics } from "@aws-lambda-powertools/metrics";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DynamoDBArticleStore } from "#adapters/dynamodb/dynamodb-article-store.ts";
import { DynamoDbRepositoryStore } from "#adapters/dynamodb/dynamodb-repository-store.ts";
import { DynamoDbSourceHealth } from "#adapters/dynamodb/dynamodb-source-health.ts";
import { GitHubClient } from "#adapters/github/github-client.ts";
import { githubOutcomeOf, qiitaOutcomeOf } from "#adapters/poll-outcome.ts";
import { QiitaClient } from "#adapters/qiita/qiita-client.ts";
import type { SourceHealth } from "#domain/collector/source-health.ts";
import { createCollectHandler } from "#handlers/collect.handler.ts";
import { createCollectStarsHandler } from "#handlers/collect-stars.handler.ts";
import { FakeGitHubServer } from "#test/fakes/fake-github-server.ts";
import { FakeQiitaServer } from "#test/fakes/fake-qiita-server.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";
import { RecordingLogger } from "#test/support/recording-logger.ts";

/** The real adapter, counting its writes. */
class CountingSourceHealth extends DynamoDbSourceHealth {
  readonly written: { source: string; userId: string; health: SourceHealth }[] = [];
  override async write(source: string, userId: string, health: SourceHealth): Promise<void> {
    await super.write(source, userId, health);
    this.written.push({ source, userId, health });
  }
}

/** Powertools' Metrics without the EMF lines. */
class QuietMetrics extends Metrics {
  override publishStoredMetrics(): this {
    this.clearMetrics();
    return this;
  }
}

/** A poll of the one account that Qiita fails: the handler then fails the invocation (the errors alarm). */
const failed = (poll: Promise<unknown>) => expect(poll).rejects.toThrow(/Every account's poll failed/);

/** The schedule's interval: a failing source's next try (collectSettings' backoff). */
const EVERY_MS = 300_000;
const retryBackoff = { baseMs: EVERY_MS, capMs: EVERY_MS };

let tables: TestTables;
let health: CountingSourceHealth;
let clock: number;
const now = () => clock;

beforeEach(async () => {
  tables = await createTestTables();
  health = new CountingSourceHealth({ articlesTable: tables.articles, repositoriesTable: tables.repositories, client: tables.doc, now });
  clock = Date.parse("2026-11-30T10:00:00Z");
});

describe("the Qiita collector's health", () => {
  let qiita: FakeQiitaServer;

  beforeEach(async () => {
    qiita = await FakeQiitaServer.start({ now });
    qiita.addUser("alice", "token-alice");
    qiita.addArticles("alice", 2);
  });

  afterEach(async () => {
    await qiita.close();
  });

  function collector() {
    const client = new QiitaClient({ token: "token-alice", userId: "alice", baseUrl: qiita.baseUrl, now });
    return createCollectHandler({
      accounts: async () => [{ userId: "alice" }],
      sourceFor: () => client,
      store: new DynamoDBArticleStore(tables.articles, tables.doc),
      logger: new RecordingLogger(),
      metrics: new QuietMetrics({ namespace: "Test" }),
      now,
      health,
      outcomeOf: qiitaOutcomeOf,
      backoff: retryBackoff,
    });
  }

  it("records the first outcome once, then nothing while Qiita stays ok", async () => {
    // Prepare
    const collect = collector();

    // Act
    await collect();
    clock += EVERY_MS;
    await collect();
    clock += EVERY_MS;
    await collect();

    // Assess
    expect(health.written.map(({ health: h }) => h.state)).toEqual(["ok"]);
    expect(await health.statuses("alice")).toEqual([{ name: "qiita", state: "ok", since: "2026-11-30T10:00:00.000Z", message: "ok" }]);
  });

  it("writes failing once while Qiita stays down (its next try the next run), and ok once when it answers", async () => {
    // Prepare
    const collect = collector();
    await collect();
    clock += EVERY_MS;
    const downAt = clock;

    // Act
    qiita.injectFault("error500", { count: 3 });
    await failed(collect());
    const whileDown = await health.statuses("alice");
    clock += EVERY_MS;
    await failed(collect());
    clock += EVERY_MS;
    await failed(collect());
    clock += EVERY_MS;
    await collect();

    // Assess
    expect(health.written.map(({ health: h }) => h.state)).toEqual(["ok", "failing", "ok"]);
    expect(whileDown).toEqual([
      {
        name: "qiita",
        state: "failing",
        since: new Date(downAt).toISOString(),
        retryAt: new Date(downAt + EVERY_MS).toISOString(),
        message: expect.stringMatching(/HTTP 500/),
      },
    ]);
    expect(await health.statuses("alice")).toEqual([{ name: "qiita", state: "ok", since: new Date(clock).toISOString(), message: "ok" }]);
  });

  it("writes rate-limited once with Rate-Reset as retryAt, nothing while paused, and ok after the reset", async () => {
    // Prepare
    const collect = collector();
    await collect();
    const resetSeconds = Math.floor(clock / 1000) + 600;
    qiita.setRateRemaining("token-alice", 0, resetSeconds);

    // Act
    await collect();
    const limited = await health.statuses("alice");
    clock += 60_000;
    await collect();
    await collect();
    const requestsWhilePaused = qiita.requests();
    clock = resetSeconds * 1000 + 1_000;
    await collect();

    // Assess
    expect(health.written.map(({ health: h }) => h.state)).toEqual(["ok", "rate-limited", "ok"]);
    expect(limited).toEqual([
      {
        name: "qiita",
        state: "rate-limited",
        since: "2026-11-30T10:00:00.000Z",
        retryAt: new Date(resetSeconds * 1000).toISOString(),
        message: `Qiita's rate limit is spent until ${new Date(resetSeconds * 1000).toISOString()}; polls resume then, nothing is lost.`,
      },
    ]);
    expect(requestsWhilePaused).toBeGreaterThan(0);
    expect(qiita.requests()).toBeGreaterThan(requestsWhilePaused);
  });

  it("reads what another instance recorded instead of trusting its own memory", async () => {
    // Prepare: instance A saw Qiita fail; instance B then saw it answer
    const a = collector();
    const b = collector();
    await a();
    qiita.injectFault("error500", { count: 1 });
    clock += EVERY_MS;
    await failed(a());
    clock += EVERY_MS;
    await b();

    // Act: A again, Qiita ok: nothing new to the table
    clock += EVERY_MS;
    await a();

    // Assess
    expect(health.written.map(({ health: h }) => h.state)).toEqual(["ok", "failing", "ok"]);
  });
});

describe("the GitHub collector's health", () => {
  const TOKEN = "ghp_alice";
  let github: FakeGitHubServer;

  beforeEach(async () => {
    github = await FakeGitHubServer.start({ now });
    github.addUser("Alice-GH", TOKEN);
    github.addRepo("Alice-GH", "hello", { stars: 1 });
  });

  afterEach(async () => {
    await github.close();
  });

  function collector(baseUrl = github.baseUrl) {
    const client = new GitHubClient({ token: TOKEN, baseUrl, now });
    return createCollectStarsHandler({
      token: async () => TOKEN,
      logins: async () => new Map([["alice-gh", "alice"]]),
      sourceFor: () => client,
      store: new DynamoDbRepositoryStore({ tableName: tables.repositories, client: tables.doc }),
      logger: new RecordingLogger(),
      now,
      health,
      outcomeOf: githubOutcomeOf,
      backoff: retryBackoff,
    });
  }

  it("records GitHub's rate limit once on the user's repositories #account item, apart from Qiita's", async () => {
    // Prepare
    const collect = collector();
    await collect();
    const resetSeconds = Math.floor(clock / 1000) + 900;
    github.setRateRemaining(TOKEN, 0, resetSeconds);

    // Act
    clock += EVERY_MS;
    await collect();
    clock += EVERY_MS;
    await collect();

    // Assess
    expect(health.written.map(({ source, health: h }) => `${source} ${h.state}`)).toEqual(["github ok", "github rate-limited"]);
    expect(await health.statuses("alice")).toEqual([
      {
        name: "github",
        state: "rate-limited",
        since: new Date(clock - EVERY_MS).toISOString(),
        retryAt: new Date(resetSeconds * 1000).toISOString(),
        message: `GitHub asks to wait until ${new Date(resetSeconds * 1000).toISOString()}; stars resume then, nothing is lost.`,
      },
    ]);
  });

  it("tells the only GitHub user that GitHub is unreachable even before it said whose token it is", async () => {
    // Prepare: a fresh instance, GitHub away (a closed port)
    const closed = await FakeGitHubServer.start({ now });
    const unreachable = closed.baseUrl;
    await closed.close();

    // Act
    const result = await collector(unreachable)();

    // Assess
    expect(result).toHaveProperty("error");
    expect(health.written.map(({ userId, health: h }) => `${userId} ${h.state}`)).toEqual(["alice failing"]);
  });
});
