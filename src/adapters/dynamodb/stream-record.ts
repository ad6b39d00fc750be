/** Reads a DynamoDB Streams record of the articles table as the domain's ArticleChange. */
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import { MalformedChangeError, type ArticleChange } from "#domain/like-events.ts";

export function articleChangeFromRecord(record: DynamoDBRecord): ArticleChange {
  const stream = record.dynamodb;
  const eventName = record.eventName;
  if (!stream?.SequenceNumber) throw new MalformedChangeError("record has no dynamodb.SequenceNumber");
  if (eventName !== "INSERT" && eventName !== "MODIFY" && eventName !== "REMOVE") {
    throw new MalformedChangeError(`record has unknown eventName "${String(eventName)}"`);
  }
  return {
    eventName,
    sequenceNumber: stream.SequenceNumber,
    newImage: image(stream.NewImage),
    oldImage: image(stream.OldImage),
    // Lambda gives epoch seconds (a float when the precision is finer).
    approximateCreationMs: Math.round((stream.ApproximateCreationDateTime ?? 0) * 1000),
  };
}

function image(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  try {
    return unmarshall(value as Record<string, AttributeValue>);
  } catch (error) {
    throw new MalformedChangeError(`image is not DynamoDB JSON: ${(error as Error).message}`);
  }
}
