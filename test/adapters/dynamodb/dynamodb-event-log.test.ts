import { beforeAll, describe, expect, it } from "vitest";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { DynamoDbEventLog } from "#adapters/dynamodb/dynamodb-event-log.ts";
import { eventIdFromSequence } from "#domain/like-events.ts";
import type { Notification } from "#domain/notification.ts";
import { likeEvent as like } from "#test/support/like-events.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";

describe("DynamoDbEventLog", () => {
  let tables: TestTables;
  let clock = 1_800_000_000_000;
  let log: DynamoDbEventLog;

  beforeAll(async () => {
    tables = await createTestTables();
    log = new DynamoDbEventLog({ tableName: tables.events, client: tables.doc, now: () => clock });
  });

  it("returns the events after an id, oldest first, with their original fields", async () => {
    // Prepare: more than one BatchWriteItem (25) and out of order
    const events = [30, 9, 10, 11, ...Array.from({ length: 30 }, (_, i) => 100 + i)].map((n) => like("alice", n));
    await log.append(events);

    // Act
    const missed = await log.after("alice", eventIdFromSequence("10"), 1_000);

    // Assess
    expect(missed.map((e) => likesOf(e))).toEqual([11, 30, ...Array.from({ length: 30 }, (_, i) => 100 + i)]);
    expect(missed[0]).toEqual(like("alice", 11));
  });

  it("returns at most the limit after an id, the oldest of them", async () => {
    await log.append([1, 2, 3, 4, 5].map((n) => like("gina", n)));

    const page = await log.after("gina", eventIdFromSequence("1"), 2);

    expect(page.map((e) => likesOf(e))).toEqual([2, 3]);
  });

  it("reads a row written before notifications had kinds as a like", async () => {
    const { kind: _kind, to: _to, ...legacy } = like("hank", 9);
    await tables.doc.send(new PutCommand({ TableName: tables.events, Item: { ...legacy, expiresAt: Math.floor(clock / 1000) + 60 } }));

    expect(await log.after("hank", "0", 10)).toEqual([like("hank", 9)]);
  });

  it("returns a user's newest events, oldest of them first", async () => {
    await log.append([1, 2, 3, 4, 5].map((n) => like("frank", n)));

    const recent = await log.recent("frank", 3);

    expect(recent.map((e) => likesOf(e))).toEqual([3, 4, 5]);
    expect(recent[0]).toEqual(like("frank", 3));
  });

  it("never returns another user's events", async () => {
    await log.append([like("bob", 1), like("carol", 2)]);

    expect((await log.after("bob", eventIdFromSequence("0"), 100)).map((e) => e.userId)).toEqual(["bob"]);
  });

  it("writing the same event twice keeps one copy", async () => {
    await log.append([like("dave", 5)]);
    await log.append([like("dave", 5)]);

    expect(await log.after("dave", eventIdFromSequence("0"), 100)).toHaveLength(1);
  });

  it("forgets events older than 24 hours even before TTL deletes them", async () => {
    await log.append([like("erin", 7)]);

    clock += 24 * 3_600 * 1_000 + 1_000;

    expect(await log.after("erin", eventIdFromSequence("0"), 100)).toEqual([]);
  });
});

/** The like count of an event these tests wrote (all likes). */
function likesOf(event: Notification): number {
  if (event.kind !== "like") throw new Error(`expected a like, got ${event.kind}`);
  return event.likesCount;
}
