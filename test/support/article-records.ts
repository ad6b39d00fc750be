/** DynamoDB Streams records of the articles table, built on the AWS docs' example record. */
import { marshall } from "@aws-sdk/util-dynamodb";
import type { AttributeValue as LambdaAttributeValue, DynamoDBRecord } from "aws-lambda";
import { eventId } from "#domain/event-id.ts";
import { streamRecord } from "./events.ts";

export interface ArticleImage {
  userId: string;
  itemId: string;
  title?: string;
  url?: string;
  likesCount: number;
  lastLikers?: string[];
  changedAt?: number;
  baseline?: boolean;
}

const image = (article: ArticleImage) =>
  marshall(
    {
      title: `Title of ${article.itemId}`,
      url: `https://qiita.com/${article.userId}/items/${article.itemId}`,
      likers: [],
      ...article,
    },
    { removeUndefinedValues: true },
  ) as Record<string, LambdaAttributeValue>;

/** When the collector wrote the change of `sequence`: the same for a redelivered record, in sequence order. */
const LOADED_AT = Date.now();
const changedAtOf = (sequence: number) => LOADED_AT + sequence;

/** A MODIFY record whose count went from `from` to `to`, with `likers` as the new likers. */
export function likeRecord(
  sequence: number,
  userId: string,
  itemId: string,
  from: number,
  to: number,
  likers: string[] = [],
): DynamoDBRecord {
  const record = streamRecord("modify");
  const old = { userId, itemId, likesCount: from };
  record.eventID = `event-${sequence}`;
  record.dynamodb = {
    ...record.dynamodb,
    Keys: marshall({ userId, itemId }) as Record<string, LambdaAttributeValue>,
    OldImage: image(old),
    NewImage: image({ ...old, likesCount: to, lastLikers: likers, changedAt: changedAtOf(sequence) }),
    SequenceNumber: String(sequence),
  };
  return record;
}

/** The event id the stream handler gives the like of `record` (event-id.ts). */
export function likeIdOf(record: DynamoDBRecord): string {
  const changedAt = Number(record.dynamodb?.NewImage?.changedAt?.N);
  return eventId(changedAt, "articles", record.dynamodb?.SequenceNumber as string);
}

/** The sequence number an event id of a like ends with. */
export const sequenceOf = (id: string): number => Number(id.slice(16));
