/**
 * The scheduled digests function's handler on DynamoDB Local with the fake LINE API: what the
 * Scheduler's invocation sends, and what it logs when a user's digest has to wait.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbDeliveryLedger } from "#adapters/dynamodb/dynamodb-delivery-ledger.ts";
import { DynamoDbDigestQueue } from "#adapters/dynamodb/dynamodb-digest-queue.ts";
import { DynamoDbLineQuota } from "#adapters/dynamodb/dynamodb-line-quota.ts";
import { MessagingApiLineSender } from "#adapters/line/messaging-api-line-sender.ts";
import { limitedLineFor, lineQuotaGuard } from "#domain/delivery/line-quota.ts";
import { lineDigestChannel } from "#domain/digest/digest-channels.ts";
import { createSendDigestsHandler } from "#handlers/send-digests.handler.ts";
import { FakeLineServer } from "#test/fakes/fake-line-server.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";
import { likeEvent } from "#test/support/like-events.ts";
import { RecordingLogger } from "#test/support/recording-logger.ts";

const token = "digest-handler-token";
/** 09:30 in Tokyo on 2026-11-30, and an hour before. */
const NOW = Date.parse("2026-11-30T00:30:00Z");

describe("send-digests handler", () => {
  let tables: TestTables;
  let line: FakeLineServer;

  beforeAll(async () => {
    tables = await createTestTables();
    line = await FakeLineServer.start({ channelAccessToken: token });
  });
  afterAll(() => line.close());

  it("sends each user's due digest, and logs the one that waits for LINE's monthly limit", async () => {
    // Prepare: alice and bob are owed a like each from 08:30; the month has one LINE message left
    const now = () => NOW;
    const queue = new DynamoDbDigestQueue({ tableName: tables.digests, client: tables.doc, now: () => NOW - 3_600_000 });
    await queue.owe("line", "alice", [likeEvent("alice", 1)]);
    await queue.owe("line", "bob", [likeEvent("bob", 2)]);
    const quota = new DynamoDbLineQuota({ tableName: tables.deliveries, client: tables.doc, now });
    const guard = lineQuotaGuard({ quota, limit: 1, nowMs: now });
    const sender = new MessagingApiLineSender({ channelAccessToken: token, baseURL: line.baseUrl });
    const logger = new RecordingLogger();
    const handler = createSendDigestsHandler({
      backlog: queue,
      ledger: new DynamoDbDeliveryLedger({ tableName: tables.deliveries, client: tables.doc, now }),
      preferencesFor: async () => ({ timeZone: "Asia/Tokyo", digestHour: 9 }),
      channels: { line: lineDigestChannel({ lineFor: limitedLineFor(async (userId) => ({ sender, to: `U-${userId}` }), guard) }) },
      nowMs: now,
      concurrency: 1,
      logger,
    });

    // Act
    const summary = await handler();

    // Assess
    expect(summary).toMatchObject({ digests: 1, pushes: 1 });
    expect(line.deliveries).toHaveLength(1);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: "warn", message: "line digest not sent; the next run tries again" }),
    );
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: "info", message: "digests run", attributes: { digests: 1, pushes: 1, problems: 1 } }),
    );
    expect((await queue.debtors()).length).toBe(1);
  });
});
