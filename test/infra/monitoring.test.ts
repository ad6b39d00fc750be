import { beforeAll, describe, expect, it } from "vitest";
import { Match, Template } from "aws-cdk-lib/assertions";
import type { StatelessStack } from "../../infra/stateless-stack.ts";
import { logicalId, testApp } from "./test-app.ts";

describe("Monitoring", () => {
  let stack: StatelessStack;
  let template: Template;

  beforeAll(() => {
    ({ stateless: stack } = testApp());
    template = Template.fromStack(stack);
  });

  const topicPolicy = () => Object.values(template.findResources("AWS::SNS::TopicPolicy"))[0]!.Properties.PolicyDocument.Statement as any[];

  it("lets cloudwatch.amazonaws.com publish to the alarm topic only for this stack's alarms, keeping TLS enforced", () => {
    // Prepare
    const topicId = logicalId(stack.monitoring.topic);
    const alarmIds = stack.monitoring.alarms.map((alarm) => logicalId(alarm));

    // Act
    const statements = topicPolicy();
    const cloudWatch = statements.filter((statement) => statement.Principal?.Service === "cloudwatch.amazonaws.com");

    // Assess
    expect(cloudWatch).toHaveLength(1);
    expect(cloudWatch[0]).toMatchObject({
      Effect: "Allow",
      Action: "sns:Publish",
      Resource: { Ref: topicId },
      Condition: {
        ArnLike: { "aws:SourceArn": alarmIds.map((id) => ({ "Fn::GetAtt": [id, "Arn"] })) },
        StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } },
      },
    });
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: "Deny", Action: "sns:Publish", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
    );
  });

  it("alarms only on free AWS/Lambda metrics: errors and throttles account-wide, the stream's iterator age; all to the topic", () => {
    // Prepare
    const topicId = logicalId(stack.monitoring.topic);

    // Act
    const alarms = Object.values(template.findResources("AWS::CloudWatch::Alarm")).map((alarm) => alarm.Properties);

    // Assess
    expect(alarms).toHaveLength(3);
    for (const alarm of alarms) {
      expect(alarm.Namespace).toBe("AWS/Lambda");
      expect(alarm.Metrics).toBeUndefined(); // no metric math: each alarm is billed as one metric
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.OKActions).toEqual([{ Ref: topicId }]);
      expect(alarm.TreatMissingData).toBe("notBreaching");
    }
    expect(alarms).toContainEqual(expect.objectContaining({ MetricName: "Errors", Statistic: "Sum", Threshold: 1 }));
    expect(alarms).toContainEqual(expect.objectContaining({ MetricName: "Throttles", Statistic: "Sum", Threshold: 1 }));
    expect(alarms.filter((alarm) => ["Errors", "Throttles"].includes(alarm.MetricName)).map((alarm) => alarm.Dimensions)).toEqual([
      undefined,
      undefined,
    ]);
    expect(alarms).toContainEqual(
      expect.objectContaining({
        MetricName: "IteratorAge",
        Statistic: "Maximum",
        Dimensions: [{ Name: "FunctionName", Value: { Ref: logicalId(stack.functions.stream) } }],
        Threshold: 300_000,
      }),
    );
  });

  it("mails every object the stream's failure destination writes, through the topic, scoped to that bucket", () => {
    // Prepare
    const bucketId = logicalId(stack.failureBucket);

    // Act
    const notifications = Object.values(template.findResources("Custom::S3BucketNotifications"));

    // Assess
    expect(notifications).toHaveLength(1);
    expect(notifications[0]!.Properties).toMatchObject({
      BucketName: { Ref: bucketId },
      NotificationConfiguration: {
        TopicConfigurations: [{ Events: ["s3:ObjectCreated:*"], TopicArn: { Ref: logicalId(stack.monitoring.topic) } }],
      },
    });
    expect(topicPolicy()).toContainEqual(
      expect.objectContaining({
        Effect: "Allow",
        Principal: { Service: "s3.amazonaws.com" },
        Action: "sns:Publish",
        Condition: { ArnLike: { "aws:SourceArn": { "Fn::GetAtt": [bucketId, "Arn"] } } },
      }),
    );
  });

  it("builds no dashboard unless detailedMonitoring is set (it alone is $3 a month)", () => {
    // Prepare
    const detailed = Template.fromStack(testApp({ detailedMonitoring: "true" }).stateless);

    // Act
    const dashboard = JSON.stringify(Object.values(detailed.findResources("AWS::CloudWatch::Dashboard"))[0]);

    // Assess
    template.resourceCountIs("AWS::CloudWatch::Dashboard", 0);
    expect(dashboard).toContain("IteratorAge");
    expect(dashboard).toContain("SEARCH('{LiveLikes,service}");
    detailed.resourceCountIs("AWS::CloudWatch::Alarm", 3);
  });

  it("mails alarms when alarmEmail is set", () => {
    // Prepare
    const other = Template.fromStack(testApp({ alarmEmail: "ops@example.com" }).stateless);

    // Assess
    other.hasResourceProperties("AWS::SNS::Subscription", { Protocol: "email", Endpoint: "ops@example.com" });
    template.resourceCountIs("AWS::SNS::Subscription", 0);
    other.hasResourceProperties("AWS::SNS::Topic", Match.anyValue());
  });
});
