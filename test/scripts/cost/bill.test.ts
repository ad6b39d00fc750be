import { describe, expect, it } from "vitest";
import { CUSTOM_METRIC_COUNT, monthlyBill } from "../../../scripts/cost/bill.ts";
import { PRICES } from "../../../scripts/cost/prices.ts";
import { renderBill, renderSummary, usd } from "../../../scripts/cost/render.ts";
import { inventory, type CfnTemplate } from "../../../scripts/cost/template-inventory.ts";
import { BEHAVIOUR, DEFAULT_USAGE, monthlyCounts } from "../../../scripts/cost/usage.ts";

const fn = (env: Record<string, string> = {}, memory = 256) => ({
  Type: "AWS::Lambda::Function",
  Properties: { MemorySize: memory, Environment: { Variables: { POWERTOOLS_SERVICE_NAME: "live-likes", ...env } } },
});
const metricsOff = { POWERTOOLS_METRICS_DISABLED: "true" };

/** A template like the stack's: five functions, three alarms, a schedule, the page. */
const lean: CfnTemplate = {
  Resources: {
    A: fn(metricsOff),
    B: fn(metricsOff),
    Helper: { Type: "AWS::Lambda::Function", Properties: { MemorySize: 512 } },
    Errors: { Type: "AWS::CloudWatch::Alarm", Properties: { MetricName: "Errors" } },
    Throttles: { Type: "AWS::CloudWatch::Alarm", Properties: { MetricName: "Throttles" } },
    Age: { Type: "AWS::CloudWatch::Alarm", Properties: { MetricName: "IteratorAge" } },
    Schedule: { Type: "AWS::Scheduler::Schedule", Properties: {} },
    Page: { Type: "AWS::CloudFront::Distribution", Properties: {} },
    Logs: { Type: "AWS::Logs::LogGroup", Properties: { RetentionInDays: 14 } },
  },
};

describe("inventory", () => {
  it("counts resources by type and reads what changes the bill", () => {
    // Act
    const inv = inventory([lean, { Resources: { T: { Type: "AWS::DynamoDB::Table" } } }]);

    // Assess
    expect(inv.resourceCounts).toMatchObject({ "AWS::Lambda::Function": 3, "AWS::CloudWatch::Alarm": 3, "AWS::DynamoDB::Table": 1 });
    expect(inv).toMatchObject({
      alarmMetrics: 3,
      dashboards: 0,
      secrets: 0,
      schedules: 1,
      distributions: 1,
      customMetrics: false,
      // CDK's helper functions are not the project's: their memory does not count.
      functionMemoryMb: 256,
      logRetentionDays: 14,
    });
  });

  it("bills a metric-math alarm per metric in it, and sees custom metrics when a function emits them", () => {
    // Prepare
    const math = {
      Type: "AWS::CloudWatch::Alarm",
      Properties: { Metrics: [{ Expression: "a+b" }, { MetricStat: {} }, { MetricStat: {} }] },
    };

    // Act
    const inv = inventory([{ Resources: { M: math, F: fn() } }]);

    // Assess
    expect(inv.alarmMetrics).toBe(2);
    expect(inv.customMetrics).toBe(true);
  });
});

describe("monthlyCounts", () => {
  it("derives the default writer's month", () => {
    // Act
    const counts = monthlyCounts(DEFAULT_USAGE);

    // Assess
    expect(counts.collectorRuns).toBe(8_640); // 30 d × 24 h × 12 polls
    expect(counts.collectorSeconds).toBeCloseTo(0.5 + 5 * 0.3); // five 100-article pages
    expect(counts.connectionMinutes).toBe(14_400); // 1 tab × 8 h × 60 × 30
    expect(counts.connects).toBe(120); // a new connection every 2 h of the 8
    expect(counts.pings).toBe(2_880); // every 5 min while open
    expect(counts.likes).toBe(300);
    expect(counts.streamInvocations).toBe(300);
    expect(counts.websocketMessages).toBe(2 * 2_880 + 2 * 120 + 100);
    // 500 × 0.6 KB = 300 KB → 75 × 4 KB → 37.5 eventually consistent units per poll.
    expect(counts.readUnits).toBe(8_640 * 37.5 + 120 * 1 + 120 * 1 + 300 * 1);
    expect(counts.writeUnits).toBe(300 * 5 + 120 * 2 + 120);
    expect(counts.qiitaRequestsPerHourPerToken).toBeLessThan(1_000);
  });

  it("counts one stream batch per poll, unless a poll's likes overflow a 100-record batch", () => {
    expect(monthlyCounts({ ...DEFAULT_USAGE, writers: 100 }).streamInvocations).toBe(8_640);
    expect(monthlyCounts({ ...DEFAULT_USAGE, writers: 100_000 }).streamInvocations).toBe(300_000);
  });
});

describe("monthlyBill", () => {
  it("prices each line as quantity × unit price and totals them", () => {
    // Act
    const bill = monthlyBill(inventory([lean]), DEFAULT_USAGE);

    // Assess
    for (const line of bill.lines) expect(line.usd).toBeCloseTo(line.quantity * PRICES[line.price].usd, 12);
    expect(bill.totalUsd).toBeCloseTo(
      bill.lines.reduce((sum, line) => sum + line.usd, 0),
      12,
    );
    const alarms = bill.lines.find((line) => line.price === "alarmMetric")!;
    expect(alarms).toMatchObject({ quantity: 3, arithmetic: "3 × $0.1" });
    expect(alarms.usd).toBeCloseTo(0.3, 12);
    const reads = bill.lines.find((line) => line.price === "dynamoReadUnit")!;
    expect(reads.quantity).toBe(monthlyCounts(DEFAULT_USAGE).readUnits);
  });

  it("bills scheduled notifications per notification: one one-time schedule's invocation, a release run, a read and a write each", () => {
    // Prepare
    const group = { Type: "AWS::Scheduler::ScheduleGroup", Properties: { Name: "live-likes-releases" } };
    const withReleases: CfnTemplate = { Resources: { ...lean.Resources, Releases: group } };
    const releases = DEFAULT_USAGE.scheduledPerWriterPerMonth;

    // Act
    const inv = inventory([withReleases]);
    const bill = monthlyBill(inv, DEFAULT_USAGE);
    const without = monthlyBill(inventory([lean]), DEFAULT_USAGE);
    const none = monthlyBill(inv, { ...DEFAULT_USAGE, scheduledPerWriterPerMonth: 0 });

    // Assess: the group is no collector schedule
    expect(inv).toMatchObject({ schedules: inventory([lean]).schedules, releaseScheduleGroups: 1 });
    expect(bill.lines).toContainEqual(
      expect.objectContaining({ price: "schedulerInvocation", quantity: releases, item: expect.stringMatching(/one-time/) }),
    );
    expect(bill.lines).toContainEqual(
      expect.objectContaining({ price: "dynamoReadUnit", quantity: releases, item: expect.stringMatching(/release/) }),
    );
    expect(bill.lines).toContainEqual(
      expect.objectContaining({ price: "dynamoWriteUnit", quantity: releases, item: expect.stringMatching(/release/) }),
    );
    const requests = (b: typeof bill) => b.lines.find((line) => line.item === "requests")!.quantity;
    expect(requests(bill) - requests(without)).toBe(releases);
    // 30 × ($1/M Scheduler + $0.20/M requests + 0.6 s × 128 MB + a read and a write unit): a few thousandths of a cent.
    expect(bill.totalUsd - without.totalUsd).toBeGreaterThan(0);
    expect(bill.totalUsd - without.totalUsd).toBeLessThan(0.0001);
    // Idle costs nothing: no sweep runs while nothing is scheduled.
    expect(none.totalUsd).toBeCloseTo(without.totalUsd, 12);
  });

  it("keeps the default writer at or under $0.50 a month with the lean template", () => {
    expect(monthlyBill(inventory([lean]), DEFAULT_USAGE).totalUsd).toBeLessThanOrEqual(0.5);
  });

  it("adds the dashboard, custom metrics and secrets when the template has them", () => {
    // Prepare
    const rich = inventory([
      lean,
      {
        Resources: {
          D: { Type: "AWS::CloudWatch::Dashboard" },
          S1: { Type: "AWS::SecretsManager::Secret" },
          S2: { Type: "AWS::SecretsManager::Secret" },
          F: fn(),
        },
      },
    ]);

    // Act
    const bill = monthlyBill(rich, DEFAULT_USAGE);
    const leanTotal = monthlyBill(inventory([lean]), DEFAULT_USAGE).totalUsd;
    const secretCalls = bill.lines.find((line) => line.price === "secretApiCall")!.usd;

    // Assess
    expect(bill.totalUsd - leanTotal).toBeCloseTo(3 + CUSTOM_METRIC_COUNT * 0.3 + 2 * 0.4 + secretCalls, 9);
  });

  it("grows compute with the collector's run length, which grows with writers", () => {
    // Act
    const one = monthlyBill(inventory([lean]), DEFAULT_USAGE);
    const hundred = monthlyBill(inventory([lean]), { ...DEFAULT_USAGE, writers: 100 });
    const gbs = (bill: typeof one) => bill.lines.find((line) => line.price === "lambdaArmGbSecond")!.quantity;

    // Assess
    expect(gbs(one)).toBeCloseTo(
      0.25 *
        (8_640 * 2.0 +
          (2_880 + 120) * BEHAVIOUR.defaultSeconds +
          120 * (BEHAVIOUR.connectSeconds + BEHAVIOUR.disconnectSeconds) +
          300 * BEHAVIOUR.streamSeconds),
      6,
    );
    expect(gbs(hundred)).toBeGreaterThan(10 * gbs(one));
  });
});

describe("render", () => {
  it("prints every line with its arithmetic, the total and a per-writer summary", () => {
    // Prepare
    const bills = [1, 10].map((writers) => monthlyBill(inventory([lean]), { ...DEFAULT_USAGE, writers }));

    // Act
    const table = renderBill(bills[0]!);
    const summary = renderSummary(bills);

    // Assess
    expect(table).toContain("| CloudWatch | alarms (3 alarm metrics) | 3 × $0.1 | $0.300 |");
    expect(table).toMatch(/\| \*\*Total\*\* \| \| \| \*\*\$0\.\d{3}\*\* \|/);
    expect(summary.split("\n")).toHaveLength(4);
    expect(usd(1.234)).toBe("$1.23");
    expect(usd(0.0004)).toBe("< $0.001");
  });
});
