import { describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type _Record,
} from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBRecord } from "aws-lambda";
import { StopSignal } from "#local/aws/stream-poller/poller-lifecycle.ts";
import { silentLogger } from "#local/aws/stream-poller/poller-logger.ts";
import {
  describeShards,
  openShardIterator,
  readShard,
  shardsReadyToRead,
  type ShardInfo,
  type ShardReaderOptions,
} from "#local/aws/stream-poller/shard-reader.ts";

const shards: ShardInfo[] = [
  { shardId: "grandchild", parentShardId: "child", closed: false },
  { shardId: "child", parentShardId: "parent", closed: true },
  { shardId: "parent", parentShardId: "trimmed-away", closed: true },
];

describe("shardsReadyToRead", () => {
  it("offers a shard whose parent is no longer listed, and holds back its children", () => {
    // Act
    const ready = shardsReadyToRead(
      shards,
      () => false,
      () => false,
    );

    // Assess
    expect(ready.map((shard) => shard.shardId)).toEqual(["parent"]);
  });

  it("offers a child once its parent is finished, and never a shard already started or finished", () => {
    // Prepare
    const finished = new Set(["parent"]);

    // Act
    const ready = shardsReadyToRead(
      shards,
      (id) => finished.has(id),
      (id) => id === "child",
    );

    // Assess
    expect(ready).toEqual([]);
    expect(
      shardsReadyToRead(
        shards,
        (id) => finished.has(id),
        () => false,
      ).map((s) => s.shardId),
    ).toEqual(["child"]);
  });
});

describe("describeShards", () => {
  it("follows LastEvaluatedShardId through every page and tells closed shards apart", async () => {
    // Prepare
    const client = new DynamoDBStreamsClient({ region: "local" });
    const stub = mockClient(client);
    stub.on(DescribeStreamCommand, { ExclusiveStartShardId: undefined }).resolves({
      StreamDescription: {
        Shards: [{ ShardId: "a", SequenceNumberRange: { StartingSequenceNumber: "1", EndingSequenceNumber: "9" } }],
        LastEvaluatedShardId: "a",
      },
    });
    stub.on(DescribeStreamCommand, { ExclusiveStartShardId: "a" }).resolves({
      StreamDescription: { Shards: [{ ShardId: "b", ParentShardId: "a", SequenceNumberRange: { StartingSequenceNumber: "10" } }] },
    });

    // Act
    const listed = await describeShards(client, "arn:stream");

    // Assess
    expect(listed).toEqual([
      { shardId: "a", closed: true },
      { shardId: "b", parentShardId: "a", closed: false },
    ]);
  });
});

// DynamoDB Local cannot be made to expire an iterator or trim a shard on demand, so these
// paths are driven through a stubbed client at the AWS boundary.
const streamArn = "arn:aws:dynamodb:local:000000000000:table/articles/stream/2026-11-21T00:00:00.000";
const shardId = "shardId-1";

const record = (sequenceNumber: string): _Record => ({
  eventID: `e${sequenceNumber}`,
  eventName: "INSERT",
  dynamodb: { Keys: { itemId: { S: sequenceNumber } }, SequenceNumber: sequenceNumber },
});

function stubbedClient() {
  const client = new DynamoDBStreamsClient({ region: "local" });
  return { client, stub: mockClient(client) };
}

function workerOptions(client: DynamoDBStreamsClient, delivered: DynamoDBRecord[][]): ShardReaderOptions {
  return {
    client,
    streamArn,
    shardId,
    start: { at: "LATEST" },
    batchSize: 100,
    pollIntervalMs: 1,
    signal: new StopSignal(),
    logger: silentLogger,
    deliver: async (records) => {
      delivered.push(records);
      return { completed: records.length, invocations: 1, givenUp: 0 };
    },
    checkpoint: async () => {},
    polled: () => {},
  };
}

describe("readShard", () => {
  it("re-gets an expired iterator after the last finished record and reads the shard to its end", async () => {
    // Prepare
    const { client, stub } = stubbedClient();
    stub.on(GetShardIteratorCommand, { ShardIteratorType: "LATEST" }).resolves({ ShardIterator: "latest" });
    stub
      .on(GetShardIteratorCommand, { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: "1" })
      .resolves({ ShardIterator: "after-1" });
    stub.on(GetRecordsCommand, { ShardIterator: "latest" }).resolves({ Records: [record("1")], NextShardIterator: "stale" });
    stub
      .on(GetRecordsCommand, { ShardIterator: "stale" })
      .rejects(new ExpiredIteratorException({ message: "Iterator expired", $metadata: {} }));
    stub.on(GetRecordsCommand, { ShardIterator: "after-1" }).resolves({ Records: [record("2")] });
    const delivered: DynamoDBRecord[][] = [];

    // Act
    const result = await readShard(workerOptions(client, delivered));

    // Assess
    expect(result).toBe("closed");
    expect(delivered.map((batch) => batch.map((r) => r.dynamodb?.SequenceNumber))).toEqual([["1"], ["2"]]);
    expect(delivered[0]?.[0]?.eventSourceARN).toBe(streamArn);
  });

  it("reads from TRIM_HORIZON when the records after the position were trimmed away", async () => {
    // Prepare
    const { client, stub } = stubbedClient();
    stub
      .on(GetShardIteratorCommand, { ShardIteratorType: "AFTER_SEQUENCE_NUMBER" })
      .rejects(new TrimmedDataAccessException({ message: "trimmed", $metadata: {} }));
    stub.on(GetShardIteratorCommand, { ShardIteratorType: "TRIM_HORIZON" }).resolves({ ShardIterator: "oldest" });

    // Act
    const opened = await openShardIterator(client, streamArn, shardId, { after: "1" });

    // Assess
    expect(opened).toEqual({ iterator: "oldest", position: { at: "TRIM_HORIZON" } });
  });

  it("keeps polling through a failing GetRecords and stops when told to", async () => {
    // Prepare
    const { client, stub } = stubbedClient();
    stub.on(GetShardIteratorCommand).resolves({ ShardIterator: "latest" });
    stub
      .on(GetRecordsCommand)
      .rejectsOnce(new Error("connect ECONNREFUSED"))
      .resolves({ Records: [record("1")], NextShardIterator: "next" });
    const delivered: DynamoDBRecord[][] = [];
    const options = workerOptions(client, delivered);
    const originalDeliver = options.deliver;

    // Act
    const result = await readShard({
      ...options,
      deliver: async (records) => {
        options.signal.stop();
        return originalDeliver(records);
      },
    });

    // Assess
    expect(result).toBe("stopped");
    expect(delivered).toHaveLength(1);
    expect(stub.commandCalls(GetRecordsCommand).length).toBe(2);
  });
});
