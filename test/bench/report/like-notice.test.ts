import { describe, expect, it } from "vitest";
import { likeNoticeMarkdown, renderMarkdown } from "../../../bench/report/markdown.ts";
import type { LikeNoticeResult } from "../../../bench/report/results.ts";
import { checkTargets } from "../../../bench/report/targets.ts";
import { sampleResults } from "./sample-results.ts";

function notice(overrides: Partial<LikeNoticeResult> = {}): LikeNoticeResult {
  return {
    duration_s: 300,
    idle_s: 30,
    likes_recent: 28,
    likes_old: 10,
    articles: 150,
    lost: 0,
    duplicated: 0,
    hot_polls_without_tab: 0,
    hourly_limit: 1_000,
    budget_share: 0.5,
    rows: [
      {
        way: "hot polls (this project)",
        recent_p50_ms: 6_100,
        recent_p95_ms: 11_800,
        old_p50_ms: 31_000,
        old_p95_ms: 58_000,
        pages_per_hour: 470,
        lookups_per_hour: 30,
        simulated: false,
      },
      {
        way: "fixed 60 s polling",
        recent_p50_ms: 29_000,
        recent_p95_ms: 57_000,
        old_p50_ms: 30_000,
        old_p95_ms: 56_000,
        pages_per_hour: 120,
        lookups_per_hour: 28,
        simulated: true,
      },
    ],
    ...overrides,
  };
}

const likeChecks = (result: LikeNoticeResult | undefined) =>
  checkTargets({ ...sampleResults(), ...(result ? { like_notice: result } : {}) }).filter((check) => check.target.startsWith("Like"));

describe("like → notice in the bench report", () => {
  it("reaches the issue's targets when the hot polls meet them", () => {
    // Act
    const checks = likeChecks(notice());

    // Assess
    expect(checks.map((check) => check.reached)).toEqual([true, true, true]);
  });

  it("misses them on a slow p95, a budget overrun or a hot poll without a tab", () => {
    // Prepare
    const [hot, fixed] = notice().rows as [LikeNoticeResult["rows"][number], LikeNoticeResult["rows"][number]];

    // Act
    const slow = likeChecks(notice({ rows: [{ ...hot, recent_p95_ms: 20_001 }, fixed] }));
    const greedy = likeChecks(notice({ rows: [{ ...hot, pages_per_hour: 501 }, fixed] }));
    const idle = likeChecks(notice({ hot_polls_without_tab: 1 }));
    const twice = likeChecks(notice({ duplicated: 1 }));

    // Assess
    expect(slow[0]?.reached).toBe(false);
    expect(greedy[1]?.reached).toBe(false);
    expect(idle[2]?.reached).toBe(false);
    expect(twice[0]?.reached).toBe(false);
  });

  it("says it was not measured in results from before it existed", () => {
    // Act / Assess
    expect(likeChecks(undefined)).toEqual([{ target: "Like → notice", reached: undefined, detail: "not measured in this run" }]);
  });

  it("renders one row per way in seconds, the simulated ones marked", () => {
    // Act
    const section = likeNoticeMarkdown(notice()).join("\n");
    const whole = renderMarkdown({ ...sampleResults(), like_notice: notice() });

    // Assess
    expect(section).toContain("| hot polls (this project) | 6.1 | 11.8 | 31.0 | 58.0 | 470 | 30 |");
    expect(section).toContain("| fixed 60 s polling (simulated) | 29.0 | 57.0 | 30.0 | 56.0 | 120 | 28 |");
    expect(section).toContain("hot polls while no tab was connected (30 s before, 30 s after): 0");
    expect(whole).toContain(section);
  });
});
