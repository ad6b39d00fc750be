import { beforeAll, describe, expect, it } from "vitest";
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { DynamoDbPublicationStore, RECEIPT_TTL_SECONDS } from "#adapters/dynamodb/dynamodb-publication-store.ts";
import { createTestTables, localDynamoClient, type TestTables } from "#test/support/dynamodb.ts";
import { published } from "#test/support/notification-records.ts";

describe("DynamoDbPublicationStore", () => {
  let tables: TestTables;
  let clock = 1_800_000_000_000;
  let store: DynamoDbPublicationStore;
  const claim = (key: string, requestHash: string) => ({ key, requestHash, expiresAt: Math.floor(clock / 1000) + 60 });
  const itemCount = async () => (await tables.doc.send(new ScanCommand({ TableName: tables.notifications }))).Items?.length ?? 0;

  beforeAll(async () => {
    tables = await createTestTables();
    store = new DynamoDbPublicationStore({ tableName: tables.notifications, client: tables.doc, now: () => clock });
  });

  it("keeps a notification and reads it back without its bookkeeping", async () => {
    const notification = published("alice", clock, "1", { data: { n: 1 }, body: "" });

    await store.publish(notification);

    expect(await store.get(notification.id)).toEqual({ notification });
    expect(await store.get("idem#nothing")).toBeUndefined();
  });

  it("writes nothing for a held key and answers what holds it; an expired claim is free again", async () => {
    // Prepare
    const first = published("alice", clock, "2");
    expect(await store.publish(first, claim("job-1", "hash-a"))).toEqual({ written: true });
    const before = await itemCount();

    // Act
    const again = await store.publish(published("alice", clock, "3"), claim("job-1", "hash-b"));
    clock += 61_000;
    const later = await store.publish(published("alice", clock, "4"), claim("job-1", "hash-b"));

    // Assess
    expect(again).toEqual({ written: false, id: first.id, requestHash: "hash-a", expiresAt: Math.floor((clock - 61_000) / 1000) + 60 });
    expect(later).toEqual({ written: true });
    expect(await itemCount()).toBe(before + 1);
  });

  it("records the first finished delivery only", async () => {
    const notification = published("bob", clock, "5");
    await store.publish(notification);

    await store.recordDelivery(notification.id, { sentAt: "2026-11-30T12:00:00.000Z", live: 2, line: "not-needed" });
    await store.recordDelivery(notification.id, { sentAt: "2026-11-30T12:01:00.000Z", live: 0, line: "sent" });
    await store.recordDelivery("9".repeat(40), { sentAt: "2026-11-30T12:01:00.000Z", live: 0, line: "sent" });

    expect((await store.get(notification.id))?.delivery).toEqual({ sentAt: "2026-11-30T12:00:00.000Z", live: 2, line: "not-needed" });
    expect(await store.get("9".repeat(40))).toBeUndefined();
  });

  describe("scheduled", () => {
    it("keeps it scheduled with its sendAt, kept a week past sendAt, and lists it in the due index only once due", async () => {
      // Prepare
      const sendAtMs = clock + 3_600_000;
      const notification = published("carol", sendAtMs, "10");

      // Act
      await store.publish(notification, undefined, { sendAtMs });

      // Assess
      expect(await store.get(notification.id)).toEqual({ notification, status: "scheduled", sendAt: new Date(sendAtMs).toISOString() });
      const { Item } = await tables.doc.send(new GetCommand({ TableName: tables.notifications, Key: { id: notification.id } }));
      expect(Item?.expiresAt).toBe(sendAtMs / 1000 + RECEIPT_TTL_SECONDS);
      expect((await store.due(sendAtMs - 1, 100)).map((item) => item.id)).not.toContain(notification.id);
      expect(await store.due(sendAtMs, 100)).toContainEqual({ id: notification.id, dueAt: sendAtMs });
    });

    it("releases once: the second release, and a cancel after it, find it taken", async () => {
      const notification = published("carol", clock, "11");
      await store.publish(notification, undefined, { sendAtMs: clock });

      expect(await store.release(notification.id, clock)).toBe(true);
      expect(await store.release(notification.id, clock)).toBe(false);
      expect(await store.cancel(notification.id, clock)).toBe("not-scheduled");
      expect((await store.due(clock, 100)).map((item) => item.id)).not.toContain(notification.id);
      expect(await store.get(notification.id)).toMatchObject({ status: "due" });
    });

    it("cancels once, then says already cancelled; never releases a cancelled one; an unknown id is unknown", async () => {
      const notification = published("carol", clock, "12");
      await store.publish(notification, undefined, { sendAtMs: clock + 1_000 });

      expect(await store.cancel(notification.id, clock)).toBe("cancelled");
      expect(await store.cancel(notification.id, clock)).toBe("already-cancelled");
      expect(await store.release(notification.id, clock + 1_000)).toBe(false);
      expect(await store.cancel("9".repeat(40), clock)).toBe("unknown");
      expect(await store.get("9".repeat(40))).toBeUndefined();
      expect(await store.get(notification.id)).toMatchObject({ status: "cancelled" });
    });
  });

  it("answers the winner's claim when two publishes with one key collide in flight (a TransactionConflict)", async () => {
    // Prepare: DynamoDB Local runs transactions one at a time; AWS cancels one that touches an item
    // another transaction is writing (TransactionConflict). A middleware does what AWS does.
    const client = localDynamoClient();
    let inFlight = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== "TransactWriteItemsCommand") return next(args);
        if (inFlight > 0) {
          throw new TransactionCanceledException({
            message: "Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict, None]",
            $metadata: {},
            CancellationReasons: [{ Code: "TransactionConflict" }, { Code: "None" }],
          });
        }
        inFlight++;
        try {
          await new Promise((resolve) => setTimeout(resolve, 100));
          return await next(args);
        } finally {
          inFlight--;
        }
      },
      { step: "initialize" },
    );
    const racing = new DynamoDbPublicationStore({
      tableName: tables.notifications,
      client: DynamoDBDocumentClient.from(client),
      now: () => clock,
    });
    const [a, b] = [published("dave", clock, "20"), published("dave", clock, "21")];

    // Act
    const first = racing.publish(a, claim("raced", "same-hash"));
    const second = await racing.publish(b, claim("raced", "same-hash"));

    // Assess
    expect(await first).toEqual({ written: true });
    expect(second).toEqual({ written: false, id: a.id, requestHash: "same-hash", expiresAt: Math.floor(clock / 1000) + 60 });
    expect(await store.get(b.id)).toBeUndefined();
    client.destroy();
  });
});
