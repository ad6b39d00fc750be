/** The hot-poll function's settings, read from the environment the stack sets. */
import { describe, expect, it } from "vitest";
import { hotPollSettings } from "../../src/lambda/deployed-dependencies.ts";

describe("hotPollSettings", () => {
  it("takes the laptop's defaults and the sweeps' interval from the stack", () => {
    // Act
    const settings = hotPollSettings({ SWEEP_INTERVAL_SECONDS: "600" });

    // Assess
    expect(settings).toEqual({ sweepIntervalMs: 600_000, bounds: { minMs: 5_000, maxMs: 60_000 }, budgetShare: 0.5 });
  });

  it("reads the bounds and the budget share", () => {
    // Act
    const settings = hotPollSettings({ HOT_POLL_MIN_SECONDS: "10", HOT_POLL_MAX_SECONDS: "90", HOT_POLL_BUDGET_PERCENT: "25" });

    // Assess
    expect(settings).toMatchObject({ bounds: { minMs: 10_000, maxMs: 90_000 }, budgetShare: 0.25 });
  });

  it("refuses a value that would poll wrongly, naming the variable", () => {
    expect(() => hotPollSettings({ HOT_POLL_BUDGET_PERCENT: "150" })).toThrow(/HOT_POLL_BUDGET_PERCENT is "150"/);
    expect(() => hotPollSettings({ HOT_POLL_MIN_SECONDS: "-1" })).toThrow(/HOT_POLL_MIN_SECONDS/);
    expect(() => hotPollSettings({ HOT_POLL_MIN_SECONDS: "90", HOT_POLL_MAX_SECONDS: "60" })).toThrow(/HOT_POLL_MAX_SECONDS/);
    expect(() => hotPollSettings({ SWEEP_INTERVAL_SECONDS: "soon" })).toThrow(/SWEEP_INTERVAL_SECONDS/);
  });
});
