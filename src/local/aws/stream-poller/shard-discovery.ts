/**
 * Which shards a stream has, and which of them may be read now: a child only after its parent
 * was read to its end, as Lambda does, so changes to one item arrive in order across a split.
 */
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  type Shard,
} from "@aws-sdk/client-dynamodb-streams";

export interface ShardInfo {
  readonly shardId: string;
  readonly parentShardId?: string;
  /** A closed shard has an ending sequence number and gets no new records. */
  readonly closed: boolean;
}

/** Every shard of the stream, all DescribeStream pages. */
export async function describeShards(client: DynamoDBStreamsClient, streamArn: string): Promise<ShardInfo[]> {
  const shards: ShardInfo[] = [];
  let exclusiveStartShardId: string | undefined;
  do {
    const { StreamDescription } = await client.send(
      new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
    );
    shards.push(...(StreamDescription?.Shards ?? []).flatMap(toShardInfo));
    exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
  } while (exclusiveStartShardId);
  return shards;
}

function toShardInfo(shard: Shard): ShardInfo[] {
  if (!shard.ShardId) return [];
  return [
    {
      shardId: shard.ShardId,
      ...(shard.ParentShardId ? { parentShardId: shard.ParentShardId } : {}),
      closed: shard.SequenceNumberRange?.EndingSequenceNumber !== undefined,
    },
  ];
}

/**
 * Shards not yet started whose parent is finished or no longer listed (trimmed away after
 * 24 h), parents before children.
 */
export function shardsReadyToRead(
  shards: readonly ShardInfo[],
  isFinished: (shardId: string) => boolean,
  isStarted: (shardId: string) => boolean,
): ShardInfo[] {
  const listed = new Set(shards.map((shard) => shard.shardId));
  return shards.filter(
    (shard) =>
      !isStarted(shard.shardId) &&
      !isFinished(shard.shardId) &&
      (shard.parentShardId === undefined || !listed.has(shard.parentShardId) || isFinished(shard.parentShardId)),
  );
}
