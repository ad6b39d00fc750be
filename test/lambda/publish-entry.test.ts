/**
 * The publish function's entry (src/lambda/publish.ts): its settings, read from the environment
 * the stack sets, and the handler it exports answering an API Gateway HTTP API event (the AWS docs'
 * payload-2.0 example) without a key before any call to AWS.
 */
import { readFileSync } from "node:fs";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { afterEach, describe, expect, it, vi } from "vitest";
import { publishSettings } from "../../src/lambda/deployed-dependencies.ts";

const fixture: APIGatewayProxyEventV2 = JSON.parse(readFileSync(new URL("../events/apigw-http/request.json", import.meta.url), "utf8"));
const tables = { NOTIFICATIONS_TABLE: "stack-notifications", PUBLISH_KEYS_TABLE: "stack-publish-keys", GROUPS_TABLE: "stack-groups" };
const releaseAlarm = {
  RELEASE_SCHEDULE_GROUP: "stack-releases",
  RELEASE_SCHEDULER_ROLE_ARN: "arn:aws:iam::123456789012:role/stack-ReleaseSchedulerRole",
  RELEASE_FUNCTION_ARN: "arn:aws:lambda:us-east-1:123456789012:function:stack-ReleaseScheduled",
};

describe("publishSettings", () => {
  it("reads the three table names the stack binds", () => {
    // Act
    const settings = publishSettings(tables);

    // Assess
    expect(settings).toEqual({
      notificationsTable: "stack-notifications",
      publishKeysTable: "stack-publish-keys",
      groupsTable: "stack-groups",
    });
  });

  it("refuses a missing or empty table name, naming the variable, instead of falling back to a default name", () => {
    expect(() => publishSettings({ PUBLISH_KEYS_TABLE: "keys", GROUPS_TABLE: "groups" })).toThrow(
      /NOTIFICATIONS_TABLE is "undefined": is not set/,
    );
    expect(() => publishSettings({ ...tables, PUBLISH_KEYS_TABLE: "" })).toThrow(/PUBLISH_KEYS_TABLE is "": is empty/);
  });
});

describe("the publish entry's handler", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it("answers 401 to an HTTP API event without a publish key", async () => {
    // Prepare
    for (const [name, value] of Object.entries({ ...tables, ...releaseAlarm })) vi.stubEnv(name, value);
    const { handler } = await import("../../src/lambda/publish.ts");
    const event = structuredClone(fixture);
    event.rawPath = "/v1/notifications";
    event.requestContext.http.path = "/v1/notifications";
    event.body = JSON.stringify({ to: "user:alice", title: "hi" });

    // Act
    const result = (await handler(event)) as APIGatewayProxyStructuredResultV2;

    // Assess
    expect(result.statusCode).toBe(401);
    expect(JSON.parse(result.body as string).error.message).toMatch(/Authorization: Bearer KEY/);
  });

  it("refuses to start without its release alarm's settings, naming the variable", async () => {
    // Prepare
    for (const [name, value] of Object.entries({ ...tables, ...releaseAlarm, RELEASE_SCHEDULER_ROLE_ARN: "" })) vi.stubEnv(name, value);

    // Act / Assess
    await expect(import("../../src/lambda/publish.ts")).rejects.toThrow(/RELEASE_SCHEDULER_ROLE_ARN is "": is not an ARN/);
  });

  it("refuses to start without its tables", async () => {
    // Prepare
    vi.stubEnv("NOTIFICATIONS_TABLE", "");

    // Act / Assess
    await expect(import("../../src/lambda/publish.ts")).rejects.toThrow(/NOTIFICATIONS_TABLE/);
  });
});
