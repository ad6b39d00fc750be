/**
 * One message published to a group, as the stream handler receives it: the INSERT record of the
 * notifications table item the publish API writes (the members resolved at publish, on the item),
 * and each member's frame as the handler derives it, for the variants that post without it.
 */
import { randomBytes } from "node:crypto";
import type { DynamoDBStreamEvent } from "aws-lambda";
import { eventId, memberEventId, randomTail } from "#domain/event-id.ts";
import { notificationFrame } from "#domain/frames.ts";
import type { GroupPublication } from "#domain/notification.ts";
import { notificationsInsertRecord } from "#test/support/notification-records.ts";

/** A fresh publication to `group:NAME` (a new id, so the deliveries ledger sends it again). */
export function groupPublication(group: string, members: readonly string[]): GroupPublication {
  const atMs = Date.now();
  return {
    kind: "notification",
    id: eventId(atMs, "published", randomTail(randomBytes)),
    to: `group:${group}`,
    title: "Nightly build 1207 passed",
    url: "https://ci.example/builds/1207",
    body: "All 812 tests passed; deployed to staging.",
    at: new Date(atMs).toISOString(),
    members,
  };
}

export function groupStreamEvent(sequence: number, publication: GroupPublication): DynamoDBStreamEvent {
  return { Records: [notificationsInsertRecord(sequence, { ...publication, members: [...publication.members] })] };
}

/** Each member's copy: its own id (memberEventId) and frame, exactly as the stream handler sends it. */
export function memberFrames(publication: GroupPublication): Map<string, { readonly id: string; readonly frame: string }> {
  const { members, ...content } = publication;
  return new Map(
    members.map((userId) => {
      const id = memberEventId(publication.id, userId);
      return [userId, { id, frame: notificationFrame({ ...content, id, userId }) }];
    }),
  );
}
