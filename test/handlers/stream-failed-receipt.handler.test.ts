/**
 * A published notification's receipt says "failed" when LINE refuses its push for good
 * (LinePermanentError: 400/401/403), with what did go out; the record still retries, and the try
 * that sends it (the setting fixed) makes the receipt "sent". A passing failure (LINE 5xx) leaves
 * the receipt as it was.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { beforeEach, describe, expect, it } from "vitest";
import { DynamoDbConnectionStore } from "#adapters/dynamodb/dynamodb-connection-store.ts";
import { DynamoDbDeliveryLedger } from "#adapters/dynamodb/dynamodb-delivery-ledger.ts";
import { DynamoDbEventLog } from "#adapters/dynamodb/dynamodb-event-log.ts";
import { DynamoDbPublicationStore } from "#adapters/dynamodb/dynamodb-publication-store.ts";
import { LinePermanentError } from "#adapters/line/line-errors.ts";
import type { LineSender, PushOutcome } from "#domain/ports.ts";
import { createStreamHandler } from "#handlers/stream.handler.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";
import { notificationsInsertRecord, published } from "#test/support/notification-records.ts";
import { RecordingPoster } from "#test/support/recording-poster.ts";

/** LINE that answers what the test says next: refuse for good, fail for now, or accept. */
class ScriptedLine implements LineSender {
  next: "refuse" | "unavailable" | "accept" = "accept";
  readonly sent: string[][] = [];
  async push(_to: string, texts: readonly string[]): Promise<PushOutcome> {
    if (this.next === "refuse") throw new LinePermanentError(401, "LINE refused the channel access token: fix LINE_CHANNEL_ACCESS_TOKEN");
    if (this.next === "unavailable") throw new Error("LINE answered 503");
    this.sent.push([...texts]);
    return "sent";
  }
}

const logger = new Logger({ logLevel: "SILENT" });

describe("stream handler: a published notification's failed receipt", () => {
  let tables: TestTables;
  let line: ScriptedLine;
  let publications: DynamoDbPublicationStore;

  const handle = (record: ReturnType<typeof notificationsInsertRecord>) =>
    createStreamHandler({
      connections: new DynamoDbConnectionStore({ tableName: tables.connections, client: tables.doc }),
      poster: new RecordingPoster(),
      events: new DynamoDbEventLog({ tableName: tables.events, client: tables.doc }),
      ledger: new DynamoDbDeliveryLedger({ tableName: tables.deliveries, client: tables.doc }),
      lineMode: "fallback",
      lineFor: async (userId) => ({ sender: line, to: `line-of-${userId}` }),
      logger,
      publications,
    })({ Records: [record] });

  const publishedRecord = async () => {
    const notification = published("carol", Date.now(), "1");
    await publications.publish(notification);
    const { Item } = await tables.doc.send(new GetCommand({ TableName: tables.notifications, Key: { id: notification.id } }));
    return { id: notification.id, record: notificationsInsertRecord(1, Item as Record<string, unknown>) };
  };

  beforeEach(async () => {
    tables = await createTestTables();
    line = new ScriptedLine();
    publications = new DynamoDbPublicationStore({ tableName: tables.notifications, client: tables.doc });
  });

  it("records failed when LINE refuses for good, still retries the record, and records sent once a try sends it", async () => {
    // Prepare: carol has no tab, so LINE is owed
    const { id, record } = await publishedRecord();
    line.next = "refuse";

    // Act
    const refused = await handle(record);
    const afterRefusal = await publications.get(id);
    line.next = "accept";
    const retried = await handle(record);

    // Assess
    expect(refused.batchItemFailures).toEqual([{ itemIdentifier: "1" }]);
    expect(afterRefusal).toMatchObject({ status: "failed", delivery: { live: 0, line: "failed" } });
    expect(retried.batchItemFailures).toEqual([]);
    expect(await publications.get(id)).toMatchObject({ status: "sent", delivery: { live: 0, line: "sent" } });
    expect(line.sent).toHaveLength(1);
  });

  it("leaves the receipt accepted when LINE fails for now (the retry may well send it)", async () => {
    const { id, record } = await publishedRecord();
    line.next = "unavailable";

    const result = await handle(record);

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: "1" }]);
    const stored = await publications.get(id);
    expect(stored?.status).toBeUndefined();
    expect(stored?.delivery).toBeUndefined();
  });
});
