import { describe, expect, it } from "vitest";
import { Template } from "aws-cdk-lib/assertions";
import { monthlyBill } from "../../scripts/cost/bill.ts";
import { inventory } from "../../scripts/cost/template-inventory.ts";
import { DEFAULT_USAGE } from "../../scripts/cost/usage.ts";
import { testApp } from "./test-app.ts";

describe("the synthesized stacks' monthly bill (scripts/cost, as npm run cost prints it)", () => {
  // Issue 15's budget. Scheduled notifications (issue 10) keep to it: one one-time schedule per
  // notification instead of a per-minute sweep, so nothing is billed while nothing is scheduled
  // (docs/SCALE.md "Scheduled notifications, deployed").
  it("is at most $0.50 at list prices for one writer with 500 articles, a 5-minute poll and one tab 8 h a day", () => {
    // Prepare
    const { stateful, stateless } = testApp();
    const templates = [Template.fromStack(stateful).toJSON(), Template.fromStack(stateless).toJSON()];

    // Act
    const inv = inventory(templates);
    const bill = monthlyBill(inv, DEFAULT_USAGE);

    // Assess
    expect(inv).toMatchObject({ dashboards: 0, secrets: 0, queues: 0, customerKeys: 0, customMetrics: false, alarmMetrics: 3 });
    // The release schedules' group is there, and no recurring schedule besides the collector's and the digests'.
    expect(inv).toMatchObject({ releaseScheduleGroups: 1, schedules: 1, digestSchedules: 1 });
    expect(bill.totalUsd).toBeLessThanOrEqual(0.5);
  });

  it("costs about $3 + 9 × $0.30 more with detailedMonitoring (dashboard and custom metrics)", () => {
    // Prepare
    const lean = testApp();
    const detailed = testApp({ detailedMonitoring: "true" });
    const total = (app: typeof lean) =>
      monthlyBill(inventory([Template.fromStack(app.stateful).toJSON(), Template.fromStack(app.stateless).toJSON()]), DEFAULT_USAGE)
        .totalUsd;

    // Act / Assess
    expect(total(detailed) - total(lean)).toBeCloseTo(3 + 9 * 0.3, 6);
  });
});
