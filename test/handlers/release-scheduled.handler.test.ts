/**
 * The deployed sweep's handler on DynamoDB Local: what is due goes now, what falls due within the
 * look-ahead goes at its sendAt (never before), what lies beyond waits for a later run, and a run
 * stops waiting before the function's timeout.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { ScheduledEvent } from "aws-lambda";
import { beforeEach, describe, expect, it } from "vitest";
import { DynamoDbPublicationStore } from "#adapters/dynamodb/dynamodb-publication-store.ts";
import { createReleaseScheduledHandler } from "#handlers/release-scheduled.handler.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";
import { published } from "#test/support/notification-records.ts";

const event = { "detail-type": "Scheduled Event", source: "aws.scheduler" } as unknown as ScheduledEvent;
const logger = new Logger({ logLevel: "SILENT" });

describe("release-scheduled handler", () => {
  let tables: TestTables;
  let store: DynamoDbPublicationStore;
  const schedule = async (tail: string, sendAtMs: number) => {
    const notification = published("alice", sendAtMs, tail);
    await store.publish(notification, undefined, { sendAtMs });
    return notification.id;
  };
  const item = async (id: string) =>
    (await tables.doc.send(new GetCommand({ TableName: tables.notifications, Key: { id }, ConsistentRead: true }))).Item;

  beforeEach(async () => {
    tables = await createTestTables();
    store = new DynamoDbPublicationStore({ tableName: tables.notifications, client: tables.doc });
  });

  it("releases what is due at once and what falls due within the look-ahead at its sendAt; later ones wait", async () => {
    // Prepare
    const now = Date.now();
    const overdue = await schedule("1", now - 5_000);
    const soon = await schedule("2", now + 1_500);
    const later = await schedule("3", now + 60_000);
    const handler = createReleaseScheduledHandler({ store, logger, lookaheadMs: 3_000 });

    // Act
    const result = await handler(event, { getRemainingTimeInMillis: () => 60_000 });

    // Assess
    expect(result).toEqual({ released: 2, taken: 0 });
    expect(await item(overdue)).toMatchObject({ status: "due" });
    const released = await item(soon);
    expect(released).toMatchObject({ status: "due" });
    expect(Date.parse(released?.releasedAt)).toBeGreaterThanOrEqual(now + 1_500);
    expect(released?.schedule).toBeUndefined();
    expect(await item(later)).toMatchObject({ status: "scheduled", dueAt: now + 60_000 });
  });

  it("stops waiting before the timeout and leaves what it did not release scheduled", async () => {
    // Prepare
    const now = Date.now();
    const due = await schedule("4", now - 1_000);
    const tooLate = await schedule("5", now + 5_000);
    const handler = createReleaseScheduledHandler({ store, logger, lookaheadMs: 65_000 });

    // Act: 10.5 s left, 10 s of margin: half a second to wait
    const started = Date.now();
    const result = await handler(event, { getRemainingTimeInMillis: () => 10_500 });

    // Assess
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(result).toEqual({ released: 1, taken: 0 });
    expect(await item(due)).toMatchObject({ status: "due" });
    expect(await item(tooLate)).toMatchObject({ status: "scheduled" });
  });

  it("releases nothing twice when two runs overlap (a late invocation and the next one)", async () => {
    const now = Date.now();
    for (let i = 0; i < 20; i++) await schedule(String(10 + i), now - i);
    const handler = createReleaseScheduledHandler({ store, logger, lookaheadMs: 0 });

    const [one, two] = await Promise.all([
      handler(event, { getRemainingTimeInMillis: () => 60_000 }),
      handler(event, { getRemainingTimeInMillis: () => 60_000 }),
    ]);

    expect(one.released + two.released).toBe(20);
    expect(one.taken + two.taken).toBe(20);
  });
});
