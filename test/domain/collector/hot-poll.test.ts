import { describe, expect, it } from "vitest";
import { DEFAULT_HOT_POLL_BUDGET, type HotPollInput, nextHotPoll, sweepRequestsPerHour } from "#domain/collector/hot-poll.ts";

const HOUR = 3_600_000;
const T0 = Date.parse("2026-11-30T10:00:00Z");
const bounds = { minMs: 5_000, maxMs: 60_000 };

function input(overrides: Partial<HotPollInput> = {}): HotPollInput {
  return {
    now: T0,
    budget: DEFAULT_HOT_POLL_BUDGET,
    sweepRequestsPerHour: 0,
    requestsPerHotPoll: 1,
    rate: {},
    bounds,
    ...overrides,
  };
}

/** Hot polls made in one hour when every decision is followed, with the clock under the test's control. */
function hotPollsInAnHour(base: Partial<HotPollInput>, rateAt: (now: number, spent: number) => HotPollInput["rate"]): number {
  let now = T0;
  let polls = 0;
  for (;;) {
    const decision = nextHotPoll(input({ ...base, now, rate: rateAt(now, polls) }));
    now += decision.delayMs;
    if (now >= T0 + HOUR) return polls;
    if (decision.poll) polls++;
  }
}

describe("sweepRequestsPerHour", () => {
  it("counts ceil(articles / 100) pages per sweep, plus likers lookups, times the sweeps an hour", () => {
    expect(sweepRequestsPerHour(250, 60_000)).toBe(180);
    expect(sweepRequestsPerHour(100, 60_000, 1)).toBe(120);
    expect(sweepRequestsPerHour(0, 300_000)).toBe(12);
  });
});

describe("nextHotPoll", () => {
  it("reads the first page about every 7.2 s with the whole half of the budget", () => {
    // Act
    const decision = nextHotPoll(input());

    // Assess: 3600 s / 500 requests
    expect(decision).toEqual({ delayMs: 7_200, poll: true, reason: "budget" });
  });

  it("leaves the full sweeps their part of the share", () => {
    // Prepare: 3 pages a minute = 180 requests an hour
    const sweeps = sweepRequestsPerHour(250, 60_000);

    // Act
    const decision = nextHotPoll(input({ sweepRequestsPerHour: sweeps }));

    // Assess: 3600 s / (500 − 180)
    expect(decision).toEqual({ delayMs: 11_250, poll: true, reason: "budget" });
  });

  it("never polls faster than the floor", () => {
    // Act
    const decision = nextHotPoll(input({ budget: { hourlyLimit: 1_000, share: 1 } }));

    // Assess: the budget would allow 3.6 s
    expect(decision).toEqual({ delayMs: 5_000, poll: true, reason: "floor" });
  });

  it("makes no hot poll when the sweeps already spend the share, and decides again after the ceiling", () => {
    // Act
    const decision = nextHotPoll(input({ sweepRequestsPerHour: sweepRequestsPerHour(3_000, 60_000) }));

    // Assess
    expect(decision).toEqual({ delayMs: 60_000, poll: false, reason: "share-spent" });
  });

  it("makes no hot poll when the share left is too thin for the ceiling", () => {
    // Act: 500 − 450 = 50 an hour would mean one every 72 s
    const decision = nextHotPoll(input({ sweepRequestsPerHour: 450 }));

    // Assess
    expect(decision).toEqual({ delayMs: 60_000, poll: false, reason: "share-spent" });
  });

  it("counts the likers lookups a hot poll makes", () => {
    // Act
    const decision = nextHotPoll(input({ requestsPerHotPoll: 2 }));

    // Assess
    expect(decision.delayMs).toBe(14_400);
  });

  it("slows down when Qiita says less is left than the estimate thinks (another tool on the token)", () => {
    // Prepare: half the window left, only 600 requests left of it: 100 ours
    const rate = { remaining: 600, resetAt: T0 + HOUR / 2 };

    // Act
    const decision = nextHotPoll(input({ rate }));

    // Assess: 1800 s / 100
    expect(decision).toEqual({ delayMs: 18_000, poll: true, reason: "budget" });
  });

  it("waits for the reset when its share of the window is spent, at most one ceiling at a time", () => {
    // Act
    const soon = nextHotPoll(input({ rate: { remaining: 500, resetAt: T0 + 20_000 } }));
    const later = nextHotPoll(input({ rate: { remaining: 400, resetAt: T0 + HOUR / 2 } }));

    // Assess
    expect(soon).toEqual({ delayMs: 20_000, poll: false, reason: "share-spent" });
    expect(later).toEqual({ delayMs: 60_000, poll: false, reason: "share-spent" });
  });

  it("takes the limit the source announces (Rate-Limit) over the assumed one", () => {
    // Act
    const decision = nextHotPoll(input({ rate: { limit: 2_000 } }));

    // Assess: 3600 s / 1000
    expect(decision.delayMs).toBe(5_000);
  });

  it("backs off until the reset after a rate-limited answer", () => {
    // Act
    const refused = nextHotPoll(input({ rate: { limitedUntil: T0 + 600_000 } }));
    const spent = nextHotPoll(input({ rate: { remaining: 0, resetAt: T0 + 90_000 } }));
    const past = nextHotPoll(input({ now: T0 + 600_000, rate: { limitedUntil: T0 + 600_000 } }));

    // Assess
    expect(refused).toEqual({ delayMs: 600_000, poll: true, reason: "rate-limited" });
    expect(spent).toEqual({ delayMs: 90_000, poll: true, reason: "rate-limited" });
    expect(past.reason).toBe("budget");
  });

  it("never spends more than the share in an hour, sweeps included, following its own decisions", () => {
    // Prepare: 250 articles swept every minute; Qiita's window starts now with the full limit
    const sweeps = sweepRequestsPerHour(250, 60_000);
    const rateAt = (now: number, hotPolls: number) => ({
      remaining: 1_000 - hotPolls - Math.floor((sweeps * (now - T0)) / HOUR),
      resetAt: T0 + HOUR,
    });

    // Act
    const polls = hotPollsInAnHour({ sweepRequestsPerHour: sweeps }, rateAt);

    // Assess
    expect(polls + sweeps).toBeLessThanOrEqual(500);
    expect(polls).toBeGreaterThan(300);
  });
});
