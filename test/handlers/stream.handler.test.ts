import { beforeEach, describe, expect, it } from "vitest";
import { Logger } from "@aws-lambda-powertools/logger";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { DynamoDbConnectionStore } from "#adapters/dynamodb/dynamodb-connection-store.ts";
import { DynamoDbDeliveryLedger } from "#adapters/dynamodb/dynamodb-delivery-ledger.ts";
import { DynamoDbEventLog } from "#adapters/dynamodb/dynamodb-event-log.ts";
import { createStreamHandler, type StreamDeps } from "#handlers/stream.handler.ts";
import type { LineMode } from "#domain/line-mode.ts";
import type { ConnectionStore, LineSender, PushOutcome } from "#domain/ports.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";
import { likeIdOf, likeRecord, sequenceOf } from "#test/support/article-records.ts";
import { RecordingPoster } from "#test/support/recording-poster.ts";

const logger = new Logger({ logLevel: "SILENT" });

/** A LineSender port fake; the real sender is tested against the fake LINE server. */
class RecordingLine implements LineSender {
  readonly pushes: { to: string; texts: readonly string[]; retryKey: string }[] = [];
  failWith: Error | undefined;
  async push(to: string, texts: readonly string[], retryKey: string): Promise<PushOutcome> {
    if (this.failWith) throw this.failWith;
    this.pushes.push({ to, texts, retryKey });
    return "sent";
  }
}

/** Counts index lookups to prove one per writer per batch. */
class CountingStore implements ConnectionStore {
  lookups = 0;
  constructor(private readonly inner: ConnectionStore) {}
  save = (c: Parameters<ConnectionStore["save"]>[0]) => this.inner.save(c);
  remove = (id: string) => this.inner.remove(id);
  get = (id: string) => this.inner.get(id);
  listByUser = (userId: string, now: number) => {
    this.lookups++;
    return this.inner.listByUser(userId, now);
  };
  takeSlot = (id: string, max: number, windowMs: number, nowMs: number) => this.inner.takeSlot(id, max, windowMs, nowMs);
}

const batch = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });
const live = { connectedAt: 1, expiresAt: 4_000_000_000 };

describe("stream handler", () => {
  let tables: TestTables;
  let store: CountingStore;
  let poster: RecordingPoster;
  let line: RecordingLine;
  let events: DynamoDbEventLog;
  let handler: ReturnType<typeof createStreamHandler>;

  const build = (lineMode: LineMode = "fallback", extra: Partial<StreamDeps> = {}) =>
    createStreamHandler({
      connections: store,
      poster,
      events,
      ledger: new DynamoDbDeliveryLedger({ tableName: tables.deliveries, client: tables.doc }),
      lineMode,
      lineFor: async (userId) => ({ sender: line, to: `line-of-${userId}` }),
      logger,
      ...extra,
    });

  beforeEach(async () => {
    tables = await createTestTables();
    store = new CountingStore(new DynamoDbConnectionStore({ tableName: tables.connections, client: tables.doc }));
    events = new DynamoDbEventLog({ tableName: tables.events, client: tables.doc });
    poster = new RecordingPoster();
    line = new RecordingLine();
    handler = build();
    await store.save({ connectionId: "alice-tab-1", userId: "alice", ...live });
    await store.save({ connectionId: "alice-tab-2", userId: "alice", ...live });
    await store.save({ connectionId: "bob-phone", userId: "bob", ...live });
  });

  it("posts a like frame to every connection of the writer and no one else", async () => {
    // Act
    const record = likeRecord(101, "alice", "item-a", 3, 5, ["dave", "carol"]);
    const result = await handler(batch(record));

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    for (const tab of ["alice-tab-1", "alice-tab-2"]) {
      expect(poster.framesOf(tab)).toEqual([
        expect.objectContaining({
          type: "like",
          id: likeIdOf(record),
          userId: "alice",
          itemId: "item-a",
          delta: 2,
          likesCount: 5,
          likers: ["dave", "carol"],
        }),
      ]);
    }
    expect(poster.framesOf("bob-phone")).toEqual([]);
    expect(line.pushes).toEqual([]);
  });

  it("looks up a writer's connections once per batch and keeps the likes for resume", async () => {
    const records = [likeRecord(1, "alice", "a", 0, 1), likeRecord(2, "alice", "b", 0, 1), likeRecord(3, "alice", "a", 1, 2)];
    await handler(batch(...records));

    expect(store.lookups).toBe(1);
    expect(poster.framesOf("alice-tab-1").map((f) => f.id)).toEqual(records.map(likeIdOf));
    expect((await events.after("alice", "0", 100)).map((e) => e.id)).toEqual(records.map(likeIdOf));
  });

  it("deletes the row of a connection that is gone and still reaches the others", async () => {
    poster.gone.add("alice-tab-1");

    const result = await handler(batch(likeRecord(7, "alice", "a", 1, 2)));

    expect(result.batchItemFailures).toEqual([]);
    expect(await store.get("alice-tab-1")).toBeUndefined();
    expect(poster.framesOf("alice-tab-2")).toHaveLength(1);
  });

  it("reports a failed post and holds back that writer's later likes, but not other writers'", async () => {
    // Prepare
    poster.failing.set("alice-tab-1", Object.assign(new Error("throttled"), { name: "LimitExceededException" }));

    // Act
    const result = await handler(
      batch(likeRecord(10, "alice", "a", 1, 2), likeRecord(11, "bob", "b", 1, 2), likeRecord(12, "alice", "a", 2, 3)),
    );

    // Assess
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: "10" }, { itemIdentifier: "12" }]);
    expect(poster.framesOf("alice-tab-2").map((f) => sequenceOf(f.id as string))).toEqual([10]);
    expect(poster.framesOf("bob-phone")).toHaveLength(1);
  });

  it("fans out writers side by side while each writer's likes keep stream order", async () => {
    // Prepare: alice's first post is held until bob's like has gone out
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slowPoster: RecordingPoster = Object.assign(new RecordingPoster(), {
      async post(this: RecordingPoster, connectionId: string, frame: string) {
        const { id } = JSON.parse(frame) as { id: string };
        if (connectionId === "alice-tab-1" && sequenceOf(id) === 1) await held;
        if (connectionId === "bob-phone") release();
        order.push(`${connectionId}:${sequenceOf(id)}`);
        return RecordingPoster.prototype.post.call(this, connectionId, frame);
      },
    });

    // Act
    const result = await build("fallback", { poster: slowPoster })(
      batch(likeRecord(1, "alice", "a", 0, 1), likeRecord(2, "alice", "a", 1, 2), likeRecord(3, "bob", "b", 0, 1)),
    );

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(order.indexOf("bob-phone:3")).toBeLessThan(order.indexOf("alice-tab-1:1"));
    expect(order.indexOf("alice-tab-1:1")).toBeLessThan(order.indexOf("alice-tab-1:2"));
    expect(order.indexOf("alice-tab-2:1")).toBeLessThan(order.indexOf("alice-tab-2:2"));
  });

  it("logs and skips a malformed record without failing its batch", async () => {
    const broken = likeRecord(20, "alice", "a", 1, 2);
    broken.dynamodb!.NewImage!.likesCount = { S: "many" };

    const result = await handler(batch(broken, likeRecord(21, "alice", "b", 0, 1)));

    expect(result.batchItemFailures).toEqual([]);
    expect(poster.framesOf("alice-tab-1").map((f) => sequenceOf(f.id as string))).toEqual([21]);
  });

  it("still posts frames and reports nothing failed when the resume log cannot be written", async () => {
    // Prepare: the events table refuses every write
    const refusing = Object.assign(Object.create(events) as DynamoDbEventLog, {
      append: async () => {
        throw Object.assign(new Error("events table unavailable"), { name: "ServiceUnavailable" });
      },
    });

    // Act
    const result = await build("fallback", { events: refusing })(batch(likeRecord(25, "alice", "a", 1, 2)));

    // Assess: delivered at once rather than held back for a minute of retries
    expect(result.batchItemFailures).toEqual([]);
    expect(poster.framesOf("alice-tab-1").map((f) => sequenceOf(f.id as string))).toEqual([25]);
  });

  it("ignores decreases and title-only edits", async () => {
    const result = await handler(batch(likeRecord(30, "alice", "a", 5, 4), likeRecord(31, "alice", "a", 4, 4)));

    expect(result.batchItemFailures).toEqual([]);
    expect(poster.frames.size).toBe(0);
    expect(line.pushes).toEqual([]);
  });

  describe("LINE", () => {
    it("fallback: one push listing every like of a writer nobody is watching", async () => {
      // Act
      await handler(
        batch(
          likeRecord(40, "carol", "x", 0, 1, ["u1"]),
          likeRecord(41, "carol", "y", 2, 4, ["u2", "u3"]),
          likeRecord(42, "alice", "z", 0, 1),
        ),
      );

      // Assess
      expect(line.pushes).toHaveLength(1);
      expect(line.pushes[0]?.to).toBe("line-of-carol");
      expect(line.pushes[0]?.texts.join("\n")).toMatch(/Title of x[\s\S]*Title of y/);
    });

    it("always: pushes even when a connection got the like", async () => {
      await build("always")(batch(likeRecord(50, "alice", "a", 0, 1)));

      expect(line.pushes.map((p) => p.to)).toEqual(["line-of-alice"]);
    });

    it("off: never pushes", async () => {
      await build("off")(batch(likeRecord(60, "carol", "a", 0, 1)));

      expect(line.pushes).toEqual([]);
    });

    it("a retried batch pushes nothing again, and posts no frame again", async () => {
      const records = [likeRecord(70, "carol", "a", 0, 1), likeRecord(71, "alice", "b", 0, 1)];

      await handler(batch(...records));
      await handler(batch(...records));

      expect(line.pushes).toHaveLength(1);
      expect(line.pushes[0]?.retryKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(poster.framesOf("alice-tab-1")).toHaveLength(1);
    });

    it("a like is pushed once whatever batches it is retried in (another writer's failure, bisect, more records)", async () => {
      // Prepare: carol's likes go out in one push while bob's post fails, so the batch is retried
      poster.failing.set("bob-phone", Object.assign(new Error("throttled"), { name: "LimitExceededException" }));
      const first = await handler(
        batch(likeRecord(72, "carol", "a", 0, 1), likeRecord(73, "bob", "b", 0, 1), likeRecord(74, "carol", "c", 0, 1)),
      );
      poster.failing.clear();

      // Act: the retry holds a different set (Lambda retries from 73, then bisects), plus a new like
      await handler(batch(likeRecord(73, "bob", "b", 0, 1), likeRecord(74, "carol", "c", 0, 1), likeRecord(75, "carol", "d", 0, 1)));
      await handler(batch(likeRecord(74, "carol", "c", 0, 1)));

      // Assess: 72 and 74 in the first push, 75 alone in the second, nothing shown twice
      expect(first.batchItemFailures).toEqual([{ itemIdentifier: "73" }]);
      const shown = line.pushes.filter((p) => p.to === "line-of-carol").map((p) => p.texts.join("\n"));
      expect(shown).toHaveLength(2);
      for (const item of ["a", "c", "d"]) expect(shown.filter((text) => text.includes(`Title of ${item}`))).toHaveLength(1);
    });

    it("after a crash between LINE accepting and the ledger saying so, the same push goes again with the same key", async () => {
      // Prepare: LINE accepts the push, then the invocation dies before it is marked sent
      const crashing = build("fallback", {
        lineFor: async (userId) => ({
          to: `line-of-${userId}`,
          sender: {
            push: async (to, texts, retryKey) => {
              await line.push(to, texts, retryKey);
              throw new Error("process killed");
            },
          },
        }),
      });
      await crashing(batch(likeRecord(76, "carol", "a", 0, 1)));

      // Act: redelivered with a later like
      await handler(batch(likeRecord(76, "carol", "a", 0, 1), likeRecord(77, "carol", "b", 0, 1)));

      // Assess: the first push again with the same key and texts (LINE drops it as a repeat), then one for 77
      expect(line.pushes).toHaveLength(3);
      expect(line.pushes[1]).toEqual(line.pushes[0]);
      expect(line.pushes[2]?.texts.join("\n")).toMatch(/Title of b/);
      expect(line.pushes[2]?.texts.join("\n")).not.toMatch(/Title of a/);
    });

    it("a failed push reports that writer's records for retry", async () => {
      line.failWith = Object.assign(new Error("LINE is down"), { name: "LineUnavailableError" });

      const result = await handler(batch(likeRecord(80, "alice", "a", 0, 1), likeRecord(81, "carol", "b", 0, 1)));

      expect(result.batchItemFailures).toEqual([{ itemIdentifier: "81" }]);
    });

    it("skips writers with no LINE recipient", async () => {
      const result = await build("fallback", { lineFor: async () => undefined })(batch(likeRecord(90, "carol", "a", 0, 1)));

      expect(result.batchItemFailures).toEqual([]);
      expect(line.pushes).toEqual([]);
    });
  });
});
