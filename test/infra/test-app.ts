/**
 * Builds the CDK app the way `cdk synth` does (cdk.json's context and feature flags), for the
 * assertion tests. Bundling and CDK's built-in CloudFormation validation are skipped: they are
 * the slow part of a synth, and bundling.test.ts runs the real `cdk synth` with both.
 */
import { readFileSync } from "node:fs";
import { App, type CfnElement, Stack } from "aws-cdk-lib";
import type { Template } from "aws-cdk-lib/assertions";
import type { IConstruct } from "constructs";
import { buildLiveLikesApp } from "../../infra/live-likes-app.ts";

export const repoRoot = new URL("../../", import.meta.url);

export function cdkJsonContext(): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL("cdk.json", repoRoot), "utf8")).context;
}

export function testApp(context: Record<string, unknown> = {}) {
  const app = new App({
    builtinCloudFormationValidation: false,
    context: { ...cdkJsonContext(), "aws:cdk:bundling-stacks": [], ...context },
  });
  return { app, ...buildLiveLikesApp(app) };
}

export function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

/** Every IAM statement attached to the role of the function with this logical id. */
export function statementsOfFunction(template: Template, functionId: string): Statement[] {
  const fn = template.toJSON().Resources[functionId];
  const roleId: string = fn.Properties.Role["Fn::GetAtt"][0];
  const policies = Object.values(template.findResources("AWS::IAM::Policy")).filter((policy) =>
    (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleId),
  );
  return policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}
