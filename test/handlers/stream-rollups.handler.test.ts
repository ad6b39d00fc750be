/** The stream handler counts likes into the daily rollups once, and retries a record whose count failed. */
import { Logger } from "@aws-lambda-powertools/logger";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBRecord, DynamoDBStreamEvent, AttributeValue as LambdaAttributeValue } from "aws-lambda";
import { beforeEach, describe, expect, it } from "vitest";
import { DynamoDbConnectionStore } from "#adapters/dynamodb/dynamodb-connection-store.ts";
import { DynamoDbDeliveryLedger } from "#adapters/dynamodb/dynamodb-delivery-ledger.ts";
import { DynamoDbEventLog } from "#adapters/dynamodb/dynamodb-event-log.ts";
import { DynamoDbRollupStore } from "#adapters/dynamodb/dynamodb-rollup-store.ts";
import { localDate } from "#domain/stats/days.ts";
import type { RollupStore } from "#domain/stats/rollups.ts";
import { createStreamHandler } from "#handlers/stream.handler.ts";
import { likeRecord } from "#test/support/article-records.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";
import { streamRecord } from "#test/support/events.ts";
import { RecordingPoster } from "#test/support/recording-poster.ts";

const logger = new Logger({ logLevel: "SILENT" });
const batch = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

/** A repositories-table MODIFY (the GitHub collector's write) whose stargazer count went from `from` to `to`. */
function starRecord(sequence: number, userId: string, repo: string, from: number, to: number): DynamoDBRecord {
  const record = streamRecord("modify");
  const image = (stargazersCount: number, extra: Record<string, unknown> = {}) =>
    marshall({ userId, repo, url: `https://github.com/${repo}`, stargazersCount, stargazers: [], ...extra }) as Record<
      string,
      LambdaAttributeValue
    >;
  record.dynamodb = {
    ...record.dynamodb,
    Keys: marshall({ userId, repo }) as Record<string, LambdaAttributeValue>,
    OldImage: image(from),
    NewImage: image(to, { lastStargazers: ["octocat"], lastDelta: to - from, changedAt: Date.now() }),
    SequenceNumber: String(sequence),
  };
  return record;
}

describe("stream handler: daily rollups", () => {
  let tables: TestTables;
  let rollups: DynamoDbRollupStore;
  let poster: RecordingPoster;

  const handlerWith = (store: RollupStore) =>
    createStreamHandler({
      connections: new DynamoDbConnectionStore({ tableName: tables.connections, client: tables.doc }),
      poster,
      events: new DynamoDbEventLog({ tableName: tables.events, client: tables.doc }),
      ledger: new DynamoDbDeliveryLedger({ tableName: tables.deliveries, client: tables.doc }),
      lineMode: "off",
      lineFor: async () => undefined,
      logger,
      rollups: { rollups: store, timeZoneOf: async () => "UTC" },
    });

  /** alice's likes counted yesterday and today (UTC): the test may run across midnight. */
  const todaysLikes = async () => {
    const { days } = await rollups.read("alice", localDate(Date.now() - 86_400_000, "UTC"), localDate(Date.now(), "UTC"));
    return days.reduce((sum, day) => sum + day.likes, 0);
  };

  beforeEach(async () => {
    tables = await createTestTables();
    rollups = new DynamoDbRollupStore({ tableName: tables.rollups, client: tables.doc });
    poster = new RecordingPoster();
    await new DynamoDbConnectionStore({ tableName: tables.connections, client: tables.doc }).save({
      connectionId: "alice-tab",
      userId: "alice",
      connectedAt: 1,
      expiresAt: 4_000_000_000,
    });
  });

  it("counts each like's delta once, however often its batch is retried", async () => {
    const handler = handlerWith(rollups);
    const records = batch(likeRecord(1, "alice", "item-a", 3, 5, ["b", "c"]), likeRecord(2, "alice", "item-b", 0, 1, ["d"]));

    expect(await handler(records)).toEqual({ batchItemFailures: [] });
    expect(await handler(records)).toEqual({ batchItemFailures: [] });
    expect(await handler(batch(records.Records[1]!))).toEqual({ batchItemFailures: [] });

    expect(await todaysLikes()).toBe(3);
  });

  it("counts a star from the repositories stream into the stars of its day", async () => {
    const handler = handlerWith(rollups);
    const records = batch(starRecord(21, "alice", "alice/tool", 4, 7), likeRecord(22, "alice", "item-c", 0, 1, ["e"]));

    expect(await handler(records)).toEqual({ batchItemFailures: [] });
    expect(await handler(records)).toEqual({ batchItemFailures: [] });

    const { days, items } = await rollups.read("alice", localDate(Date.now() - 86_400_000, "UTC"), localDate(Date.now(), "UTC"));
    expect(days.reduce((sum, day) => sum + day.stars, 0)).toBe(3);
    expect(items.filter((item) => item.kind === "star")).toEqual([
      expect.objectContaining({ item: "alice/tool", title: "alice/tool", url: "https://github.com/alice/tool", count: 3 }),
    ]);
  });

  it("fails the record whose count failed, and its retry counts it once without posting it again", async () => {
    let refuse = true;
    const flaky: RollupStore = {
      count: async (count) => {
        if (count.item === "item-b" && refuse) throw new Error("ProvisionedThroughputExceededException");
        return rollups.count(count);
      },
      // A transaction holding item-b is refused whole, as a throttled one would be.
      countMany: async (counts) => {
        if (refuse && counts.some((count) => count.item === "item-b")) throw new Error("ProvisionedThroughputExceededException");
        return rollups.countMany(counts);
      },
      read: (userId, from, to) => rollups.read(userId, from, to),
    };
    const handler = handlerWith(flaky);
    const records = batch(likeRecord(11, "alice", "item-a", 0, 1, ["b"]), likeRecord(12, "alice", "item-b", 0, 2, ["c", "d"]));

    const first = await handler(records);
    refuse = false;
    const posted = poster.framesOf("alice-tab").length;
    const retry = await handler(batch(records.Records[1]!));

    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: "12" }] });
    expect(retry).toEqual({ batchItemFailures: [] });
    expect(poster.framesOf("alice-tab")).toHaveLength(posted);
    expect(posted).toBe(2);
    expect(await todaysLikes()).toBe(3);
  });
});
