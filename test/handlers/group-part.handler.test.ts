/**
 * A large group message delivered in parts: the stream handler hands the parts to the GroupPart
 * function through Lambda's asynchronous Invoke (the real SDK client against a Lambda stand-in
 * that queues and retries as Lambda does), each part posts to its members once, and the receipt
 * is complete when every part recorded its own.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Logger } from "@aws-lambda-powertools/logger";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { DynamoDbConnectionStore } from "#adapters/dynamodb/dynamodb-connection-store.ts";
import { DynamoDbDeliveryLedger } from "#adapters/dynamodb/dynamodb-delivery-ledger.ts";
import { DynamoDbEventLog } from "#adapters/dynamodb/dynamodb-event-log.ts";
import { DynamoDbPublicationStore } from "#adapters/dynamodb/dynamodb-publication-store.ts";
import { LambdaGroupPartDispatcher } from "#adapters/lambda/lambda-group-part-dispatcher.ts";
import { memberEventId } from "#domain/event-id.ts";
import type { GroupPublication } from "#domain/notification.ts";
import type { LineSender, PushOutcome } from "#domain/ports.ts";
import { createGroupPartHandler } from "#handlers/group-part.handler.ts";
import { createStreamHandler } from "#handlers/stream.handler.ts";
import { FakeLambdaServer } from "#test/fakes/fake-lambda-server.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";
import { notificationsInsertRecord, published } from "#test/support/notification-records.ts";
import { RecordingPoster } from "#test/support/recording-poster.ts";

class RecordingLine implements LineSender {
  readonly pushes: string[] = [];
  async push(to: string): Promise<PushOutcome> {
    this.pushes.push(to);
    return "sent";
  }
}

const logger = new Logger({ logLevel: "SILENT" });
const live = { connectedAt: 1, expiresAt: 4_000_000_000 };
const FUNCTION = "live-likes-group-part";

describe("group message in parts", () => {
  let tables: TestTables;
  let poster: RecordingPoster;
  let line: RecordingLine;
  let lambda: FakeLambdaServer;
  let publications: DynamoDbPublicationStore;

  beforeEach(async () => {
    tables = await createTestTables();
    poster = new RecordingPoster();
    line = new RecordingLine();
    publications = new DynamoDbPublicationStore({ tableName: tables.notifications, client: tables.doc });
    lambda = await FakeLambdaServer.start();
    const connections = new DynamoDbConnectionStore({ tableName: tables.connections, client: tables.doc });
    // Five members: two with a tab each (one of them two tabs), three without; "outsider" is no member.
    for (const [connectionId, userId] of [
      ["m1-tab", "m1"],
      ["m3-tab-a", "m3"],
      ["m3-tab-b", "m3"],
      ["outsider-tab", "outsider"],
    ] as const) {
      await connections.save({ connectionId, userId, ...live });
    }
    const delivery = {
      connections,
      poster,
      events: new DynamoDbEventLog({ tableName: tables.events, client: tables.doc }),
      ledger: new DynamoDbDeliveryLedger({ tableName: tables.deliveries, client: tables.doc }),
      lineMode: "fallback" as const,
      lineFor: async (userId: string) => ({ sender: line, to: `line-of-${userId}` }),
      logger,
    };
    lambda.register(FUNCTION, createGroupPartHandler({ ...delivery, publications }));
  });

  afterEach(async () => {
    await lambda.close();
  });

  const streamHandler = () =>
    createStreamHandler({
      connections: new DynamoDbConnectionStore({ tableName: tables.connections, client: tables.doc }),
      poster,
      events: new DynamoDbEventLog({ tableName: tables.events, client: tables.doc }),
      ledger: new DynamoDbDeliveryLedger({ tableName: tables.deliveries, client: tables.doc }),
      lineMode: "fallback",
      lineFor: async (userId) => ({ sender: line, to: `line-of-${userId}` }),
      logger,
      publications,
      groupParts: new LambdaGroupPartDispatcher({
        functionName: FUNCTION,
        client: new LambdaClient({
          endpoint: lambda.endpoint,
          region: "us-east-1",
          credentials: { accessKeyId: "a", secretAccessKey: "b" },
        }),
      }),
      groupPartMembers: 2,
    });

  const publishGroup = async (members: string[]) => {
    const { userId: _userId, to: _to, ...content } = published("x", Date.now(), "42");
    const group: GroupPublication = { ...content, to: "group:everyone", members };
    await publications.publish(group);
    const { Item } = await tables.doc.send(new GetCommand({ TableName: tables.notifications, Key: { id: group.id } }));
    return { group, record: notificationsInsertRecord(1, Item as Record<string, unknown>) };
  };

  it("hands a group over the part size on in parts, one asynchronous invocation each, and each member gets it once", async () => {
    // Prepare
    const { group, record } = await publishGroup(["m1", "m2", "m3", "m4", "m5"]);

    // Act: the record arrives twice (a retried batch)
    const first = await streamHandler()({ Records: [record] });
    await streamHandler()({ Records: [record] });
    await lambda.settled();

    // Assess: three parts queued once (the retry finds them handed on), frames once per tab with the
    // member's own id, nobody else
    expect(first.batchItemFailures).toEqual([]);
    const queued = lambda.invocations.filter((call) => call.functionName === FUNCTION);
    expect(queued.map((call) => [call.invocationType, call.status])).toEqual(Array(3).fill(["Event", 202]));
    expect(queued.slice(0, 3).map((call) => (call.payload as { members: string[] }).members)).toEqual([["m1", "m2"], ["m3", "m4"], ["m5"]]);
    expect(poster.framesOf("m1-tab")).toEqual([expect.objectContaining({ id: memberEventId(group.id, "m1"), to: "group:everyone" })]);
    expect(poster.framesOf("m3-tab-a")).toHaveLength(1);
    expect(poster.framesOf("m3-tab-b")).toHaveLength(1);
    expect(poster.framesOf("outsider-tab")).toEqual([]);
    expect(line.pushes.sort()).toEqual(["line-of-m2", "line-of-m4", "line-of-m5"]);
    expect(lambda.asyncFailures).toEqual([]);
  });

  it("completes the receipt only when every part recorded its own, adding them up", async () => {
    const { group, record } = await publishGroup(["m1", "m2", "m3", "m4", "m5"]);

    await streamHandler()({ Records: [record] });
    await lambda.settled();

    expect((await publications.get(group.id))?.delivery).toEqual({ sentAt: expect.any(String), live: 3, line: "sent" });
  });

  it("retries a part whose posts failed, as Lambda retries an asynchronous invocation, and its other members get nothing twice", async () => {
    // Prepare: m3's second tab fails on the first try only
    const { group, record } = await publishGroup(["m1", "m2", "m3", "m4", "m5"]);
    let failures = 1;
    const post = poster.post.bind(poster);
    poster.post = async (connectionId, frame) => {
      if (connectionId === "m3-tab-b" && failures-- > 0) throw new Error("throttled");
      return post(connectionId, frame);
    };

    // Act
    await streamHandler()({ Records: [record] });
    await lambda.settled();

    // Assess: m4 (same part) once, LINE once; m3's other tab may see its frame again, with the
    // same id (a notification's fan-out is redone whole, and clients drop a repeated id)
    expect(poster.framesOf("m3-tab-b")).toHaveLength(1);
    expect(new Set(poster.framesOf("m3-tab-a").map((frame) => frame.id))).toEqual(new Set([memberEventId(group.id, "m3")]));
    expect(poster.framesOf("m1-tab")).toHaveLength(1);
    expect(line.pushes.filter((to) => to === "line-of-m4")).toHaveLength(1);
    expect(lambda.asyncFailures).toEqual([]);
    expect((await publications.get(group.id))?.delivery).toMatchObject({ live: 3 });
  });

  it("reports the record failed when the parts cannot be handed on, and delivers nothing itself", async () => {
    const { record } = await publishGroup(["m1", "m2", "m3"]);
    await lambda.close();

    const result = await streamHandler()({ Records: [record] });

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: "1" }]);
    expect(poster.frames.size).toBe(0);
    lambda = await FakeLambdaServer.start();
  });

  it("delivers a group within the part size itself, as before", async () => {
    const { group, record } = await publishGroup(["m1", "m3"]);

    await streamHandler()({ Records: [record] });

    expect(lambda.invocations).toEqual([]);
    expect(poster.framesOf("m1-tab")).toHaveLength(1);
    expect((await publications.get(group.id))?.delivery).toMatchObject({ live: 3 });
  });

  it("drops a malformed part instead of retrying it forever", async () => {
    const handler = createGroupPartHandler({
      connections: new DynamoDbConnectionStore({ tableName: tables.connections, client: tables.doc }),
      poster,
      events: new DynamoDbEventLog({ tableName: tables.events, client: tables.doc }),
      ledger: new DynamoDbDeliveryLedger({ tableName: tables.deliveries, client: tables.doc }),
      lineMode: "fallback",
      lineFor: async () => undefined,
      logger,
      publications,
    });

    expect(await handler({ members: ["m1"], part: 0, parts: 1 })).toEqual({ delivered: 0 });
    expect(await handler({ notification: { kind: "notification" }, members: ["m1"], part: 3, parts: 2 })).toEqual({ delivered: 0 });
    expect(poster.frames.size).toBe(0);
  });
});
