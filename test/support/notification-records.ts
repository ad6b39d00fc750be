/** DynamoDB Streams records of the notifications table, built on the AWS docs' example record. */
import { marshall } from "@aws-sdk/util-dynamodb";
import type { AttributeValue as LambdaAttributeValue, DynamoDBRecord } from "aws-lambda";
import { eventId } from "#domain/event-id.ts";
import type { PublishedNotification } from "#domain/notification.ts";
import { streamRecord } from "./events.ts";

/** A published notification to `userId` at `atMs`, its id ending in `tail`. */
export function published(
  userId: string,
  atMs: number,
  tail: string,
  overrides: Partial<PublishedNotification> = {},
): PublishedNotification {
  return {
    kind: "notification",
    id: eventId(atMs, "published", tail),
    to: `user:${userId}`,
    userId,
    title: `Published ${tail}`,
    at: new Date(atMs).toISOString(),
    ...overrides,
  };
}

/** The INSERT record of an item of the notifications table (NEW_IMAGE: no OldImage). */
export function notificationsInsertRecord(sequence: number, item: Record<string, unknown>): DynamoDBRecord {
  const record = streamRecord("insert");
  record.eventID = `notification-${sequence}`;
  record.dynamodb = {
    ...record.dynamodb,
    Keys: marshall({ id: item.id }) as Record<string, LambdaAttributeValue>,
    NewImage: marshall(item, { removeUndefinedValues: true }) as Record<string, LambdaAttributeValue>,
    OldImage: undefined,
    SequenceNumber: String(sequence),
    StreamViewType: "NEW_IMAGE",
  };
  return record;
}
