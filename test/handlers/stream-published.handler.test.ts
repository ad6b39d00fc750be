/**
 * The stream handler on the notifications table's stream: a published notification goes through
 * the same fan-out, resume log and LINE as a like, and its receipt is recorded on its item.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { Logger } from "@aws-lambda-powertools/logger";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import { DynamoDbConnectionStore } from "#adapters/dynamodb/dynamodb-connection-store.ts";
import { DynamoDbDeliveryLedger } from "#adapters/dynamodb/dynamodb-delivery-ledger.ts";
import { DynamoDbEventLog } from "#adapters/dynamodb/dynamodb-event-log.ts";
import { DynamoDbPublicationStore } from "#adapters/dynamodb/dynamodb-publication-store.ts";
import { memberEventId } from "#domain/event-id.ts";
import type { LineMode } from "#domain/line-mode.ts";
import type { GroupPublication, Publication } from "#domain/notification.ts";
import type { LineSender, PushOutcome } from "#domain/ports.ts";
import { createStreamHandler } from "#handlers/stream.handler.ts";
import { likeRecord } from "#test/support/article-records.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";
import { notificationsInsertRecord, published } from "#test/support/notification-records.ts";
import { RecordingPoster } from "#test/support/recording-poster.ts";

class RecordingLine implements LineSender {
  readonly pushes: { to: string; texts: readonly string[] }[] = [];
  async push(to: string, texts: readonly string[]): Promise<PushOutcome> {
    this.pushes.push({ to, texts });
    return "sent";
  }
}

const logger = new Logger({ logLevel: "SILENT" });
const live = { connectedAt: 1, expiresAt: 4_000_000_000 };

describe("stream handler, notifications stream", () => {
  let tables: TestTables;
  let poster: RecordingPoster;
  let line: RecordingLine;
  let events: DynamoDbEventLog;
  let publications: DynamoDbPublicationStore;

  const handle = (records: DynamoDBRecord[], lineMode: LineMode = "fallback", lineSetUp = true) =>
    createStreamHandler({
      connections: new DynamoDbConnectionStore({ tableName: tables.connections, client: tables.doc }),
      poster,
      events,
      ledger: new DynamoDbDeliveryLedger({ tableName: tables.deliveries, client: tables.doc }),
      lineMode,
      lineFor: async (userId) => (lineSetUp ? { sender: line, to: `line-of-${userId}` } : undefined),
      logger,
      publications,
    })({ Records: records });

  /** Publishes through the store, as the API does, and returns the INSERT record its stream would carry. */
  const insertOf = async (sequence: number, notification: Publication = published("alice", Date.now(), String(sequence))) => {
    await publications.publish(notification);
    const { Item } = await tables.doc.send(new GetCommand({ TableName: tables.notifications, Key: { id: notification.id } }));
    return { notification, record: notificationsInsertRecord(sequence, Item as Record<string, unknown>) };
  };

  beforeEach(async () => {
    tables = await createTestTables();
    poster = new RecordingPoster();
    line = new RecordingLine();
    events = new DynamoDbEventLog({ tableName: tables.events, client: tables.doc });
    publications = new DynamoDbPublicationStore({ tableName: tables.notifications, client: tables.doc });
    const connections = new DynamoDbConnectionStore({ tableName: tables.connections, client: tables.doc });
    await connections.save({ connectionId: "alice-tab-1", userId: "alice", ...live });
    await connections.save({ connectionId: "alice-tab-2", userId: "alice", ...live });
    await connections.save({ connectionId: "bob-phone", userId: "bob", ...live });
  });

  it("posts the notification frame to every tab of its user and no one else, and records the receipt", async () => {
    // Prepare
    const { notification, record } = await insertOf(1, published("alice", Date.now(), "1", { body: "done", data: { run: 7 } }));

    // Act
    const result = await handle([record]);

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    for (const tab of ["alice-tab-1", "alice-tab-2"]) {
      expect(poster.framesOf(tab)).toEqual([
        {
          type: "notification",
          id: notification.id,
          to: "user:alice",
          title: "Published 1",
          body: "done",
          data: { run: 7 },
          at: notification.at,
        },
      ]);
    }
    expect(poster.framesOf("bob-phone")).toEqual([]);
    expect((await publications.get(notification.id))?.delivery).toEqual({ sentAt: expect.any(String), live: 2, line: "not-needed" });
  });

  it("pushes LINE once for a user with no tab, and says so on the receipt", async () => {
    const { notification, record } = await insertOf(2, published("carol", Date.now(), "2", { url: "https://ci.example/2" }));

    await handle([record]);
    await handle([record]);

    expect(line.pushes).toEqual([{ to: "line-of-carol", texts: ["🔔 1 notification\n\nPublished 2\nhttps://ci.example/2"] }]);
    expect((await publications.get(notification.id))?.delivery).toMatchObject({ live: 0, line: "sent" });
  });

  it("says not-configured when LINE is not set up for the user", async () => {
    const { notification, record } = await insertOf(3, published("carol", Date.now(), "3"));

    await handle([record], "fallback", false);

    expect((await publications.get(notification.id))?.delivery).toMatchObject({ live: 0, line: "not-configured" });
  });

  it("keeps likes and notifications of a user in one time order for resume, whichever stream came first", async () => {
    // Prepare: a like written by the collector, then a notification published 5 ms later, then another like
    const like1 = likeRecord(1, "alice", "a", 0, 1);
    const likeAt = Number(like1.dynamodb?.NewImage?.changedAt?.N);
    const { record } = await insertOf(1, published("alice", likeAt + 5, "1"));
    const like2 = likeRecord(9, "alice", "b", 0, 1);

    // Act: the notifications stream is read before the articles stream (same sequence number 1 in both)
    await handle([record]);
    await handle([like1, like2]);

    // Assess
    const log = await events.after("alice", "0", 100);
    expect(log.map((event) => event.kind)).toEqual(["like", "notification", "like"]);
    expect(new Set(log.map((event) => event.id)).size).toBe(3);
  });

  it("delivers nothing for an idempotency claim, the receipt update, or a removal", async () => {
    const claim = notificationsInsertRecord(5, { id: "idem#job-1", requestHash: "x", notificationId: "1".repeat(40), expiresAt: 1 });
    const { record } = await insertOf(6);
    const modify = structuredClone(record);
    modify.eventName = "MODIFY";
    const remove = structuredClone(record);
    remove.eventName = "REMOVE";

    const result = await handle([claim, modify, remove]);

    expect(result.batchItemFailures).toEqual([]);
    expect(poster.frames.size).toBe(0);
  });

  describe("a group's notification", () => {
    const group = (sequence: number, members: string[]): GroupPublication => {
      const { userId: _userId, to: _to, ...content } = published("x", Date.now(), String(sequence));
      return { ...content, to: "group:team", members };
    };

    it("reaches every tab of every member with the member's own id and the group as to, and no one else", async () => {
      // Prepare: alice has two tabs, carol none, bob is not a member
      const { notification, record } = await insertOf(1, group(1, ["alice", "carol"]));

      // Act
      const result = await handle([record]);

      // Assess
      expect(result.batchItemFailures).toEqual([]);
      for (const tab of ["alice-tab-1", "alice-tab-2"]) {
        expect(poster.framesOf(tab)).toEqual([
          {
            type: "notification",
            id: memberEventId(notification.id, "alice"),
            to: "group:team",
            title: "Published 1",
            at: notification.at,
          },
        ]);
      }
      expect(poster.framesOf("bob-phone")).toEqual([]);
      expect(line.pushes).toEqual([{ to: "line-of-carol", texts: ["🔔 1 notification\n\nPublished 1"] }]);
      expect((await events.after("alice", "0", 10)).map((event) => event.id)).toEqual([memberEventId(notification.id, "alice")]);
      expect((await events.after("carol", "0", 10)).map((event) => event.to)).toEqual(["group:team"]);
      // The receipt adds up: two connections, and LINE went (to carol).
      expect((await publications.get(notification.id))?.delivery).toEqual({ sentAt: expect.any(String), live: 2, line: "sent" });
    });

    it("retries the record when one member's fan-out fails, without sending again to the members done", async () => {
      // Prepare: bob's phone fails once
      const { notification, record } = await insertOf(2, group(2, ["alice", "bob", "carol"]));
      poster.failing.set("bob-phone", new Error("throttled"));

      // Act
      const first = await handle([record]);
      poster.failing.clear();
      const second = await handle([record]);
      await handle([record]);

      // Assess: once everywhere, LINE once for carol, and the receipt only once all went
      expect(first.batchItemFailures).toEqual([{ itemIdentifier: "2" }]);
      expect(second.batchItemFailures).toEqual([]);
      for (const tab of ["alice-tab-1", "alice-tab-2", "bob-phone"]) expect(poster.framesOf(tab)).toHaveLength(1);
      expect(poster.framesOf("bob-phone")[0]?.id).toBe(memberEventId(notification.id, "bob"));
      expect(line.pushes.map((push) => push.to)).toEqual(["line-of-carol"]);
      expect((await publications.get(notification.id))?.delivery).toMatchObject({ live: 3, line: "sent" });
    });

    it("records a receipt of nothing delivered for a group with no members", async () => {
      const { notification, record } = await insertOf(3, group(3, []));

      const result = await handle([record]);

      expect(result.batchItemFailures).toEqual([]);
      expect(poster.frames.size).toBe(0);
      expect((await publications.get(notification.id))?.delivery).toEqual({ sentAt: expect.any(String), live: 0, line: "not-needed" });
    });
  });
});
