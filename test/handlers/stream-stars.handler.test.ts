/**
 * The stream handler with records of the repositories table (told by their key schema): a star
 * becomes the star frame on every connection of its user and one LINE push, exactly once however
 * often its batch is redelivered; unstars and bookkeeping items send nothing. DynamoDB Local.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBRecord, AttributeValue as LambdaAttributeValue } from "aws-lambda";
import { beforeEach, describe, expect, it } from "vitest";
import { DynamoDbConnectionStore } from "#adapters/dynamodb/dynamodb-connection-store.ts";
import { DynamoDbDeliveryLedger } from "#adapters/dynamodb/dynamodb-delivery-ledger.ts";
import { DynamoDbEventLog } from "#adapters/dynamodb/dynamodb-event-log.ts";
import type { LineSender, PushOutcome } from "#domain/ports.ts";
import { createStreamHandler } from "#handlers/stream.handler.ts";
import { createTestTables } from "#test/support/dynamodb.ts";
import { streamRecord } from "#test/support/events.ts";
import { RecordingPoster } from "#test/support/recording-poster.ts";

class RecordingLine implements LineSender {
  readonly pushes: { to: string; texts: readonly string[]; retryKey: string }[] = [];
  async push(to: string, texts: readonly string[], retryKey: string): Promise<PushOutcome> {
    this.pushes.push({ to, texts, retryKey });
    return "sent";
  }
}

const changedAt = Date.now();
const image = (item: object) => marshall(item, { removeUndefinedValues: true }) as Record<string, LambdaAttributeValue>;

/** A repositories-table MODIFY from `from` to `to` stars, as collect-stars writes it. */
function starRecord(sequence: number, from: number, to: number, stargazers: string[], repo = "alice-gh/hello"): DynamoDBRecord {
  const record = streamRecord("modify");
  const old = { userId: "alice", repo, url: `https://github.com/${repo}`, stargazersCount: from, stargazers: [] };
  record.dynamodb = {
    ...record.dynamodb,
    Keys: image({ userId: "alice", repo }),
    OldImage: image(old),
    NewImage: image({ ...old, stargazersCount: to, lastStargazers: stargazers, lastDelta: to - from, changedAt }),
    SequenceNumber: String(sequence),
  };
  return record;
}

describe("stream handler: stars", () => {
  let poster: RecordingPoster;
  let line: RecordingLine;
  let handler: ReturnType<typeof createStreamHandler>;

  beforeEach(async () => {
    const tables = await createTestTables();
    const connections = new DynamoDbConnectionStore({ tableName: tables.connections, client: tables.doc });
    await connections.save({ connectionId: "alice-tab", userId: "alice", connectedAt: 1, expiresAt: 4_000_000_000 });
    poster = new RecordingPoster();
    line = new RecordingLine();
    handler = createStreamHandler({
      connections,
      poster,
      events: new DynamoDbEventLog({ tableName: tables.events, client: tables.doc }),
      ledger: new DynamoDbDeliveryLedger({ tableName: tables.deliveries, client: tables.doc }),
      lineMode: "always",
      lineFor: async () => ({ sender: line, to: "U-alice" }),
      logger: new Logger({ logLevel: "SILENT" }),
    });
  });

  it("posts the star frame once and pushes LINE once, however often the batch is redelivered", async () => {
    // Prepare
    const record = starRecord(301, 2, 4, ["dave", "carol"]);

    // Act: delivered, then the same batch again (a retry after a timeout)
    const first = await handler({ Records: [record] });
    const again = await handler({ Records: [structuredClone(record)] });

    // Assess
    expect(first.batchItemFailures).toEqual([]);
    expect(again.batchItemFailures).toEqual([]);
    const frames = poster.framesOf("alice-tab");
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ type: "star", repo: "alice-gh/hello", delta: 2, stargazersCount: 4, stargazers: ["dave", "carol"] });
    expect(line.pushes).toHaveLength(1);
    expect(line.pushes[0]?.texts.join("\n")).toContain("⭐ alice-gh/hello (+2, 4 total)");
  });

  it("sends nothing for an unstar or a list page item", async () => {
    const unstar = starRecord(302, 4, 3, []);
    const page = streamRecord("insert");
    page.dynamodb = {
      ...page.dynamodb,
      Keys: image({ userId: "alice", repo: "#page#0001" }),
      NewImage: image({ userId: "alice", repo: "#page#0001", etag: 'W/"x"', repos: ["alice-gh/hello"], hasNext: false }),
      SequenceNumber: "303",
    };

    const result = await handler({ Records: [unstar, page] });

    expect(result.batchItemFailures).toEqual([]);
    expect(poster.framesOf("alice-tab")).toEqual([]);
    expect(line.pushes).toEqual([]);
  });
});
