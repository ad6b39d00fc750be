import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RecordingLogger } from "#test/support/recording-logger.ts";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { type CollectHandlerDeps, createCollectHandler } from "#handlers/collect.handler.ts";
import { DynamoDBArticleStore } from "#adapters/dynamodb/dynamodb-article-store.ts";
import { QiitaClient } from "#adapters/qiita/qiita-client.ts";
import { FakeQiitaServer } from "#test/fakes/fake-qiita-server.ts";
import { createTestTables } from "#test/support/dynamodb.ts";

interface TestAccount {
  readonly userId: string;
  readonly qiitaToken: string;
}

/** Powertools' Metrics, keeping the values instead of printing EMF. */
class RecordingMetrics extends Metrics {
  readonly values = new Map<string, number>();
  published = 0;
  override addMetric(...[name, , value]: Parameters<Metrics["addMetric"]>): this {
    this.values.set(name, value);
    return this;
  }
  override publishStoredMetrics(): this {
    this.published++;
    return this;
  }
}

class RecordingTelemetry {
  readonly logger = new RecordingLogger();
  readonly metricsSink = new RecordingMetrics({ namespace: "Test" });
  get lines() {
    return this.logger.lines;
  }
  get metrics() {
    return this.metricsSink.values;
  }
  get published() {
    return this.metricsSink.published;
  }
}

let qiita: FakeQiitaServer;

beforeEach(async () => {
  qiita = await FakeQiitaServer.start();
  qiita.addUser("alice", "token-alice");
  qiita.addUser("bob", "token-bob");
});

afterEach(async () => {
  await qiita.close();
});

async function handlerFor(accounts: TestAccount[], onPolled?: CollectHandlerDeps<TestAccount>["onPolled"]) {
  const tables = await createTestTables();
  const telemetry = new RecordingTelemetry();
  const store = new DynamoDBArticleStore(tables.articles, tables.doc);
  const handler = createCollectHandler<TestAccount>({
    accounts: async () => accounts,
    sourceFor: (account) => new QiitaClient({ token: account.qiitaToken, userId: account.userId, baseUrl: qiita.baseUrl }),
    store,
    logger: telemetry.logger,
    metrics: telemetry.metricsSink,
    ...(onPolled ? { onPolled } : {}),
  });
  return { handler, telemetry, store };
}

describe("collect handler", () => {
  it("polls every account and publishes what it did", async () => {
    // Prepare
    qiita.addArticles("alice", 2);
    qiita.addArticles("bob", 3);
    const { handler, telemetry, store } = await handlerFor([
      { userId: "alice", qiitaToken: "token-alice" },
      { userId: "bob", qiitaToken: "token-bob" },
    ]);

    // Act
    const results = await handler();

    // Assess
    expect(results).toMatchObject([
      { userId: "alice", baseline: true, written: 2 },
      { userId: "bob", baseline: true, written: 3 },
    ]);
    expect((await store.load("bob")).articles.size).toBe(3);
    expect(telemetry.metrics.get("ArticlesWritten")).toBe(5);
    expect(telemetry.metrics.get("AccountsFailed")).toBe(0);
    expect(telemetry.published).toBe(1);
  });

  it("keeps polling the other accounts when one token is refused, and logs the fix without the token", async () => {
    // Prepare
    qiita.addArticles("bob", 1);
    const { handler, telemetry } = await handlerFor([
      { userId: "alice", qiitaToken: "revoked-secret-token" },
      { userId: "bob", qiitaToken: "token-bob" },
    ]);

    // Act
    const results = await handler();

    // Assess
    expect(results[0]).toMatchObject({ userId: "alice", error: expect.stringMatching(/QIITA_TOKEN/) });
    expect(results[1]).toMatchObject({ userId: "bob", written: 1 });
    expect(telemetry.lines.filter((l) => l.level === "error")).toHaveLength(1);
    expect(telemetry.metrics.get("AccountsFailed")).toBe(1);
    expect(JSON.stringify(telemetry.lines, (_k, v) => (v instanceof Error ? v.message : v))).not.toMatch(/revoked-secret-token/);
  });

  it("fails the invocation when every account failed, so the errors alarm fires", async () => {
    // Prepare
    const { handler, telemetry } = await handlerFor([{ userId: "alice", qiitaToken: "nope" }]);

    // Act
    const outcome = await handler().catch((e: unknown) => e);

    // Assess
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toMatch(/Every account's poll failed/);
    expect(telemetry.published).toBe(1);
  });

  it("tells an observer every account's outcome and leaves the failures it reports unlogged", async () => {
    // Prepare: alice's token is refused (reported by the observer), bob's poll is not reported
    qiita.addArticles("bob", 1);
    const seen: string[] = [];
    const { handler, telemetry } = await handlerFor(
      [
        { userId: "alice", qiitaToken: "refused" },
        { userId: "bob", qiitaToken: "token-bob" },
      ],
      (account, outcome) => {
        seen.push(`${account.userId}:${"error" in outcome ? (outcome.error as Error).name : "ok"}`);
        return account.userId === "alice";
      },
    );

    // Act
    await handler();

    // Assess
    expect(seen).toEqual(["alice:QiitaAuthError", "bob:ok"]);
    expect(telemetry.lines.filter((l) => l.level === "error")).toHaveLength(0);
  });
});
