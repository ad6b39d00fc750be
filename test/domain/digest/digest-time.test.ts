import { describe, expect, it } from "vitest";
import { dueDigest, localStamp, owedBefore } from "#domain/digest/digest-time.ts";

describe("dueDigest", () => {
  it("is today's from the digest hour on, yesterday's before it (in the person's zone)", () => {
    // 08:59 and 09:00 in Tokyo on 2026-11-30
    expect(dueDigest(Date.parse("2026-11-29T23:59:00Z"), "Asia/Tokyo", 9)).toEqual({ day: "2026-11-29", stamp: "2026-11-29T09" });
    expect(dueDigest(Date.parse("2026-11-30T00:00:00Z"), "Asia/Tokyo", 9)).toEqual({ day: "2026-11-30", stamp: "2026-11-30T09" });
  });

  it("follows the zone: the same instant is another day and hour in Paris", () => {
    expect(dueDigest(Date.parse("2026-11-30T00:00:00Z"), "Europe/Paris", 9)).toEqual({ day: "2026-11-29", stamp: "2026-11-29T09" });
  });

  it("crosses a month and a year backwards", () => {
    expect(dueDigest(Date.parse("2027-01-01T05:00:00Z"), "UTC", 6).day).toBe("2026-12-31");
  });
});

describe("owedBefore", () => {
  it("takes what was owed before the digest hour and leaves what came after it for the next day", () => {
    const due = dueDigest(Date.parse("2026-11-30T03:00:00Z"), "Asia/Tokyo", 9); // 12:00 in Tokyo

    expect(owedBefore(Date.parse("2026-11-29T23:59:59Z"), "Asia/Tokyo", due)).toBe(true); // 08:59:59
    expect(owedBefore(Date.parse("2026-11-30T00:00:00Z"), "Asia/Tokyo", due)).toBe(false); // 09:00
    expect(owedBefore(Date.parse("2026-11-30T02:00:00Z"), "Asia/Tokyo", due)).toBe(false); // 11:00
  });

  it("reads hours on a 24-hour clock", () => {
    expect(localStamp(Date.parse("2026-11-30T15:00:00Z"), "Asia/Tokyo")).toBe("2026-12-01T00");
  });
});
