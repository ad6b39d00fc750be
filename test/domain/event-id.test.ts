import { describe, expect, it } from "vitest";
import { eventId, eventTimeMs, memberEventId } from "#domain/event-id.ts";
import { EVENT_ID } from "#domain/frames.ts";

describe("memberEventId", () => {
  const published = eventId(Date.parse("2026-11-30T12:00:00.000Z"), "published", "123456789012345678901234");

  it("gives each member of a group message an id of their own, the same on every call", () => {
    const alice = memberEventId(published, "alice");

    expect(alice).toMatch(EVENT_ID);
    expect(memberEventId(published, "alice")).toBe(alice);
    expect(memberEventId(published, "bob")).not.toBe(alice);
    expect(alice).not.toBe(published);
  });

  it("keeps the published id's time and source, so a member's copy sorts where the message happened", () => {
    const copy = memberEventId(published, "alice");

    expect(eventTimeMs(copy)).toBe(eventTimeMs(published));
    expect(copy.slice(0, 16)).toBe(published.slice(0, 16));
  });

  it("differs between two messages to the same member", () => {
    const other = eventId(eventTimeMs(published), "published", "999999999999999999999999");

    expect(memberEventId(other, "alice")).not.toBe(memberEventId(published, "alice"));
  });
});
