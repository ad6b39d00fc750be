import { describe, expect, it } from "vitest";
import { addDays, datesEnding, isTimeZone, localDate } from "#domain/stats/days.ts";

describe("days", () => {
  it("puts an instant on the date it falls on in the zone", () => {
    // 16:00 UTC on Nov 30 is 01:00 on Dec 1 in Tokyo (UTC+9).
    expect(localDate("2026-11-30T16:00:00Z", "Asia/Tokyo")).toBe("2026-12-01");
    expect(localDate("2026-11-30T16:00:00Z", "UTC")).toBe("2026-11-30");
    expect(localDate("2026-11-30T14:59:59.999Z", "Asia/Tokyo")).toBe("2026-11-30");
    expect(localDate(Date.parse("2026-12-01T04:00:00Z"), "America/Los_Angeles")).toBe("2026-11-30");
  });

  it("knows the zones Intl knows, and nothing else", () => {
    expect(isTimeZone("Asia/Tokyo")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Asia/Tokio")).toBe(false);
    expect(isTimeZone("")).toBe(false);
  });

  it("moves across months, years and a leap day", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2028-03-01", -1)).toBe("2028-02-29");
    expect(datesEnding("2026-12-02", 3)).toEqual(["2026-11-30", "2026-12-01", "2026-12-02"]);
    const year = datesEnding("2026-12-01", 400);
    expect(year).toHaveLength(400);
    expect(year[0]).toBe("2025-10-28");
    expect(new Set(year).size).toBe(400);
  });
});
