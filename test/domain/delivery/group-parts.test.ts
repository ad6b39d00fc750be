import { describe, expect, it } from "vitest";
import { combineDeliveries, copiesOf, GROUP_PART_MEMBERS, needsParts, splitGroup } from "#domain/delivery/group-parts.ts";
import { eventId, memberEventId } from "#domain/event-id.ts";
import type { GroupPublication } from "#domain/notification.ts";

const members = (count: number) => Array.from({ length: count }, (_, i) => `member-${String(i).padStart(4, "0")}`);
const group = (count: number): GroupPublication => ({
  kind: "notification",
  id: eventId(1_764_000_000_000, "published", "7"),
  to: "group:release-team",
  title: "Release 2.0 is out",
  body: "notes",
  at: "2025-11-24T16:00:00.000Z",
  members: members(count),
});

describe("splitGroup", () => {
  it("slices the members in order into parts of at most the part size, each knowing its place", () => {
    const parts = splitGroup(group(7), 3);

    expect(parts.map((part) => part.members)).toEqual([members(7).slice(0, 3), members(7).slice(3, 6), members(7).slice(6)]);
    expect(parts.map((part) => [part.part, part.parts])).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
    ]);
    expect(parts[0]?.notification).not.toHaveProperty("members");
    expect(parts[2]?.notification).toMatchObject({ id: group(7).id, to: "group:release-team", title: "Release 2.0 is out", body: "notes" });
  });

  it("keeps every member exactly once whatever the size (2,000 members in parts of 250)", () => {
    const parts = splitGroup(group(2_000));
    expect(parts).toHaveLength(2_000 / GROUP_PART_MEMBERS);
    expect(parts.flatMap((part) => part.members)).toEqual(members(2_000));
  });

  it("gives an empty group one empty part, and refuses a part size that is not a whole number above 0", () => {
    expect(splitGroup(group(0)).map((part) => part.members)).toEqual([[]]);
    expect(() => splitGroup(group(3), 0)).toThrow(RangeError);
    expect(() => splitGroup(group(3), 1.5)).toThrow(RangeError);
  });

  it("needs parts only beyond the part size", () => {
    expect(needsParts(GROUP_PART_MEMBERS)).toBe(false);
    expect(needsParts(GROUP_PART_MEMBERS + 1)).toBe(true);
    expect(needsParts(3, 2)).toBe(true);
  });
});

describe("copiesOf", () => {
  it("gives each member of a part the copy the whole group would have given them", () => {
    const { members: _all, ...message } = group(5);
    const [, second] = splitGroup(group(5), 2);
    expect(copiesOf(second!)).toEqual([
      { ...message, id: memberEventId(message.id, "member-0002"), userId: "member-0002" },
      { ...message, id: memberEventId(message.id, "member-0003"), userId: "member-0003" },
    ]);
  });
});

describe("combineDeliveries", () => {
  it("adds connections up, takes the latest time, and says LINE was sent when any part sent it", () => {
    expect(
      combineDeliveries([
        { sentAt: "2025-11-24T16:00:01.000Z", live: 3, line: "not-needed" },
        { sentAt: "2025-11-24T16:00:03.000Z", live: 0, line: "sent" },
        { sentAt: "2025-11-24T16:00:02.000Z", live: 4, line: "not-configured" },
      ]),
    ).toEqual({ sentAt: "2025-11-24T16:00:03.000Z", live: 7, line: "sent" });
  });

  it("prefers failed over not-configured over not-needed", () => {
    const at = "2025-11-24T16:00:00.000Z";
    expect(
      combineDeliveries([
        { sentAt: at, live: 0, line: "not-configured" },
        { sentAt: at, live: 0, line: "failed" },
      ]).line,
    ).toBe("failed");
    expect(
      combineDeliveries([
        { sentAt: at, live: 1, line: "not-needed" },
        { sentAt: at, live: 0, line: "not-configured" },
      ]).line,
    ).toBe("not-configured");
    expect(combineDeliveries([{ sentAt: at, live: 1, line: "not-needed" }]).line).toBe("not-needed");
    expect(
      combineDeliveries([
        { sentAt: at, live: 0, line: "not-configured" },
        { sentAt: at, live: 0, line: "digest" },
      ]).line,
    ).toBe("digest");
  });

  it("says what e-mail did only when the receipts say anything of it, combined the same way", () => {
    const at = "2025-11-24T16:00:00.000Z";
    expect(combineDeliveries([{ sentAt: at, live: 1, line: "sent" }])).not.toHaveProperty("email");
    expect(
      combineDeliveries([
        { sentAt: at, live: 1, line: "sent", email: "not-needed" },
        { sentAt: at, live: 0, line: "sent", email: "digest" },
      ]).email,
    ).toBe("digest");
  });
});
