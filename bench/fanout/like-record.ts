/** One like as the stream handler receives it: a MODIFY record of the articles table, Lambda's shape. */
import { marshall } from "@aws-sdk/util-dynamodb";
import type { AttributeValue, DynamoDBStreamEvent } from "aws-lambda";
import { eventId } from "#domain/event-id.ts";
import { audienceOf, type LikeNotification } from "#domain/notification.ts";

const image = (value: Record<string, unknown>) => marshall(value) as Record<string, AttributeValue>;

/**
 * The time on every bench like. A like's id is its time and its sequence number (event-id.ts), so
 * with one time for all, `frameIdOf` knows the id the handler derives from the sequence alone.
 */
const CHANGED_AT = Date.now();

export function likeStreamEvent(sequence: number, userId: string, itemId = "bench0000000000000001"): DynamoDBStreamEvent {
  const article = { userId, itemId, title: "Benchmarking a fan-out", url: `https://qiita.com/${userId}/items/${itemId}`, likers: [] };
  const changedAt = CHANGED_AT;
  return {
    Records: [
      {
        eventID: `bench-${sequence}`,
        eventName: "MODIFY",
        eventVersion: "1.1",
        eventSource: "aws:dynamodb",
        awsRegion: "local",
        eventSourceARN: "arn:aws:dynamodb:local:000000000000:table/articles/stream/bench",
        dynamodb: {
          ApproximateCreationDateTime: changedAt / 1000,
          Keys: image({ userId, itemId }),
          OldImage: image({ ...article, likesCount: sequence }),
          NewImage: image({ ...article, likesCount: sequence + 1, lastLikers: ["bench-liker"], lastDelta: 1, changedAt }),
          SequenceNumber: String(sequence),
          SizeBytes: 256,
          StreamViewType: "NEW_AND_OLD_IMAGES",
        },
      },
    ],
  };
}

/** The frame id the stream handler derives from `likeStreamEvent(sequence, …)`. */
export const frameIdOf = (sequence: number): string => eventId(CHANGED_AT, "articles", String(sequence));

/** The same like as a notification, for the variants that post a frame without the handler. */
export function likeEventFor(sequence: number, userId: string): LikeNotification {
  return {
    kind: "like",
    id: frameIdOf(sequence),
    to: audienceOf(userId),
    userId,
    itemId: "bench0000000000000001",
    title: "Benchmarking a fan-out",
    url: `https://qiita.com/${userId}/items/bench0000000000000001`,
    delta: 1,
    likesCount: sequence + 1,
    likers: ["bench-liker"],
    at: new Date(CHANGED_AT).toISOString(),
  };
}
