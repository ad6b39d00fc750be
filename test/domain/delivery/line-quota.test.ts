import { describe, expect, it } from "vitest";
import { LineQuotaExhaustedError, lineQuotaGuard, paceExceedsQuota, quotaMonth, quotaNote } from "#domain/delivery/line-quota.ts";
import type { LineQuota, LineSender } from "#domain/ports.ts";

/** An in-memory LineQuota with the adapter's semantics (slots per push key, one note per recipient). */
class MemoryQuota implements LineQuota {
  used = new Map<string, number>();
  since = new Map<string, number>();
  slots = new Set<string>();
  notes = new Set<string>();
  async usage(month: string) {
    const since = this.since.get(month);
    return { used: this.used.get(month) ?? 0, ...(since === undefined ? {} : { digestSince: since }) };
  }
  async switchToDigests(month: string, atMs: number) {
    if (!this.since.has(month)) this.since.set(month, atMs);
  }
  async claimSlot(month: string, key: string, limit: number) {
    if (this.slots.has(key)) return true;
    const used = this.used.get(month) ?? 0;
    if (used >= limit) return false;
    this.used.set(month, used + 1);
    this.slots.add(key);
    return true;
  }
  async takeNote(month: string, to: string) {
    const key = `${month}#${to}`;
    if (this.notes.has(key)) return false;
    this.notes.add(key);
    return true;
  }
}

// 2026-11-11 00:00 in Japan: 10 of November's 30 days gone, 20 left.
const NOV_11_JST = Date.parse("2026-11-10T15:00:00Z");

describe("quotaMonth", () => {
  it("counts calendar months in Japan time, as LINE does", () => {
    // Act
    const lastMomentOfOctober = quotaMonth(Date.parse("2026-10-31T14:59:59.999Z"));
    const firstOfNovember = quotaMonth(Date.parse("2026-10-31T15:00:00Z"));
    const december = quotaMonth(Date.parse("2026-12-31T15:00:00Z"));

    // Assess
    expect(lastMomentOfOctober.key).toBe("2026-10");
    expect(firstOfNovember).toEqual({
      key: "2026-11",
      startMs: Date.parse("2026-10-31T15:00:00Z"),
      endMs: Date.parse("2026-11-30T15:00:00Z"),
      nextMonthFirstDay: "2026-12-01",
    });
    expect(december.key).toBe("2027-01");
  });
});

describe("paceExceedsQuota", () => {
  it("switches exactly when what is left would not last the month at this month's pace", () => {
    // 10 days gone, 20 left, limit 200: left < used/10 × 20  ⇔  200 − used < 2·used  ⇔  used > 66.67
    expect(paceExceedsQuota(66, 200, NOV_11_JST)).toBe(false);
    expect(paceExceedsQuota(67, 200, NOV_11_JST)).toBe(true);
  });

  it("never switches before anything was used, and always once the limit is used up", () => {
    expect(paceExceedsQuota(0, 200, NOV_11_JST)).toBe(false);
    expect(paceExceedsQuota(200, 200, NOV_11_JST)).toBe(true);
  });

  it("measures the pace over at least a day, so the month's first pushes do not switch LINE to digests", () => {
    // An hour into December in Japan (15:00 UTC on Nov 30 is midnight of Dec 1 there).
    const anHourIn = Date.parse("2026-11-30T16:00:00Z");
    expect(paceExceedsQuota(1, 200, anHourIn)).toBe(false);
    expect(paceExceedsQuota(6, 200, anHourIn)).toBe(false);
    // 7 in a day would spend 217 in December's 31.
    expect(paceExceedsQuota(7, 200, anHourIn)).toBe(true);
  });

  it("lets the month's last moments spend what is left", () => {
    expect(paceExceedsQuota(199, 200, Date.parse("2026-11-30T14:59:59Z"))).toBe(false);
  });
});

describe("lineQuotaGuard", () => {
  it("turns always and fallback into digest at the threshold, and stays there for the month", async () => {
    // Prepare
    const quota = new MemoryQuota();
    quota.used.set("2026-11", 66);
    let now = NOV_11_JST;
    const guard = lineQuotaGuard({ quota, limit: 200, nowMs: () => now });

    // Act
    const below = await guard.modeFor("fallback");
    quota.used.set("2026-11", 67);
    const at = await guard.modeFor("always");
    quota.used.set("2026-11", 67);
    now += 5 * 86_400_000; // the pace alone would allow pushes again by now
    const later = await guard.modeFor("always");

    // Assess
    expect([below, at, later]).toEqual(["fallback", "digest", "digest"]);
    expect(quota.since.get("2026-11")).toBe(NOV_11_JST);
  });

  it("leaves off and digest as they are, and starts each month afresh", async () => {
    // Prepare
    const quota = new MemoryQuota();
    quota.since.set("2026-11", NOV_11_JST);
    const guard = lineQuotaGuard({ quota, limit: 200, nowMs: () => Date.parse("2026-12-01T00:00:00Z") });

    // Act + Assess
    expect(await guard.modeFor("off")).toBe("off");
    expect(await guard.modeFor("digest")).toBe("digest");
    expect(await guard.modeFor("fallback")).toBe("fallback");
  });

  it("sends only with a slot, counts a retried push once, and refuses past the limit", async () => {
    // Prepare
    const quota = new MemoryQuota();
    const sent: string[] = [];
    const sender: LineSender = {
      push: async (_to, _texts, key) => {
        sent.push(key);
        return "sent";
      },
    };
    const limited = lineQuotaGuard({ quota, limit: 2, nowMs: () => NOV_11_JST }).limit(sender);

    // Act
    await limited.push("U1", ["a"], "key-1");
    await limited.push("U1", ["a"], "key-1");
    await limited.push("U1", ["b"], "key-2");
    const third = limited.push("U1", ["c"], "key-3");

    // Assess
    await expect(third).rejects.toBeInstanceOf(LineQuotaExhaustedError);
    expect(sent).toEqual(["key-1", "key-1", "key-2"]);
    expect(quota.used.get("2026-11")).toBe(2);
  });

  it("gives the note once per recipient, only after the switch", async () => {
    // Prepare
    const quota = new MemoryQuota();
    const guard = lineQuotaGuard({ quota, limit: 200, nowMs: () => NOV_11_JST });

    // Act
    const before = await guard.noteFor("U1");
    await quota.switchToDigests("2026-11", NOV_11_JST);
    const first = await guard.noteFor("U1");
    const again = await guard.noteFor("U1");
    const other = await guard.noteFor("U2");

    // Assess
    expect(before).toBeUndefined();
    expect(first).toBe(quotaNote(quotaMonth(NOV_11_JST)));
    expect(first).toBe("LINE's monthly limit is near: you will get one digest a day until 2026-12-01.");
    expect(again).toBeUndefined();
    expect(other).toBe(first);
  });
});

describe("lineQuotaGuard under a burst", () => {
  it("reads the month's counter once for the users of one group message asking at once, and afresh afterwards", async () => {
    // Prepare
    const quota = new MemoryQuota();
    let reads = 0;
    const counting: LineQuota = Object.assign(Object.create(quota) as LineQuota, {
      usage: (month: string) => {
        reads++;
        return quota.usage(month);
      },
    });
    const guard = lineQuotaGuard({ quota: counting, limit: 200, nowMs: () => NOV_11_JST });

    // Act
    await Promise.all(Array.from({ length: 500 }, () => guard.modeFor("fallback")));
    const burst = reads;
    await guard.modeFor("fallback");

    // Assess
    expect(burst).toBe(1);
    expect(reads).toBe(2);
  });
});
