import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { DIGEST_TTL_SECONDS, DynamoDbDigestQueue } from "#adapters/dynamodb/dynamodb-digest-queue.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";
import { likeEvent } from "#test/support/like-events.ts";

describe("DynamoDbDigestQueue", () => {
  let tables: TestTables;
  let now = Date.parse("2026-11-30T00:00:00Z");
  let queue: DynamoDbDigestQueue;

  beforeAll(async () => {
    tables = await createTestTables();
    queue = new DynamoDbDigestQueue({ tableName: tables.digests, client: tables.doc, now: () => now });
  });

  it("keeps each owed notification whole, oldest first, and owing it again keeps its first time", async () => {
    // Prepare
    const first = likeEvent("alice", 2);
    const second = likeEvent("alice", 1);

    // Act
    await queue.owe("line", "alice", [first]);
    now += 60_000;
    await queue.owe("line", "alice", [second, first]);
    const owed = await queue.owed("line", "alice");

    // Assess
    expect(owed).toEqual([
      { notification: first, owedAt: now - 60_000 },
      { notification: second, owedAt: now },
    ]);
    const { Item } = await tables.doc.send(new GetCommand({ TableName: tables.digests, Key: { owner: "line#alice", id: first.id } }));
    expect(Item?.expiresAt).toBe(Math.floor((now - 60_000) / 1000) + DIGEST_TTL_SECONDS);
  });

  it("keeps channels and users apart, and finds every one owed something", async () => {
    // Act
    await queue.owe("email", "alice", [likeEvent("alice", 3)]);
    await queue.owe("line", "bob", [likeEvent("bob", 4)]);
    const debtors = await queue.debtors();

    // Assess
    expect(debtors).toEqual(
      expect.arrayContaining([
        { channel: "line", userId: "alice" },
        { channel: "email", userId: "alice" },
        { channel: "line", userId: "bob" },
      ]),
    );
    expect(debtors).toHaveLength(3);
    expect((await queue.owed("email", "alice")).map((item) => item.notification.id)).toEqual([likeEvent("alice", 3).id]);
  });

  it("settles a day: remembers it, forgets what the digest carried, keeps what came later", async () => {
    // Prepare
    const carol = [likeEvent("carol", 5), likeEvent("carol", 6), likeEvent("carol", 7)];
    await queue.owe("line", "carol", carol);

    // Act
    const before = await queue.lastDigest("line", "carol");
    await queue.settle("line", "carol", "2026-11-30", [carol[0]!.id, carol[1]!.id]);

    // Assess
    expect(before).toBeUndefined();
    expect(await queue.lastDigest("line", "carol")).toBe("2026-11-30");
    expect((await queue.owed("line", "carol")).map((item) => item.notification.id)).toEqual([carol[2]!.id]);
    expect(await queue.lastDigest("email", "carol")).toBeUndefined();
  });

  it("stops listing a user once everything owed is settled, even with more than one write batch", async () => {
    // Prepare
    const many = Array.from({ length: 30 }, (_, i) => likeEvent("dave", 100 + i));
    await queue.owe("line", "dave", many);

    // Act
    await queue.settle(
      "line",
      "dave",
      "2026-11-30",
      many.map((n) => n.id),
    );

    // Assess
    expect(await queue.owed("line", "dave")).toEqual([]);
    expect(await queue.debtors()).not.toContainEqual({ channel: "line", userId: "dave" });
  });
});
