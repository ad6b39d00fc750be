/**
 * The daily digests deployed (issue 13): the digests table (keys, its byChannel index, TTL), the
 * function and its 15-minute schedule, LINE_MONTHLY_LIMIT where LINE is pushed, and the least each
 * function needs on the digests table: the pushing functions only owe (UpdateItem), the digests
 * function reads, marks and deletes, and nobody scans.
 */
import { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { DIGEST_SCHEDULE_DESCRIPTION } from "../../infra/stateless-stack.ts";
import { actionsOf, logicalId, type Statement, statementsOfFunction, testApp } from "./test-app.ts";

describe("daily digests, deployed", () => {
  let stateful: Template;
  let stateless: Template;
  let tableId: string;
  let digestsFunctionId: string;
  let functionIds: Record<string, string>;

  beforeAll(() => {
    const app = testApp({ lineMonthlyLimit: 500, digestHour: 7 });
    stateful = Template.fromStack(app.stateful);
    stateless = Template.fromStack(app.stateless);
    tableId = logicalId(app.stateful.digests.table);
    digestsFunctionId = logicalId(app.stateless.sendDigests);
    functionIds = Object.fromEntries(Object.entries(app.stateless.functions).map(([name, fn]) => [name, logicalId(fn)]));
  });

  /** The actions a function's role has on the digests table or its index. */
  const onDigests = (functionId: string) =>
    statementsOfFunction(stateless, functionId)
      .filter((statement: Statement) => JSON.stringify(statement.Resource).includes(tableId))
      .map((statement) => ({ actions: actionsOf(statement).sort(), index: JSON.stringify(statement.Resource).includes("/index/") }));

  it("keeps owed notifications by channel#user and id, indexed by channel, expiring by TTL", () => {
    // Act
    const { Properties } = stateful.toJSON().Resources[tableId];

    // Assess
    expect(Properties.KeySchema).toEqual([
      { AttributeName: "owner", KeyType: "HASH" },
      { AttributeName: "id", KeyType: "RANGE" },
    ]);
    expect(Properties.TimeToLiveSpecification).toEqual({ AttributeName: "expiresAt", Enabled: true });
    expect(Properties.BillingMode).toBe("PAY_PER_REQUEST");
    expect(Properties.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: "byChannel",
        KeySchema: [
          { AttributeName: "channel", KeyType: "HASH" },
          { AttributeName: "owner", KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["userId"] },
      },
    ]);
  });

  it("runs the digests function every 15 minutes, without retries, with its settings", () => {
    // Act
    const schedules = Object.values(stateless.findResources("AWS::Scheduler::Schedule")).filter(
      (schedule) => schedule.Properties.Description === DIGEST_SCHEDULE_DESCRIPTION,
    );
    const fn = stateless.toJSON().Resources[digestsFunctionId].Properties;

    // Assess
    expect(schedules).toHaveLength(1);
    expect(schedules[0]?.Properties.ScheduleExpression).toBe("rate(15 minutes)");
    expect(schedules[0]?.Properties.Target.Arn).toEqual({ "Fn::GetAtt": [digestsFunctionId, "Arn"] });
    expect(schedules[0]?.Properties.Target.RetryPolicy).toMatchObject({ MaximumRetryAttempts: 0 });
    expect(fn.Environment.Variables).toMatchObject({ DIGEST_HOUR: "7", LINE_MONTHLY_LIMIT: "500", TIME_ZONE: "Asia/Tokyo" });
    // The stateful stack's table, through its export.
    expect(JSON.stringify(fn.Environment.Variables.DIGESTS_TABLE)).toContain(tableId);
  });

  it("gives the digests function only what it uses on the digests table: no Scan, no UpdateItem", () => {
    // Act
    const grants = onDigests(digestsFunctionId);

    // Assess
    expect(grants).toEqual(
      expect.arrayContaining([
        { actions: ["dynamodb:Query"], index: true },
        { actions: ["dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], index: false },
      ]),
    );
    expect(grants).toHaveLength(2);
  });

  it("lets the functions that push to LINE only owe, with LINE_MONTHLY_LIMIT set, and no other function touch the table", () => {
    // Act + Assess
    for (const name of ["stream", "groupPart"]) {
      expect(onDigests(functionIds[name] as string)).toEqual([{ actions: ["dynamodb:UpdateItem"], index: false }]);
      expect(stateless.toJSON().Resources[functionIds[name] as string].Properties.Environment.Variables.LINE_MONTHLY_LIMIT).toBe("500");
    }
    for (const [name, id] of Object.entries(functionIds)) {
      if (name === "stream" || name === "groupPart") continue;
      expect(onDigests(id)).toEqual([]);
    }
  });

  it("reads each person's preferences and mails e-mail digests from the stack's SES identity when one is set", () => {
    // Prepare
    const app = testApp({ emailFrom: "likes@example.com" });
    const template = Template.fromStack(app.stateless);
    const fnId = logicalId(app.stateless.sendDigests);
    const preferencesId = logicalId(app.stateful.preferences.table);

    // Act
    const statements = statementsOfFunction(template, fnId);
    const variables = template.toJSON().Resources[fnId].Properties.Environment.Variables;

    // Assess
    const onPreferences = statements.filter((statement) => JSON.stringify(statement.Resource).includes(preferencesId));
    expect(onPreferences.flatMap(actionsOf)).toEqual(["dynamodb:GetItem"]);
    expect(statements.flatMap(actionsOf)).toContain("ses:SendEmail");
    // A large body's link, presigned when the digest goes out.
    expect(statements.flatMap(actionsOf)).toContain("s3:GetObject");
    expect(statements.flatMap(actionsOf)).not.toContain("s3:PutObject");
    expect(variables).toMatchObject({ EMAIL_FROM: "likes@example.com", LINE_MODE: "fallback", EMAIL_MODE: "fallback" });
    expect(variables.PAGE_URL).toBeDefined();
  });
});
