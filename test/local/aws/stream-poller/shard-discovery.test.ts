import { describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { DescribeStreamCommand, DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { describeShards, shardsReadyToRead, type ShardInfo } from "#local/aws/stream-poller/shard-discovery.ts";

const shards: ShardInfo[] = [
  { shardId: "grandchild", parentShardId: "child", closed: false },
  { shardId: "child", parentShardId: "parent", closed: true },
  { shardId: "parent", parentShardId: "trimmed-away", closed: true },
];

describe("shardsReadyToRead", () => {
  it("offers a shard whose parent is no longer listed, and holds back its children", () => {
    // Act
    const ready = shardsReadyToRead(shards, () => false, () => false);

    // Assess
    expect(ready.map((shard) => shard.shardId)).toEqual(["parent"]);
  });

  it("offers a child once its parent is finished, and never a shard already started or finished", () => {
    // Prepare
    const finished = new Set(["parent"]);

    // Act
    const ready = shardsReadyToRead(shards, (id) => finished.has(id), (id) => id === "child");

    // Assess
    expect(ready).toEqual([]);
    expect(shardsReadyToRead(shards, (id) => finished.has(id), () => false).map((s) => s.shardId)).toEqual(["child"]);
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
