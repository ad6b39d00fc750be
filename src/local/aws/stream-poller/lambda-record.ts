/**
 * Turns a record from DynamoDB Streams' GetRecords (as SDK v3 returns it) into the record Lambda
 * hands a function, so the real stream handler sees on the laptop what it sees in the cloud.
 * Compare test/events/dynamodb-stream/*.json (AWS's sample events).
 */
import type { AttributeValue as SdkAttributeValue, _Record } from "@aws-sdk/client-dynamodb-streams";
import type { AttributeValue, DynamoDBRecord } from "aws-lambda";

/** What AWS puts on a record that the TTL process deleted (DynamoDB Streams API, Record). */
export const ttlIdentity = { type: "Service", principalId: "dynamodb.amazonaws.com" } as const;

const knownEventNames = new Set(["INSERT", "MODIFY", "REMOVE"]);

/**
 * Lambda's record: the stream record plus `eventSourceARN`, dates in epoch seconds, binary as
 * base64. DynamoDB Local writes TTL deletions with an eventName the SDK does not know
 * ("UNKNOWN_TO_SDK_VERSION") and no userIdentity; AWS sends REMOVE by the DynamoDB service.
 */
export function toLambdaRecord(record: _Record, streamArn: string): DynamoDBRecord {
  const stream = record.dynamodb ?? {};
  const eventName = String(record.eventName ?? "");
  const isTtlDeletion = !knownEventNames.has(eventName) && !stream.NewImage;
  const created = stream.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: isTtlDeletion ? "REMOVE" : (eventName as DynamoDBRecord["eventName"]),
    eventVersion: record.eventVersion ?? "1.1",
    eventSource: record.eventSource ?? "aws:dynamodb",
    awsRegion: record.awsRegion,
    dynamodb: {
      ...(created !== undefined ? { ApproximateCreationDateTime: created.getTime() / 1000 } : {}),
      ...(stream.Keys ? { Keys: toLambdaItem(stream.Keys) } : {}),
      ...(stream.NewImage ? { NewImage: toLambdaItem(stream.NewImage) } : {}),
      ...(stream.OldImage ? { OldImage: toLambdaItem(stream.OldImage) } : {}),
      SequenceNumber: stream.SequenceNumber,
      SizeBytes: stream.SizeBytes,
      StreamViewType: stream.StreamViewType,
    },
    eventSourceARN: streamArn,
    ...(isTtlDeletion
      ? { userIdentity: { ...ttlIdentity } }
      : record.userIdentity
        ? { userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId } }
        : {}),
  };
}

function toLambdaItem(item: Record<string, SdkAttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, toLambdaValue(value)]));
}

// The SDK decodes B and BS into bytes; Lambda's JSON carries them as base64 text.
function toLambdaValue(value: SdkAttributeValue): AttributeValue {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString("base64") };
  if (value.BS !== undefined) return { BS: value.BS.map((bytes) => Buffer.from(bytes).toString("base64")) };
  if (value.M !== undefined) return { M: toLambdaItem(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  return value as AttributeValue;
}
