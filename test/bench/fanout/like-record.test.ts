import { describe, expect, it } from "vitest";
import { articleChangeFromRecord } from "#adapters/dynamodb/stream-record.ts";
import { notificationFrame } from "#domain/frames.ts";
import { likeEventFromChange } from "#domain/like-events.ts";
import { frameIdOf, likeEventFor, likeStreamEvent } from "../../../bench/fanout/like-record.ts";

describe("the fan-out bench's like", () => {
  it("is read by the stream handler's reader as the like, with the id the bench waits for", () => {
    // Act
    const [record] = likeStreamEvent(1_000_042, "fanout-10").Records;
    const like = likeEventFromChange(articleChangeFromRecord(record!));

    // Assess: the frame the handler posts is the one the other variants post, id and all
    expect(like?.id).toBe(frameIdOf(1_000_042));
    expect(notificationFrame(like!)).toBe(notificationFrame(likeEventFor(1_000_042, "fanout-10")));
  });
});
