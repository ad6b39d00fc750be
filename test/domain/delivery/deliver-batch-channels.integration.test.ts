/**
 * deliver-batch step 4: LINE and e-mail per each user's own choices, on DynamoDB Local (ledger,
 * connections, preferences) with the real SES v2 emulator, the mails read back over its HTTP API.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DynamoDbConnectionStore } from "#adapters/dynamodb/dynamodb-connection-store.ts";
import { DynamoDbDeliveryLedger } from "#adapters/dynamodb/dynamodb-delivery-ledger.ts";
import { DynamoDbEventLog } from "#adapters/dynamodb/dynamodb-event-log.ts";
import { DynamoDbPreferenceStore } from "#adapters/dynamodb/dynamodb-preference-store.ts";
import { PUSH_KEY_HEADER, SesV2EmailSender } from "#adapters/ses/sesv2-email-sender.ts";
import { type BatchItem, type DeliverBatchPorts, deliverBatch } from "#domain/delivery/deliver-batch.ts";
import { memberEventId } from "#domain/event-id.ts";
import type { LineMode } from "#domain/line-mode.ts";
import type { Notification } from "#domain/notification.ts";
import type { Channel, DeliveryLedger, DigestQueue, EmailMessage, EmailSender, LineSender, PushOutcome } from "#domain/ports.ts";
import { type Preferences, withDefaults } from "#domain/preferences/preferences.ts";
import { type SesLocal, startSesLocal } from "#local/aws/ses-local.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";
import { published } from "#test/support/notification-records.ts";
import { RecordingPoster } from "#test/support/recording-poster.ts";
import { header, mailsTo, sesClient } from "#test/support/ses-mail.ts";

const PAGE = "http://localhost:3001/";
const live = { connectedAt: 1, expiresAt: 4_000_000_000 };

class RecordingLine implements LineSender {
  readonly pushes: { to: string; texts: readonly string[] }[] = [];
  async push(to: string, texts: readonly string[]): Promise<PushOutcome> {
    this.pushes.push({ to, texts });
    return "sent";
  }
}

class RecordingDigests implements DigestQueue {
  readonly owed: { channel: Channel; userId: string; ids: string[] }[] = [];
  async owe(channel: Channel, userId: string, notifications: readonly Notification[]): Promise<void> {
    this.owed.push({ channel, userId, ids: notifications.map((n) => n.id) });
  }
}

let ses: SesLocal;
beforeAll(async () => {
  ses = await startSesLocal({ port: 0 });
});
afterAll(async () => {
  await ses?.stop();
});

describe("deliverBatch, channels per person", () => {
  let tables: TestTables;
  let poster: RecordingPoster;
  let line: RecordingLine;
  let digests: RecordingDigests;
  let preferences: DynamoDbPreferenceStore;
  let ledger: DynamoDbDeliveryLedger;
  /** Addresses unique to this test: the emulator's mailbox is shared by the file. */
  let address: (userId: string) => string;
  let tail = 0;

  const defaults = (lineMode: LineMode = "fallback"): Preferences => ({
    line: lineMode,
    email: "fallback",
    timeZone: "UTC",
    digestHour: 8,
  });
  const ports = (overrides: Partial<DeliverBatchPorts> = {}): DeliverBatchPorts => ({
    connections: new DynamoDbConnectionStore({ tableName: tables.connections, client: tables.doc }),
    poster,
    events: new DynamoDbEventLog({ tableName: tables.events, client: tables.doc }),
    ledger,
    lineMode: "fallback",
    lineFor: async (userId) => ({ sender: line, to: `line-of-${userId}` }),
    preferencesFor: async (userId) => withDefaults(await preferences.get(userId), defaults()),
    email: { sender: new SesV2EmailSender("likes@example.com", sesClient(ses)), pageUrl: PAGE },
    digests,
    ...overrides,
  });
  const item = (userId: string, overrides: Partial<Notification> = {}): BatchItem => {
    tail++;
    const notification = published(userId, Date.now(), String(tail), { title: `Message ${tail}`, ...overrides } as never);
    return { key: `seq-${tail}`, notification };
  };
  const choose = (userId: string, choice: Partial<Preferences>) => preferences.update(userId, { emailAddress: address(userId), ...choice });
  const mails = (userId: string) => mailsTo(ses.endpoint, address(userId));

  beforeEach(async () => {
    tables = await createTestTables();
    poster = new RecordingPoster();
    line = new RecordingLine();
    digests = new RecordingDigests();
    preferences = new DynamoDbPreferenceStore({ tableName: tables.preferences, client: tables.doc });
    ledger = new DynamoDbDeliveryLedger({ tableName: tables.deliveries, client: tables.doc });
    const run = randomUUID().slice(0, 8);
    address = (userId) => `${userId}.${run}@example.com`;
    const connections = new DynamoDbConnectionStore({ tableName: tables.connections, client: tables.doc });
    await connections.save({ connectionId: "watched-tab", userId: "watched", ...live });
  });

  it("fallback mails only what no tab received; always mails everything; off mails nothing", async () => {
    // Prepare: the same three modes for a user with a tab open and one without
    for (const userId of ["watched", "away"]) await choose(userId, { email: "fallback", line: "off" });
    const fallback = [item("watched"), item("away")];

    // Act, Assess: fallback
    let result = await deliverBatch(fallback, ports());
    expect(result.failed).toEqual([]);
    expect(await mails("watched")).toEqual([]);
    expect((await mails("away")).map((mail) => mail.subject)).toEqual([fallback[1]!.notification.title]);
    expect(result.email.get(fallback[0]!.notification.id)).toBe("not-needed");
    expect(result.email.get(fallback[1]!.notification.id)).toBe("sent");
    expect(result.emailPushes).toBe(1);

    // always
    for (const userId of ["watched", "away"]) await choose(userId, { email: "always" });
    const always = [item("watched"), item("away")];
    result = await deliverBatch(always, ports());
    expect((await mails("watched")).map((mail) => mail.subject)).toEqual([always[0]!.notification.title]);
    expect((await mails("away")).map((mail) => mail.subject)).toEqual([fallback[1]!.notification.title, always[1]!.notification.title]);
    expect([...result.email.values()]).toEqual(["sent", "sent"]);

    // off
    for (const userId of ["watched", "away"]) await choose(userId, { email: "off" });
    result = await deliverBatch([item("watched"), item("away")], ports());
    expect((await mails("watched")).length).toBe(1);
    expect((await mails("away")).length).toBe(2);
    expect([...result.email.values()]).toEqual(["not-needed", "not-needed"]);
    expect(line.pushes).toEqual([]);
  });

  it("digest hands every notification to the digest queue, per channel, and sends nothing now", async () => {
    await choose("watched", { email: "digest", line: "digest" });
    const batch = [item("watched"), item("watched")];

    const result = await deliverBatch(batch, ports());

    const ids = batch.map((b) => b.notification.id);
    expect(digests.owed.sort((a, b) => a.channel.localeCompare(b.channel))).toEqual([
      { channel: "email", userId: "watched", ids },
      { channel: "line", userId: "watched", ids },
    ]);
    expect(await mails("watched")).toEqual([]);
    expect(line.pushes).toEqual([]);
    expect([...result.email.values()]).toEqual(["digest", "digest"]);
    expect([...result.line.values()]).toEqual(["digest", "digest"]);
  });

  it("says not-configured without an address, and reports no e-mail where no e-mail channel is wired", async () => {
    const batch = [item("away")];
    const result = await deliverBatch(batch, ports());
    expect(result.email.get(batch[0]!.notification.id)).toBe("not-configured");
    expect(result.failed).toEqual([]);

    const unwired = await deliverBatch([item("away")], ports({ email: undefined }));
    expect(unwired.email.size).toBe(0);
  });

  it("puts every mail's values through escaping, subject and link included", async () => {
    await choose("away", { email: "always" });
    const evil = item("away", { title: `<b>bold</b> & "quoted"`, body: "<script>x()</script>" });

    await deliverBatch([evil], ports());

    const [mail] = await mails("away");
    expect(mail!.subject).toBe(`<b>bold</b> & "quoted"`);
    expect(mail!.body.html).toContain("&#60;b&#62;bold&#60;/b&#62; &#38; &#34;quoted&#34;");
    expect(mail!.body.html).not.toContain("<script>");
    expect(mail!.body.html).toContain(`href="${PAGE}"`);
    expect(mail!.body.text).toContain("<script>x()</script>");
  });

  it("sends a group message's copies to each member by that member's own choices", async () => {
    // Prepare: four members, four choices; none has a tab open
    await choose("m-mail", { email: "always", line: "off" });
    await choose("m-off", { email: "off", line: "off" });
    await choose("m-line", { email: "off", line: "always" });
    await choose("m-digest", { email: "digest", line: "off" });
    const message = published("x", Date.now(), "900", { title: "Release 2.0" });
    const members = ["m-mail", "m-off", "m-line", "m-digest"];
    const copies = members.map((userId) => ({
      key: `seq-900 ${userId}`,
      notification: { ...message, id: memberEventId(message.id, userId), to: "group:team" as const, userId },
    }));

    // Act
    const result = await deliverBatch(copies, ports());

    // Assess
    expect(result.failed).toEqual([]);
    expect((await mails("m-mail")).map((mail) => mail.subject)).toEqual(["Release 2.0"]);
    expect(await mails("m-off")).toEqual([]);
    expect(await mails("m-line")).toEqual([]);
    expect(line.pushes.map((push) => push.to)).toEqual(["line-of-m-line"]);
    expect(digests.owed).toEqual([{ channel: "email", userId: "m-digest", ids: [copies[3]!.notification.id] }]);
    expect(copies.map((copy) => result.email.get(copy.notification.id))).toEqual(["sent", "not-needed", "not-needed", "digest"]);
  });

  it("keeps LINE_MODE for whoever chose nothing, and for everyone without preferences", async () => {
    // With preferences: LINE's default comes from LINE_MODE
    const withDefaults_ = (mode: LineMode) =>
      ports({ lineMode: mode, preferencesFor: async (userId) => withDefaults(await preferences.get(userId), defaults(mode)) });
    await deliverBatch([item("watched"), item("away")], withDefaults_("fallback"));
    expect(line.pushes.map((push) => push.to)).toEqual(["line-of-away"]);
    await deliverBatch([item("watched"), item("away")], withDefaults_("always"));
    expect(line.pushes.map((push) => push.to).sort()).toEqual(["line-of-away", "line-of-away", "line-of-watched"]);
    await deliverBatch([item("watched"), item("away")], withDefaults_("off"));
    expect(line.pushes.length).toBe(3);

    // Without preferences at all (as before issue 13): LINE_MODE for everyone, e-mail off
    const bare = ports({ lineMode: "always", preferencesFor: undefined });
    const batch = [item("watched")];
    const result = await deliverBatch(batch, bare);
    expect(line.pushes.length).toBe(4);
    expect(result.email.get(batch[0]!.notification.id)).toBe("not-needed");
  });

  it("mails each notification once across a retried batch, whatever else in it failed", async () => {
    // Prepare: a batch where another user's post fails, so the batch is retried
    await choose("away", { email: "always" });
    const connections = new DynamoDbConnectionStore({ tableName: tables.connections, client: tables.doc });
    await connections.save({ connectionId: "flaky-tab", userId: "flaky", ...live });
    poster.failing.set("flaky-tab", new Error("socket reset"));
    const batch = [item("away"), item("flaky"), item("away")];

    // Act: the first try, then Lambda's retry of the whole batch, then one after the failure cleared
    const first = await deliverBatch(batch, ports());
    const second = await deliverBatch(batch, ports());
    poster.failing.clear();
    const third = await deliverBatch(batch, ports());

    // Assess
    expect(first.failed).toEqual([batch[1]!.key]);
    expect(second.failed).toEqual([batch[1]!.key]);
    expect(third.failed).toEqual([]);
    const received = await mails("away");
    expect(received.length).toBe(1);
    expect(received[0]!.subject).toBe("2 notifications");
    expect(first.emailPushes + second.emailPushes + third.emailPushes).toBe(1);
  });

  it("a crash before SES accepted: the retry sends the mail once", async () => {
    await choose("away", { email: "always" });
    const real = new SesV2EmailSender("likes@example.com", sesClient(ses));
    let calls = 0;
    const crashingFirst: EmailSender = {
      send: async (to: string, message: EmailMessage, key: string) => {
        if (calls++ === 0) throw new Error("connection reset before SES answered");
        await real.send(to, message, key);
      },
    };
    const batch = [item("away")];

    const first = await deliverBatch(batch, ports({ email: { sender: crashingFirst, pageUrl: PAGE } }));
    const retry = await deliverBatch(batch, ports({ email: { sender: crashingFirst, pageUrl: PAGE } }));

    expect(first.failed).toEqual([batch[0]!.key]);
    expect(first.email.get(batch[0]!.notification.id)).toBe("failed");
    expect(retry.failed).toEqual([]);
    expect((await mails("away")).length).toBe(1);
  });

  it("a crash after SES accepted and before the ledger said so: the retry sends the same mail, recognisable by its push key", async () => {
    // Prepare: the ledger's markSent fails once, as a crash between SES's answer and the write would leave it
    await choose("away", { email: "always", line: "off" });
    let failMarks = 1;
    const crashingLedger: DeliveryLedger = Object.assign(Object.create(ledger) as DeliveryLedger, {
      markSent: async (key: string) => {
        if (failMarks-- > 0) throw new Error("process killed");
        await ledger.markSent(key);
      },
    });
    const batch = [item("away"), item("away")];

    // Act
    const first = await deliverBatch(batch, ports({ ledger: crashingLedger }));
    const retry = await deliverBatch(batch, ports({ ledger: crashingLedger }));
    const again = await deliverBatch(batch, ports({ ledger: crashingLedger }));

    // Assess: SES has no idempotency key, so the retry repeats the mail: the very same content and key
    expect(first.failed).toEqual(batch.map((b) => b.key));
    expect(retry.failed).toEqual([]);
    expect(again.emailPushes).toBe(0);
    const [original, repeat, ...more] = await mails("away");
    expect(more).toEqual([]);
    expect(repeat!.subject).toBe(original!.subject);
    expect(repeat!.body).toEqual(original!.body);
    expect(header(repeat!, PUSH_KEY_HEADER)).toBe(header(original!, PUSH_KEY_HEADER));
    expect(header(repeat!, "References")).toBe(header(original!, "References"));
  });

  it("sends different users' channel messages side by side, at most fanoutConcurrency at once", async () => {
    // Prepare: 12 users wanting every mail, a sender that holds each send a moment
    const users = Array.from({ length: 12 }, (_, i) => `u${i}`);
    for (const userId of users) await choose(userId, { email: "always", line: "off" });
    const real = new SesV2EmailSender("likes@example.com", sesClient(ses));
    let running = 0;
    let mostAtOnce = 0;
    const slow: EmailSender = {
      send: async (to: string, message: EmailMessage, key: string) => {
        running++;
        mostAtOnce = Math.max(mostAtOnce, running);
        await new Promise((resolve) => setTimeout(resolve, 50));
        await real.send(to, message, key);
        running--;
      },
    };

    // Act
    const result = await deliverBatch(
      users.map((userId) => item(userId)),
      ports({ email: { sender: slow, pageUrl: PAGE }, fanoutConcurrency: 4 }),
    );

    // Assess
    expect(result.emailPushes).toBe(12);
    expect(mostAtOnce).toBeGreaterThan(1);
    expect(mostAtOnce).toBeLessThanOrEqual(4);
    for (const userId of users) expect((await mails(userId)).length).toBe(1);
  });
});
