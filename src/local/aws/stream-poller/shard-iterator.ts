/**
 * Positions a shard iterator. A checkpoint older than the stream's 24 h retention cannot be
 * continued after: read from the oldest record still there instead (TRIM_HORIZON).
 */
import {
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type DynamoDBStreamsClient,
} from "@aws-sdk/client-dynamodb-streams";

export type ShardPosition =
  | { readonly after: string }
  | { readonly at: "LATEST" | "TRIM_HORIZON" };

export async function openShardIterator(
  client: DynamoDBStreamsClient,
  streamArn: string,
  shardId: string,
  position: ShardPosition,
): Promise<{ iterator: string | undefined; position: ShardPosition }> {
  const request =
    "after" in position
      ? { ShardIteratorType: "AFTER_SEQUENCE_NUMBER" as const, SequenceNumber: position.after }
      : { ShardIteratorType: position.at };
  try {
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ...request }),
    );
    return { iterator: ShardIterator, position };
  } catch (error) {
    if (!(error instanceof TrimmedDataAccessException) || !("after" in position)) throw error;
    return openShardIterator(client, streamArn, shardId, { at: "TRIM_HORIZON" });
  }
}
