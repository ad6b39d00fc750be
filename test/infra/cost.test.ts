import { describe, expect, it } from "vitest";
import { Template } from "aws-cdk-lib/assertions";
import { monthlyBill } from "../../scripts/cost/bill.ts";
import { inventory } from "../../scripts/cost/template-inventory.ts";
import { DEFAULT_USAGE } from "../../scripts/cost/usage.ts";
import { testApp } from "./test-app.ts";

describe("the synthesized stacks' monthly bill (scripts/cost, as npm run cost prints it)", () => {
  // $0.50 until issue 10's scheduled notifications: their per-minute sweep costs ~$0.06 a month
  // at list prices even with nothing scheduled (43,200 Scheduler invocations, Lambda runs and empty
  // Queries; docs/SCALE.md "Scheduled notifications"), so the budget is $0.55.
  it("is at most $0.55 at list prices for one writer with 500 articles, a 5-minute poll and one tab 8 h a day", () => {
    // Prepare
    const { stateful, stateless } = testApp();
    const templates = [Template.fromStack(stateful).toJSON(), Template.fromStack(stateless).toJSON()];

    // Act
    const inv = inventory(templates);
    const bill = monthlyBill(inv, DEFAULT_USAGE);

    // Assess
    expect(inv).toMatchObject({ dashboards: 0, secrets: 0, queues: 0, customerKeys: 0, customMetrics: false, alarmMetrics: 3 });
    expect(bill.totalUsd).toBeLessThanOrEqual(0.55);
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
