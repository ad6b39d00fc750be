import { describe, expect, it } from "vitest";
import { loadConfig } from "#local/config.ts";

describe("loadConfig: hot polls (issue 11)", () => {
  it("reads the first page every 5 to 60 s within half of Qiita's budget by default", () => {
    // Act
    const config = loadConfig({});

    // Assess
    expect(config.hotPoll).toEqual({ minSeconds: 5, maxSeconds: 60, budgetShare: 0.5 });
  });

  it("reads the bounds and the budget share; 0 % turns hot polls off", () => {
    // Act
    const tuned = loadConfig({ HOT_POLL_MIN_SECONDS: "0.5", HOT_POLL_MAX_SECONDS: "30", HOT_POLL_BUDGET_PERCENT: "25" });
    const off = loadConfig({ HOT_POLL_BUDGET_PERCENT: "0" });

    // Assess
    expect(tuned.hotPoll).toEqual({ minSeconds: 0.5, maxSeconds: 30, budgetShare: 0.25 });
    expect(off.hotPoll.budgetShare).toBe(0);
  });
});
