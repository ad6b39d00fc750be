/**
 * The daily digests on DynamoDB Local with the real adapters (digest queue, deliveries ledger,
 * LINE quota) and the real LINE sender against the fake Messaging API, under a clock the test moves.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DynamoDbDeliveryLedger } from "#adapters/dynamodb/dynamodb-delivery-ledger.ts";
import { DynamoDbDigestQueue } from "#adapters/dynamodb/dynamodb-digest-queue.ts";
import { DynamoDbLineQuota } from "#adapters/dynamodb/dynamodb-line-quota.ts";
import { MessagingApiLineSender } from "#adapters/line/messaging-api-line-sender.ts";
import { limitedLineFor, lineQuotaGuard } from "#domain/delivery/line-quota.ts";
import { lineDigestChannel } from "#domain/digest/digest-channels.ts";
import { type SendDigestsDeps, sendDigests } from "#domain/digest/send-digests.ts";
import type { PublishedNotification } from "#domain/notification.ts";
import type { DeliveryLedger } from "#domain/ports.ts";
import { FakeLineServer } from "#test/fakes/fake-line-server.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";
import { likeEvent } from "#test/support/like-events.ts";

const token = "digest-line-token";
/** 08:30 in Tokyo on 2026-11-30. */
const MORNING = Date.parse("2026-11-29T23:30:00Z");
const HOUR = 3_600_000;

describe("sendDigests", () => {
  let tables: TestTables;
  let line: FakeLineServer;
  let now: number;
  let queue: DynamoDbDigestQueue;
  let ledger: DeliveryLedger;
  let quota: DynamoDbLineQuota;
  let user: string;
  /** Notification ids are the ledger's keys: each test's own, as each stream record's are. */
  let base = 0;
  const like = (n: number) => likeEvent(user, base + n);

  const sender = () => new MessagingApiLineSender({ channelAccessToken: token, baseURL: line.baseUrl, backoffBaseMs: 1 });
  const deps = (overrides: Partial<SendDigestsDeps> = {}, limit = 200): SendDigestsDeps => {
    const guard = lineQuotaGuard({ quota, limit, nowMs: () => now });
    const lineFor = limitedLineFor(async () => ({ sender: sender(), to: `U-${user}` }), guard);
    return {
      backlog: queue,
      ledger,
      preferencesFor: async () => ({ timeZone: "Asia/Tokyo", digestHour: 9 }),
      channels: { line: lineDigestChannel({ lineFor, noteFor: guard.noteFor }) },
      nowMs: () => now,
      ...overrides,
    };
  };
  const toUser = () => line.deliveries.filter((delivery) => delivery.to === `U-${user}`);

  beforeAll(async () => {
    line = await FakeLineServer.start({ channelAccessToken: token });
  });
  afterAll(() => line.close());
  beforeEach(async ({ task }) => {
    // Tables and a user of its own per test; the fake LINE server is shared.
    tables = await createTestTables();
    user = `u${task.id}`;
    base += 1_000;
    now = MORNING;
    queue = new DynamoDbDigestQueue({ tableName: tables.digests, client: tables.doc, now: () => now });
    ledger = new DynamoDbDeliveryLedger({ tableName: tables.deliveries, client: tables.doc, now: () => now });
    quota = new DynamoDbLineQuota({ tableName: tables.deliveries, client: tables.doc, now: () => now });
  });

  it("sends the digest once at its hour, not before, listing what was owed before it", async () => {
    // Prepare
    await queue.owe("line", user, [like(1), like(2)]);

    // Act
    const before = await sendDigests(deps());
    now = MORNING + HOUR; // 09:30
    await queue.owe("line", user, [like(3)]); // after the hour: tomorrow's
    const atHour = await sendDigests(deps());
    const again = await sendDigests(deps());

    // Assess
    expect(before).toMatchObject({ digests: 0, pushes: 0, problems: [] });
    expect(atHour).toMatchObject({ digests: 1, pushes: 1, problems: [] });
    expect(again).toMatchObject({ digests: 0, pushes: 0 });
    expect(toUser()).toHaveLength(1);
    expect(toUser()[0]?.texts[0]).toMatch(/^📬 Your digest for 2026-11-30\n👍 2 new likes on 2 articles/);
    expect(toUser()[0]?.texts.join("")).not.toContain(`Article ${base + 3} `);
    expect((await queue.owed("line", user)).map((item) => item.notification.id)).toEqual([like(3).id]);
  });

  it("sends the next day's digest with what came after the last one", async () => {
    // Prepare
    await queue.owe("line", user, [like(1)]);
    now = MORNING + HOUR;
    await sendDigests(deps());
    now = MORNING + 2 * HOUR;
    await queue.owe("line", user, [like(2)]);

    // Act
    const sameDay = await sendDigests(deps());
    now = MORNING + 25 * HOUR; // 09:30 the next day
    const nextDay = await sendDigests(deps());

    // Assess
    expect(sameDay.pushes).toBe(0);
    expect(nextDay).toMatchObject({ digests: 1, pushes: 1 });
    expect(toUser().map((delivery) => delivery.texts[0]?.split("\n")[0])).toEqual([
      "📬 Your digest for 2026-11-30",
      "📬 Your digest for 2026-12-01",
    ]);
    expect(toUser()[1]?.texts[0]).toContain(`Article ${base + 2} `);
  });

  it("sends nothing twice when a run crashed between LINE accepting the push and marking it sent", async () => {
    // Prepare: the first run's markSent never happens, as if the process died right after LINE answered
    await queue.owe("line", user, [like(1), like(2)]);
    now = MORNING + HOUR;
    const crashing: DeliveryLedger = Object.assign(Object.create(ledger) as DeliveryLedger, {
      markSent: async () => {
        throw new Error("process killed");
      },
    });

    // Act
    const crashed = await sendDigests(deps({ ledger: crashing }));
    const retried = await sendDigests(deps());
    const later = await sendDigests(deps());

    // Assess
    expect(crashed.problems).toHaveLength(1);
    expect(retried).toMatchObject({ digests: 1, pushes: 1, problems: [] });
    expect(later.pushes).toBe(0);
    expect(toUser()).toHaveLength(1);
    const keyed = line.requests.filter((request) => request.retryKey === toUser()[0]?.retryKey);
    expect(keyed.map((request) => request.status)).toEqual([200, 409]);
    expect(await queue.owed("line", user)).toEqual([]);
  });

  it("keeps the digest waiting while LINE's monthly limit is used up, and sends it once a slot exists", async () => {
    // Prepare: the month's one slot is taken already
    await quota.claimSlot("2026-11", `someone-else-${user}`, 1);
    await queue.owe("line", user, [like(1)]);
    now = MORNING + HOUR;

    // Act
    const full = await sendDigests(deps({}, 1));
    now = Date.parse("2026-12-01T00:30:00Z"); // 09:30 on 1 December in Tokyo: a new month
    const nextMonth = await sendDigests(deps({}, 1));

    // Assess
    expect(full.digests).toBe(0);
    expect(String(full.problems[0]?.error)).toMatch(/LINE's monthly limit for 2026-11 is used up/);
    expect(nextMonth).toMatchObject({ digests: 1, pushes: 1, problems: [] });
    expect(toUser()).toHaveLength(1);
    expect((await quota.usage("2026-11")).used).toBe(1);
    expect((await quota.usage("2026-12")).used).toBe(1);
  });

  it("says once, in the first digest after the switch, that LINE went to daily digests", async () => {
    // Prepare
    await quota.switchToDigests("2026-11", MORNING);
    await queue.owe("line", user, [like(1)]);
    now = MORNING + HOUR;

    // Act
    await sendDigests(deps());
    await queue.owe("line", user, [like(2)]);
    now += 24 * HOUR;
    await sendDigests(deps());

    // Assess
    const firstLines = toUser().map((delivery) => delivery.texts[0]?.split("\n").slice(0, 2));
    expect(firstLines).toEqual([
      ["📬 Your digest for 2026-11-30", "LINE's monthly limit is near: you will get one digest a day until 2026-12-01."],
      ["📬 Your digest for 2026-12-01", "👍 1 new like"],
    ]);
  });

  it("drops what a channel owes a user it is not set up for, and says so", async () => {
    // Prepare
    await queue.owe("line", user, [like(1)]);
    now = MORNING + HOUR;

    // Act
    const summary = await sendDigests(deps({ channels: { line: lineDigestChannel({ lineFor: async () => undefined }) } }));

    // Assess
    expect(summary).toMatchObject({ digests: 0, dropped: 1 });
    expect(await queue.owed("line", user)).toEqual([]);
    expect(toUser()).toHaveLength(0);
  });

  it("links a large body kept in S3 with a URL presigned when the digest goes out", async () => {
    // Prepare: the queue keeps the body's key only
    const message: PublishedNotification = {
      kind: "notification",
      id: like(1).id,
      to: `user:${user}`,
      userId: user,
      title: "Release notes",
      body: "The first lines…",
      bodyKey: "bodies/abc",
      at: new Date(MORNING).toISOString(),
    };
    await queue.owe("line", user, [message]);
    now = MORNING + HOUR;
    const presigned: string[] = [];
    const bodies = {
      urlFor: async (key: string) => {
        presigned.push(key);
        return `https://bodies.example/${key}?signed=${now}`;
      },
    };

    // Act
    const summary = await sendDigests(deps({ bodies }));

    // Assess
    expect(summary).toMatchObject({ digests: 1, pushes: 1, problems: [] });
    expect(presigned).toEqual(["bodies/abc"]);
    expect(toUser()[0]?.texts.join("\n")).toContain(`Full text: https://bodies.example/bodies/abc?signed=${now}`);
  });
});
