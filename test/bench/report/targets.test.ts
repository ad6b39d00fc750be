import { describe, expect, it } from "vitest";
import { checkTargets } from "../../../bench/report/targets.ts";
import { sampleResults } from "./sample-results.ts";

const reached = (target: string) => {
  const check = checkTargets(sampleResults()).find((c) => c.target.startsWith(target));
  if (!check) throw new Error(`no check "${target}"`);
  return check.reached;
};

describe("checkTargets", () => {
  it("reaches the fan-out targets when the figures meet them", () => {
    // Act / Assess
    expect(reached("Fan-out to 1,000: ≥ 10× faster than sequential")).toBe(true);
    expect(reached("Fan-out to 1,000: faster than unbounded")).toBe(true);
    expect(reached("Fan-out to 1,000: within 1.5× of the transport floor")).toBe(true);
    expect(reached("Fan-out to 5,000")).toBe(true);
  });

  it("misses a target the figures do not meet, and says it was not measured when absent", () => {
    // Prepare
    const results = { ...sampleResults(), fanout: sampleResults().fanout.filter((row) => row.connections !== 1000) };

    // Act
    const checks = checkTargets(results);

    // Assess
    expect(reached("Every handler bundle ≤ 200 KB")).toBe(false);
    expect(checks.find((c) => c.target === "Fan-out to 1,000")?.reached).toBeUndefined();
  });

  it("holds the collector to ceil(articles/100) requests and no writes when nothing changed", () => {
    // Prepare
    const results = sampleResults();
    const collector = [{ ...(results.collector[0] as (typeof results.collector)[number]), qiita_requests: 11 }];

    // Act
    const check = checkTargets({ ...results, collector }).find((c) => c.target.startsWith("Collector"));

    // Assess
    expect(reached("Collector")).toBe(true);
    expect(check?.reached).toBe(false);
  });
});
