import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT_MARKER_ITEM_ID, DynamoDBArticleStore } from "#adapters/dynamodb/dynamodb-article-store.ts";
import { DynamoDbRepositoryStore, REPOSITORY_ACCOUNT_ITEM } from "#adapters/dynamodb/dynamodb-repository-store.ts";
import { DynamoDbSourceHealth } from "#adapters/dynamodb/dynamodb-source-health.ts";
import { articleChangeFromRecord } from "#adapters/dynamodb/stream-record.ts";
import type { SourceHealth } from "#domain/collector/source-health.ts";
import { likeEventFromChange } from "#domain/like-events.ts";
import { starEventFromChange } from "#domain/star-events.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";
import { matches, type Pattern } from "#test/infra/event-filter.ts";
import { NOTIFYING_RECORDS } from "../../../infra/stateless-stack.ts";

const t0 = Date.parse("2026-11-30T10:00:00Z");
const failing: SourceHealth = {
  name: "qiita",
  state: "failing",
  since: t0,
  retryAt: t0 + 300_000,
  message: "Qiita unreachable (HTTP 503)",
  failures: 1,
};
const rateLimited: SourceHealth = {
  name: "github",
  state: "rate-limited",
  since: t0,
  retryAt: t0 + 600_000,
  message: "GitHub asks to wait",
  failures: 0,
};

describe("DynamoDbSourceHealth", () => {
  let tables: TestTables;
  let health: DynamoDbSourceHealth;
  let now = t0;

  beforeAll(async () => {
    tables = await createTestTables();
    health = new DynamoDbSourceHealth({
      articlesTable: tables.articles,
      repositoriesTable: tables.repositories,
      client: tables.doc,
      now: () => now,
    });
  });

  it("reads back what it wrote, per source and per user", async () => {
    // Act
    await health.write("qiita", "alice", failing);
    await health.write("github", "alice", rateLimited);

    // Assess
    expect(await health.read("qiita", "alice")).toEqual(failing);
    expect(await health.read("github", "alice")).toEqual(rateLimited);
    expect(await health.read("qiita", "bob")).toBeUndefined();
  });

  it("answers the recorded sources in the status frame's words, Qiita first, and none for a user nothing watches", async () => {
    // Prepare
    now = t0 + 1_000;
    await health.write("github", "carol", { ...rateLimited, name: "github" });
    await health.write("qiita", "carol", { name: "qiita", state: "ok", since: t0, message: "ok", failures: 0 });

    // Act
    const carol = await health.statuses("carol");
    const nobody = await health.statuses("nobody");

    // Assess
    expect(carol).toEqual([
      { name: "qiita", state: "ok", since: "2026-11-30T10:00:00.000Z", message: "ok" },
      {
        name: "github",
        state: "rate-limited",
        since: "2026-11-30T10:00:00.000Z",
        retryAt: "2026-11-30T10:10:00.000Z",
        message: "GitHub asks to wait",
      },
    ]);
    expect(nobody).toEqual([]);
  });

  it("leaves out a retry time already past (the page then says only 'retrying')", async () => {
    // Prepare
    await health.write("qiita", "dave", failing);
    now = failing.retryAt! + 1;

    // Act
    const [status] = await health.statuses("dave");

    // Assess
    expect(status).toEqual({ name: "qiita", state: "failing", since: "2026-11-30T10:00:00.000Z", message: failing.message });
  });

  it("shares the #account items with the baseline marks: neither write erases the other", async () => {
    // Prepare
    const articles = new DynamoDBArticleStore(tables.articles, tables.doc);
    const repositories = new DynamoDbRepositoryStore({ tableName: tables.repositories, client: tables.doc });

    // Act
    await articles.markBaselined("erin", t0);
    await health.write("qiita", "erin", failing);
    await repositories.saveListing("erin", { pages: [], previousPageCount: 0, baselinedAt: t0 });
    await health.write("github", "erin", rateLimited);
    await articles.markBaselined("frank", t0);
    await health.write("qiita", "frank", failing);
    await articles.markBaselined("frank", t0 + 5);

    // Assess
    expect((await articles.load("erin")).baselined).toBe(true);
    expect((await articles.load("erin")).articles.size).toBe(0);
    expect((await repositories.listing("erin")).baselined).toBe(true);
    expect((await repositories.load("erin")).repositories.size).toBe(0);
    expect(await health.read("qiita", "erin")).toEqual(failing);
    expect(await health.read("github", "erin")).toEqual(rateLimited);
    expect(await health.read("qiita", "frank")).toEqual(failing);
  });

  it("writes items that the streams' filter and the stream handler both leave alone", async () => {
    // Prepare: the items exactly as stored, as a stream record would carry them
    await health.write("qiita", "gina", failing);
    await health.write("github", "gina", rateLimited);
    const pattern = JSON.parse(NOTIFYING_RECORDS.pattern as string) as Pattern;
    const [{ Item: qiitaItem }, { Item: githubItem }] = await Promise.all([
      tables.doc.send(new GetCommand({ TableName: tables.articles, Key: { userId: "gina", itemId: ACCOUNT_MARKER_ITEM_ID } })),
      tables.doc.send(new GetCommand({ TableName: tables.repositories, Key: { userId: "gina", repo: REPOSITORY_ACCOUNT_ITEM } })),
    ]);
    const recordOf = (item: Record<string, unknown> | undefined, key: Record<string, string>): DynamoDBRecord => ({
      eventName: "MODIFY",
      eventSource: "aws:dynamodb",
      dynamodb: {
        Keys: marshall(key) as never,
        NewImage: marshall(item ?? {}) as never,
        SequenceNumber: "1",
        StreamViewType: "NEW_AND_OLD_IMAGES",
        ApproximateCreationDateTime: t0 / 1000,
      },
    });
    const qiitaRecord = recordOf(qiitaItem, { userId: "gina", itemId: ACCOUNT_MARKER_ITEM_ID });
    const githubRecord = recordOf(githubItem, { userId: "gina", repo: REPOSITORY_ACCOUNT_ITEM });

    // Act
    const passed = [qiitaRecord, githubRecord].map((record) => matches(pattern, record));
    const like = likeEventFromChange(articleChangeFromRecord(qiitaRecord));
    const star = starEventFromChange(articleChangeFromRecord(githubRecord));

    // Assess
    expect(qiitaItem?.health).toMatchObject({ state: "failing" });
    expect(githubItem?.health).toMatchObject({ state: "rate-limited" });
    expect(passed).toEqual([false, false]);
    expect([like, star]).toEqual([null, null]);
  });

  it("refuses a source it keeps no health for", async () => {
    // Act / Assess
    await expect(health.write("slack", "alice", failing)).rejects.toThrow(/no health is kept for the source "slack"/);
  });
});
