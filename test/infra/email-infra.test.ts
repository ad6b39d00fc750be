/**
 * E-mail and preferences deployed (issue 13): the SES identity from the deploy settings (an address
 * or a domain), kept across deploys; `ses:SendEmail` on that identity only, for the functions that
 * mail; the preferences table kept and backed up, read where deliveries happen and changed only by
 * the page's $default route and the publish API; the channel defaults in every function that answers them.
 */
import { Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, it } from "vitest";
import { DeploySettingError } from "../../infra/deploy-settings.ts";
import { actionsOf, logicalId, type Statement, statementsOfFunction, testApp } from "./test-app.ts";

function build(context: Record<string, unknown> = {}) {
  const app = testApp(context);
  return {
    app,
    stateful: Template.fromStack(app.stateful),
    stateless: Template.fromStack(app.stateless),
    functionIds: Object.fromEntries(Object.entries(app.stateless.functions).map(([name, fn]) => [name, logicalId(fn)])),
  };
}

const envOf = (template: Template, functionId: string): Record<string, unknown> =>
  template.toJSON().Resources[functionId].Properties.Environment.Variables;

const sesStatements = (template: Template, functionId: string): Statement[] =>
  statementsOfFunction(template, functionId).filter((statement) => actionsOf(statement).some((action) => action.startsWith("ses:")));

describe("e-mail, deployed", () => {
  it("creates the sender's SES identity, kept across deploys, and lets only stream and group-part send, from it alone", () => {
    // Prepare, Act
    const { app, stateful, stateless, functionIds } = build({ emailFrom: "likes@example.com", emailMode: "always" });

    // Assess: the identity
    stateful.hasResource("AWS::SES::EmailIdentity", {
      Properties: { EmailIdentity: "likes@example.com" },
      DeletionPolicy: "Retain",
    });
    const identityId = logicalId(app.stateful.emailIdentity!);

    // Assess: who may send, and what
    for (const [name, id] of Object.entries(functionIds)) {
      const statements = sesStatements(stateless, id!);
      if (name === "stream" || name === "groupPart") {
        expect(statements).toHaveLength(1);
        expect(actionsOf(statements[0]!)).toEqual(["ses:SendEmail"]);
        expect(JSON.stringify(statements[0]!.Resource)).toContain(identityId);
        expect(JSON.stringify(statements[0]!.Resource)).not.toContain("*");
        expect(envOf(stateless, id!)).toMatchObject({ EMAIL_FROM: "likes@example.com", EMAIL_MODE: "always", PAGE_URL: expect.anything() });
      } else {
        expect(statements).toEqual([]);
        expect(envOf(stateless, id!).EMAIL_FROM).toBeUndefined();
      }
    }
  });

  it("leaves nothing for cdk-nag to find with e-mail on, an address or a domain", () => {
    for (const context of [{ emailFrom: "likes@example.com" }, { emailFrom: "likes@example.com", emailDomain: "example.com" }]) {
      const { app } = testApp(context);
      const report = new AwsSolutionsChecks().validateScope(app);
      expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
    }
  });

  it("verifies a whole domain when emailDomain is given", () => {
    const { stateful } = build({ emailFrom: "likes@mail.example.com", emailDomain: "mail.example.com" });
    stateful.hasResourceProperties("AWS::SES::EmailIdentity", { EmailIdentity: "mail.example.com" });
  });

  it("has no identity and no SES grant without emailFrom", () => {
    const { stateful, stateless, functionIds } = build({ emailFrom: undefined });
    stateful.resourceCountIs("AWS::SES::EmailIdentity", 0);
    for (const id of Object.values(functionIds)) expect(sesStatements(stateless, id)).toEqual([]);
  });

  it.each([
    [{ emailFrom: "not-an-address" }, /emailFrom is not an e-mail address/],
    [{ emailFrom: "likes@example.com", emailDomain: "other.example" }, /emailDomain other.example must be the domain of emailFrom/],
    [{ emailMode: "loud" }, /emailMode must be one of always, fallback, digest, off/],
  ])("refuses the deploy setting %j with a message saying what to pass", (context, message) => {
    expect(() => testApp(context)).toThrow(DeploySettingError);
    expect(() => testApp(context)).toThrow(message);
  });
});

describe("preferences, deployed", () => {
  it("keeps one item per user, backed up and protected from deletion", () => {
    const { app, stateful } = build();
    const { Properties, DeletionPolicy } = stateful.toJSON().Resources[logicalId(app.stateful.preferences.table)];
    expect(Properties.KeySchema).toEqual([{ AttributeName: "userId", KeyType: "HASH" }]);
    expect(Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(Properties.DeletionProtectionEnabled).toBe(true);
    expect(DeletionPolicy).toBe("Retain");
  });

  it("is read where deliveries happen and changed only by $default and the publish API", () => {
    // Prepare
    const { app, stateless, functionIds } = build({ lineMode: "always", emailMode: "off", digestHour: 6 });
    const tableId = logicalId(app.stateful.preferences.table);
    const onPreferences = (id: string) =>
      statementsOfFunction(stateless, id)
        .filter((statement) => JSON.stringify(statement.Resource).includes(tableId))
        .flatMap((statement) => actionsOf(statement))
        .sort();

    // Assess
    expect(onPreferences(functionIds.stream!)).toEqual(["dynamodb:GetItem"]);
    expect(onPreferences(functionIds.groupPart!)).toEqual(["dynamodb:GetItem"]);
    expect(onPreferences(functionIds.default!)).toEqual(["dynamodb:GetItem", "dynamodb:UpdateItem"]);
    expect(onPreferences(functionIds.publish!)).toEqual(["dynamodb:GetItem", "dynamodb:UpdateItem"]);
    for (const name of ["connect", "disconnect", "collect", "hotPoll"]) expect(onPreferences(functionIds[name]!)).toEqual([]);
    for (const name of ["stream", "groupPart", "default", "publish"]) {
      expect(envOf(stateless, functionIds[name]!)).toMatchObject({
        PREFERENCES_TABLE: expect.anything(),
        LINE_MODE: "always",
        EMAIL_MODE: "off",
        DIGEST_HOUR: "6",
        TIME_ZONE: expect.any(String),
      });
    }
  });
});
