import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { DynamoDBArticleStore } from "#adapters/dynamodb/dynamodb-article-store.ts";
import { DynamoDbHotPollLease, HOT_LEASE_ITEM_ID } from "#adapters/dynamodb/dynamodb-hot-poll-lease.ts";
import { likeEventFromChange } from "#domain/like-events.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";

describe("DynamoDbHotPollLease", () => {
  let tables: TestTables;
  let lease: DynamoDbHotPollLease;
  const t0 = Date.parse("2026-11-30T10:00:00Z");

  beforeAll(async () => {
    tables = await createTestTables();
    lease = new DynamoDbHotPollLease({ tableName: tables.articles, client: tables.doc });
  });

  it("gives the first taker the lease and refuses everyone else until it runs out", async () => {
    // Act
    const first = await lease.take("alice", t0, t0 + 7_000);
    const second = await lease.take("alice", t0 + 1, t0 + 7_001);
    const justBefore = await lease.take("alice", t0 + 6_999, t0 + 14_000);
    const atExpiry = await lease.take("alice", t0 + 7_000, t0 + 14_000);

    // Assess
    expect([first, second, justBefore, atExpiry]).toEqual([true, false, false, true]);
  });

  it("lets exactly one of many concurrent takers through (tabs, Lambda invocations)", async () => {
    // Act
    const taken = await Promise.all(Array.from({ length: 10 }, () => lease.take("bob", t0, t0 + 7_000)));

    // Assess
    expect(taken.filter(Boolean)).toHaveLength(1);
  });

  it("keeps one lease per account", async () => {
    // Act
    const carol = await lease.take("carol", t0, t0 + 7_000);
    const dave = await lease.take("dave", t0, t0 + 7_000);

    // Assess
    expect([carol, dave]).toEqual([true, true]);
  });

  it("lives in the account's partition without becoming an article, a like or a stream invocation", async () => {
    // Prepare
    await lease.take("erin", t0, t0 + 7_000);
    const { Item } = await tables.doc.send(
      new GetCommand({ TableName: tables.articles, Key: { userId: "erin", itemId: HOT_LEASE_ITEM_ID } }),
    );

    // Act
    const snapshot = await new DynamoDBArticleStore(tables.articles, tables.doc).load("erin");
    const like = likeEventFromChange({ eventName: "INSERT", sequenceNumber: "1", newImage: Item, approximateCreationMs: t0 });

    // Assess: the deployed stream filter (infra NOTIFYING_RECORDS) needs a positive lastDelta
    expect(Item).toEqual({ userId: "erin", itemId: HOT_LEASE_ITEM_ID, leaseUntil: t0 + 7_000 });
    expect(Item).not.toHaveProperty("lastDelta");
    expect(snapshot.articles.size).toBe(0);
    expect(like).toBeNull();
  });
});
