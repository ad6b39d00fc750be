import { describe, expect, it } from "vitest";
import type { Stack } from "aws-cdk-lib";
import { Queue } from "aws-cdk-lib/aws-sqs";
import { AwsSolutionsChecks } from "cdk-nag";
import { testApp } from "./test-app.ts";

describe("cdk-nag AwsSolutions", () => {
  it("finds nothing left unacknowledged, errors or warnings, in either stack", () => {
    // Prepare
    const { app } = testApp({ alarmEmail: "ops@example.com" });

    // Act
    const report = new AwsSolutionsChecks().validateScope(app);

    // Assess
    expect(
      report.violations.map(
        (violation) => `${violation.ruleName} at ${violation.violatingResources.map((r) => r.constructPath).join(", ")}`,
      ),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  it("still finds what it should when the account logging role is left out", () => {
    // Prepare
    const { app } = testApp({ apiGatewayLogsRole: false });

    // Act
    const report = new AwsSolutionsChecks().validateScope(app);

    // Assess
    expect(report.violations).toEqual([]);
  });

  it("finds nothing either with the dashboard and custom metrics on, or another parameter prefix", () => {
    // Prepare
    const { app } = testApp({ detailedMonitoring: "true", parameterPrefix: "/live-likes/staging", maxConnectionsPerUser: "5" });

    // Act
    const report = new AwsSolutionsChecks().validateScope(app);

    // Assess
    expect(report.violations).toEqual([]);
  });

  it("is registered on the app: an unacknowledged finding fails the synth", () => {
    // Prepare
    const { app, stateless } = testApp();
    // A queue without a dead-letter queue or TLS enforcement: AwsSolutions-SQS3 and SQS4.
    new Queue(stateless as Stack, "Unchecked");

    // Act
    const synth = () => app.synth();

    // Assess
    expect(synth).toThrow(/AwsSolutions-SQS4/);
  });
});
