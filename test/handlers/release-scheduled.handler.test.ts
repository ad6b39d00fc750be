/**
 * The deployed release on DynamoDB Local. One-time schedules: publishNotification sets the alarm
 * through the real Scheduler SDK client against the fake Scheduler, the fake fires it into the
 * handler, and the notifications table's stream shows what the stream function would deliver: one
 * release (a MODIFY to "due", the filter RELEASED_RECORDS) however often the alarm fires, none
 * after a cancel, never before sendAt. The sweep (`{}`, by hand) as before.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
} from "@aws-sdk/client-dynamodb-streams";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DynamoDbPublicationStore } from "#adapters/dynamodb/dynamodb-publication-store.ts";
import { EventBridgeReleaseAlarm, scheduleNameOf } from "#adapters/scheduler/eventbridge-release-alarm.ts";
import { cancelNotification } from "#domain/publish/cancel-notification.ts";
import { publishNotification } from "#domain/publish/publish-notification.ts";
import { createReleaseScheduledHandler, MAX_EARLY_WAIT_MS } from "#handlers/release-scheduled.handler.ts";
import { dynamodbEndpoint, localCredentials, localRegion, createTestTables, type TestTables } from "#test/support/dynamodb.ts";
import { FakeSchedulerServer } from "#test/fakes/fake-scheduler-server.ts";
import { published } from "#test/support/notification-records.ts";

const logger = new Logger({ logLevel: "SILENT" });
const context = { getRemainingTimeInMillis: () => 60_000 };
const TARGET = "arn:aws:lambda:us-east-1:123456789012:function:live-likes-ReleaseScheduled";
const GROUP = "live-likes-releases";

describe("release-scheduled handler", () => {
  let tables: TestTables;
  let store: DynamoDbPublicationStore;
  let scheduler: FakeSchedulerServer;
  let schedulerClient: SchedulerClient;
  let streams: DynamoDBStreamsClient;
  let alarm: EventBridgeReleaseAlarm;

  const item = async (id: string) =>
    (await tables.doc.send(new GetCommand({ TableName: tables.notifications, Key: { id }, ConsistentRead: true }))).Item;

  /** Publishes through the API's use case, with the alarm: the id and its sendAt. */
  const publishAt = async (sendAtMs: number) => {
    const outcome = await publishNotification(
      { body: JSON.stringify({ to: "user:alice", title: "At its time", sendAt: new Date(sendAtMs).toISOString() }) },
      { store, alarm },
    );
    if (!outcome.ok) throw new Error(outcome.message);
    return outcome.id;
  };

  /** The releases of `id` on the table's stream: the MODIFYs to "due" the stream function is invoked for. */
  const releasesOnStream = async (id: string) => {
    const { Streams } = await streams.send(new ListStreamsCommand({ TableName: tables.notifications }));
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: Streams?.[0]?.StreamArn }));
    let count = 0;
    for (const shard of StreamDescription?.Shards ?? []) {
      let { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({ StreamArn: StreamDescription?.StreamArn, ShardId: shard.ShardId, ShardIteratorType: "TRIM_HORIZON" }),
      );
      while (ShardIterator) {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator }));
        for (const record of page.Records ?? []) {
          const image = record.dynamodb?.NewImage;
          if (record.eventName === "MODIFY" && image?.id?.S === id && image?.status?.S === "due" && !image?.parts) count++;
        }
        if (!page.Records?.length) break;
        ShardIterator = page.NextShardIterator;
      }
    }
    return count;
  };

  beforeAll(async () => {
    scheduler = await FakeSchedulerServer.start();
    schedulerClient = new SchedulerClient({
      endpoint: scheduler.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    });
    streams = new DynamoDBStreamsClient({ endpoint: dynamodbEndpoint(), region: localRegion, credentials: { ...localCredentials } });
    alarm = new EventBridgeReleaseAlarm({
      groupName: GROUP,
      roleArn: "arn:aws:iam::123456789012:role/release",
      targetArn: TARGET,
      client: schedulerClient,
    });
  });
  afterAll(async () => {
    schedulerClient.destroy();
    streams.destroy();
    await scheduler.close();
  });
  beforeEach(async () => {
    tables = await createTestTables();
    store = new DynamoDbPublicationStore({ tableName: tables.notifications, client: tables.doc });
    scheduler.register(TARGET, (event) => createReleaseScheduledHandler({ store, logger })(event, context));
  });

  it("fires at sendAt and releases the notification once", async () => {
    // Prepare: a sendAt already passed by the time it fires
    const sendAtMs = Date.now() + 300;
    const id = await publishAt(sendAtMs);
    expect(await item(id)).toMatchObject({ status: "scheduled" });
    await new Promise((resolve) => setTimeout(resolve, 400));

    // Act
    const result = await scheduler.fire(scheduleNameOf(id), GROUP);

    // Assess
    expect(result).toEqual({ released: 1, taken: 0 });
    expect(await item(id)).toMatchObject({ status: "due" });
    expect(await releasesOnStream(id)).toBe(1);
    // Scheduler deletes a one-time schedule once it ran.
    expect(scheduler.schedule(scheduleNameOf(id), GROUP)).toBeUndefined();
  });

  it("releases once when the alarm fires twice, one after the other and at the same time", async () => {
    // Prepare
    const id = await publishAt(Date.now() + 200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const handler = createReleaseScheduledHandler({ store, logger });

    // Act: Scheduler's at-least-once, or Lambda's retry of an invocation that did release
    const [one, two] = await Promise.all([handler({ id }, context), handler({ id }, context)]);
    const three = await handler({ id }, context);

    // Assess
    expect(one.released + two.released + three.released).toBe(1);
    expect(one.taken + two.taken + three.taken).toBe(2);
    expect(await releasesOnStream(id)).toBe(1);
  });

  it("releases nothing when it fires after a cancel (the schedule is left to fire)", async () => {
    // Prepare
    const id = await publishAt(Date.now() + 200);
    expect(await cancelNotification(id, { store })).toMatchObject({ ok: true });
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Act
    const result = await scheduler.fire(scheduleNameOf(id), GROUP);

    // Assess
    expect(result).toEqual({ released: 0, taken: 1 });
    expect(await item(id)).toMatchObject({ status: "cancelled" });
    expect(await releasesOnStream(id)).toBe(0);
  });

  it("woken before sendAt (rounded down to the second), waits for it; never releases early", async () => {
    // Prepare: fire 1.5 s early
    const sendAtMs = Date.now() + 1_500;
    const id = await publishAt(sendAtMs);

    // Act
    const result = await scheduler.fire(scheduleNameOf(id), GROUP);

    // Assess
    expect(result).toEqual({ released: 1, taken: 0 });
    const released = await item(id);
    expect(Date.parse(released?.releasedAt)).toBeGreaterThanOrEqual(sendAtMs);
    expect(Date.now()).toBeGreaterThanOrEqual(sendAtMs);
  });

  it("woken far too early, fails and leaves it scheduled", async () => {
    const id = await publishAt(Date.now() + MAX_EARLY_WAIT_MS + 60_000);
    await expect(scheduler.fire(scheduleNameOf(id), GROUP)).rejects.toThrow(/before its sendAt/);
    expect(await item(id)).toMatchObject({ status: "scheduled" });
  });

  it("finds nothing for an id never written (its alarm was set, the write did not happen)", async () => {
    const handler = createReleaseScheduledHandler({ store, logger });
    expect(await handler({ id: "0001798102800000100000000000000000000042" }, context)).toEqual({ released: 0, taken: 1 });
  });

  it("refuses an event whose id is not a notification id", async () => {
    const handler = createReleaseScheduledHandler({ store, logger });
    await expect(handler({ id: "../x" }, context)).rejects.toThrow(/not a notification id/);
  });

  describe("sweep (an event without id, invoked by hand)", () => {
    const schedule = async (tail: string, sendAtMs: number) => {
      const notification = published("alice", sendAtMs, tail);
      await store.publish(notification, undefined, { sendAtMs });
      return notification.id;
    };

    it("releases what is due; later ones wait for their alarm", async () => {
      // Prepare
      const now = Date.now();
      const overdue = await schedule("1", now - 5_000);
      const later = await schedule("3", now + 60_000);
      const handler = createReleaseScheduledHandler({ store, logger });

      // Act
      const result = await handler({}, context);

      // Assess
      expect(result).toEqual({ released: 1, taken: 0 });
      expect(await item(overdue)).toMatchObject({ status: "due" });
      expect(await item(later)).toMatchObject({ status: "scheduled", dueAt: now + 60_000 });
    });

    it("with a look-ahead, stops waiting before the timeout and leaves what it did not release scheduled", async () => {
      // Prepare
      const now = Date.now();
      const due = await schedule("4", now - 1_000);
      const tooLate = await schedule("5", now + 5_000);
      const handler = createReleaseScheduledHandler({ store, logger, lookaheadMs: 65_000 });

      // Act: 10.5 s left, 10 s of margin: half a second to wait
      const started = Date.now();
      const result = await handler({}, { getRemainingTimeInMillis: () => 10_500 });

      // Assess
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(result).toEqual({ released: 1, taken: 0 });
      expect(await item(due)).toMatchObject({ status: "due" });
      expect(await item(tooLate)).toMatchObject({ status: "scheduled" });
    });

    it("releases nothing twice when two sweeps overlap", async () => {
      const now = Date.now();
      for (let i = 0; i < 20; i++) await schedule(String(10 + i), now - i);
      const handler = createReleaseScheduledHandler({ store, logger });

      const [one, two] = await Promise.all([handler({}, context), handler({}, context)]);

      expect(one.released + two.released).toBe(20);
      expect(one.taken + two.taken).toBe(20);
    });
  });
});
