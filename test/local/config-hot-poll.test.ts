import { describe, expect, it } from "vitest";
import { SettingError } from "#domain/setting-error.ts";
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

  it.each([
    [{ HOT_POLL_MIN_SECONDS: "0" }, "HOT_POLL_MIN_SECONDS", /greater than 0, e.g. HOT_POLL_MIN_SECONDS=5/],
    [{ HOT_POLL_MAX_SECONDS: "soon" }, "HOT_POLL_MAX_SECONDS", /greater than 0, e.g. HOT_POLL_MAX_SECONDS=60/],
    [{ HOT_POLL_MIN_SECONDS: "90" }, "HOT_POLL_MAX_SECONDS", /below HOT_POLL_MIN_SECONDS/],
    [{ HOT_POLL_BUDGET_PERCENT: "150" }, "HOT_POLL_BUDGET_PERCENT", /from 0 \(no hot polls\) to 100/],
    [{ HOT_POLL_BUDGET_PERCENT: "half" }, "HOT_POLL_BUDGET_PERCENT", /HOT_POLL_BUDGET_PERCENT=50/],
  ])("refuses %j naming %s and how to fix it", (env, variable, howTo) => {
    // Act
    let error: unknown;
    try {
      loadConfig(env);
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(SettingError);
    expect((error as SettingError).variable).toBe(variable);
    expect((error as SettingError).message).toMatch(howTo);
  });
});
