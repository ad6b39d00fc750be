import { describe, expect, it } from "vitest";
import { articleChangeFromRecord } from "#adapters/dynamodb/stream-record.ts";
import { notificationFrame } from "#domain/frames.ts";
import { publishedNotificationsFromChange } from "#domain/published-events.ts";
import { groupPublication, groupStreamEvent, memberFrames } from "../../../bench/group-broadcast/group-record.ts";

describe("the group broadcast bench's message", () => {
  it("is a record the stream handler reads as one copy per member, with the ids and frames the bench's other variants post", () => {
    // Prepare
    const message = groupPublication("bench", ["m1", "m2", "m3"]);

    // Act
    const [record] = groupStreamEvent(7, message).Records;
    const copies = publishedNotificationsFromChange(articleChangeFromRecord(record!));
    const frames = memberFrames(message);

    // Assess
    expect(copies.map((copy) => copy.userId)).toEqual(["m1", "m2", "m3"]);
    expect(new Set(copies.map((copy) => copy.id)).size).toBe(3);
    for (const copy of copies) {
      expect(frames.get(copy.userId)).toEqual({ id: copy.id, frame: notificationFrame(copy) });
    }
  });

  it("gets a new id each time, so the deliveries ledger sends every repetition", () => {
    // Act / Assess
    expect(groupPublication("bench", ["m1"]).id).not.toBe(groupPublication("bench", ["m1"]).id);
  });
});
