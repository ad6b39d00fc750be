import { beforeAll, describe, expect, it } from "vitest";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { DynamoDbPublicationStore } from "#adapters/dynamodb/dynamodb-publication-store.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";
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
    expect(again).toEqual({ written: false, id: first.id, requestHash: "hash-a" });
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
});
