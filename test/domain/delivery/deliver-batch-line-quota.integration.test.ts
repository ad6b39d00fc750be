/**
 * deliver-batch under LINE's monthly quota, on DynamoDB Local with the real ledger, quota counter
 * and digest queue, the real LINE sender against the fake Messaging API, and a clock the test sets:
 * the switch to digests exactly at the pace threshold with its note once, the limit never exceeded
 * by concurrent batches, and a push refused a slot waiting in the digest queue.
 */
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DynamoDbDeliveryLedger } from "#adapters/dynamodb/dynamodb-delivery-ledger.ts";
import { DynamoDbDigestQueue } from "#adapters/dynamodb/dynamodb-digest-queue.ts";
import { DynamoDbLineQuota } from "#adapters/dynamodb/dynamodb-line-quota.ts";
import { MessagingApiLineSender } from "#adapters/line/messaging-api-line-sender.ts";
import { type DeliverBatchPorts, deliverBatch } from "#domain/delivery/deliver-batch.ts";
import { limitedLineFor, lineQuotaGuard, pacedPreferencesFor } from "#domain/delivery/line-quota.ts";
import { lineDigestChannel } from "#domain/digest/digest-channels.ts";
import { sendDigests } from "#domain/digest/send-digests.ts";
import type { Notification } from "#domain/notification.ts";
import { FakeLineServer } from "#test/fakes/fake-line-server.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";
import { likeEvent } from "#test/support/like-events.ts";

const token = "quota-line-token";
/** 2026-11-11 00:00 in Japan: 10 of November's 30 days gone. At limit 200 the pace switches above 66 used. */
const NOV_11_JST = Date.parse("2026-11-10T15:00:00Z");

describe("deliverBatch with LINE's monthly quota", () => {
  let tables: TestTables;
  let line: FakeLineServer;
  let now: number;
  let ledger: DynamoDbDeliveryLedger;
  let quota: DynamoDbLineQuota;
  let digests: DynamoDbDigestQueue;

  beforeEach(async () => {
    tables = await createTestTables();
    line = await FakeLineServer.start({ channelAccessToken: token });
    now = NOV_11_JST;
    ledger = new DynamoDbDeliveryLedger({ tableName: tables.deliveries, client: tables.doc, now: () => now });
    quota = new DynamoDbLineQuota({ tableName: tables.deliveries, client: tables.doc, now: () => now });
    digests = new DynamoDbDigestQueue({ tableName: tables.digests, client: tables.doc, now: () => now });
  });
  afterEach(() => line.close());

  const wiring = (limit: number) => {
    const guard = lineQuotaGuard({ quota, limit, nowMs: () => now });
    const sender = new MessagingApiLineSender({ channelAccessToken: token, baseURL: line.baseUrl, backoffBaseMs: 1 });
    const lineFor = limitedLineFor(async (userId: string) => ({ sender, to: `U-${userId}` }), guard);
    const ports: DeliverBatchPorts = {
      connections: { listByUser: async () => [] } as unknown as DeliverBatchPorts["connections"],
      poster: { post: async () => "delivered" },
      events: { append: async () => {}, after: async () => [], recent: async () => [] },
      ledger,
      lineMode: "fallback",
      preferencesFor: pacedPreferencesFor(async () => ({ line: "fallback" as const, email: "off" as const }), guard),
      lineFor,
      digests,
      nowMs: () => now,
    };
    const digestRun = () =>
      sendDigests({
        backlog: digests,
        ledger,
        preferencesFor: async () => ({ timeZone: "Asia/Tokyo", digestHour: 9 }),
        channels: { line: lineDigestChannel({ lineFor, noteFor: guard.noteFor }) },
        nowMs: () => now,
      });
    return { ports, digestRun };
  };
  const batch = (notifications: readonly Notification[]) => notifications.map((notification) => ({ key: notification.id, notification }));
  const setUsed = (used: number) =>
    tables.doc.send(new PutCommand({ TableName: tables.deliveries, Item: { key: "line-quota#2026-11", used } }));

  it("switches to daily digests exactly at the pace threshold and says so once, in the next digest", async () => {
    // Prepare: 66 of 200 used after 10 days — one more push crosses the threshold
    await setUsed(66);
    const { ports, digestRun } = wiring(200);

    // Act
    const under = await deliverBatch(batch([likeEvent("alice", 1)]), ports);
    const over = await deliverBatch(batch([likeEvent("alice", 2)]), ports);
    const stillOver = await deliverBatch(batch([likeEvent("alice", 3)]), ports);
    now = NOV_11_JST + 9.5 * 3_600_000; // 09:30 in Tokyo
    const firstDigest = await digestRun();
    await deliverBatch(batch([likeEvent("alice", 4)]), ports);
    now += 24 * 3_600_000;
    const secondDigest = await digestRun();

    // Assess
    expect(under.line.get(likeEvent("alice", 1).id)).toBe("sent");
    expect(over.line.get(likeEvent("alice", 2).id)).toBe("digest");
    expect(stillOver.line.get(likeEvent("alice", 3).id)).toBe("digest");
    expect([firstDigest.pushes, secondDigest.pushes]).toEqual([1, 1]);
    expect(line.deliveries.map((delivery) => delivery.texts[0]?.split("\n").slice(0, 2))).toEqual([
      ["👍 1 new like", ""],
      ["📬 Your digest for 2026-11-11", "LINE's monthly limit is near: you will get one digest a day until 2026-12-01."],
      ["📬 Your digest for 2026-11-12", "👍 1 new like"],
    ]);
    expect(line.deliveries[1]?.texts[0]).toContain("👍 2 new likes on 2 articles");
    expect((await quota.usage("2026-11")).used).toBe(69);
  });

  it("keeps a digest the quota forced on a fallback user to what no tab received", async () => {
    // Prepare: far past the pace on 11 November; carol has a tab open, dave none
    await setUsed(150);
    const { ports } = wiring(200);
    const withTab: DeliverBatchPorts = {
      ...ports,
      connections: {
        listByUser: async (userId: string) => (userId === "carol" ? ["carol-tab"] : []),
      } as unknown as DeliverBatchPorts["connections"],
    };

    // Act
    const seen = await deliverBatch(batch([likeEvent("carol", 1)]), withTab);
    const missed = await deliverBatch(batch([likeEvent("dave", 2)]), withTab);

    // Assess: carol's tab got hers, so her digest owes nothing; dave's waits for his
    expect(seen.line.get(likeEvent("carol", 1).id)).toBe("not-needed");
    expect(missed.line.get(likeEvent("dave", 2).id)).toBe("digest");
    expect(await digests.debtors()).toEqual([{ channel: "line", userId: "dave" }]);
    expect(line.deliveries).toEqual([]);
  });

  it("never lets concurrent batches push more than the month's limit; the rest wait in the digest queue", async () => {
    // Prepare: a limit of 3, early enough in a fresh month that the pace never switches
    now = Date.parse("2026-11-30T14:00:00Z"); // the month's last hour: the pace allows what is left
    const { ports } = wiring(3);
    const users = Array.from({ length: 12 }, (_, i) => `user-${i}`);

    // Act
    const results = await Promise.all(users.map((userId, i) => deliverBatch(batch([likeEvent(userId, 100 + i)]), ports)));

    // Assess
    const outcomes = results.map((result, i) => result.line.get(likeEvent(users[i]!, 100 + i).id));
    expect(line.deliveries).toHaveLength(3);
    expect(outcomes.filter((outcome) => outcome === "sent")).toHaveLength(3);
    expect(outcomes.filter((outcome) => outcome === "digest")).toHaveLength(9);
    expect(results.every((result) => result.failed.length === 0)).toBe(true);
    expect((await quota.usage("2026-11")).used).toBe(3);
    expect(await digests.debtors()).toHaveLength(9);
  });

  it("sends a push refused for want of a slot with the first digest that finds one, once", async () => {
    // Prepare: the month is used up
    now = Date.parse("2026-11-30T14:00:00Z");
    await setUsed(1);
    const { ports, digestRun } = wiring(1);

    // Act
    const refused = await deliverBatch(batch([likeEvent("bob", 1)]), ports);
    const sameMonth = await digestRun();
    now = Date.parse("2026-12-01T00:30:00Z"); // 09:30 on 1 December in Tokyo
    const nextMonth = await digestRun();
    const again = await digestRun();

    // Assess
    expect(refused.line.get(likeEvent("bob", 1).id)).toBe("digest");
    expect(sameMonth.pushes).toBe(0);
    expect(nextMonth).toMatchObject({ pushes: 1, problems: [] });
    expect(again.pushes).toBe(0);
    expect(line.deliveries).toHaveLength(1);
    expect(line.deliveries[0]?.to).toBe("U-bob");
    expect((await quota.usage("2026-12")).used).toBe(1);
  });
});
