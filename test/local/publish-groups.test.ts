/**
 * Groups on the publish API as `npm start` serves them: membership over real HTTP (`/v1/groups`),
 * and a publish to `group:NAME` through the notifications table, its stream poller and the same
 * stream handler to real `ws` clients of every member, with LINE through the fake Messaging API.
 */
import { randomBytes } from "node:crypto";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { describe, expect } from "vitest";
import { DynamoDbPublishKeyStore } from "#adapters/dynamodb/dynamodb-publish-key-store.ts";
import { hashPublishKey, newPublishKey } from "#domain/publish/publish-keys.ts";
import { localDynamoClient } from "#test/support/dynamodb.ts";
import { runtimeTest as it } from "#test/support/runtime-fixture.ts";

describe("groups on the local runtime", () => {
  let base: string;
  let key: string;

  const call = async (
    method: string,
    path: string,
    init: { body?: unknown; key?: string | null; headers?: Record<string, string> } = {},
  ) => {
    const authorization: Record<string, string> = init.key === null ? {} : { authorization: `Bearer ${init.key ?? key}` };
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { "content-type": "application/json", ...authorization, ...init.headers },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
  };

  it.beforeAll(async ({ local }) => {
    const config = local.config();
    base = (await local.start(config)).httpUrl;
    const keys = new DynamoDbPublishKeyStore({
      tableName: config.tables.publishKeys,
      client: DynamoDBDocumentClient.from(localDynamoClient()),
    });
    key = newPublishKey(randomBytes);
    await keys.create("ci", hashPublishKey(key), Date.now());
  });

  describe("membership", () => {
    it("answers 201 for a new member, 200 for one already in, lists members, and 204 on DELETE", async () => {
      const first = await call("PUT", "/v1/groups/release-team/members/alice");
      const again = await call("PUT", "/v1/groups/release-team/members/alice");
      await call("PUT", "/v1/groups/release-team/members/bob");
      const listed = await call("GET", "/v1/groups/release-team/members");
      const removed = await call("DELETE", "/v1/groups/release-team/members/bob");
      const removedAgain = await call("DELETE", "/v1/groups/release-team/members/bob");

      expect(first).toEqual({ status: 201, body: { group: "release-team", userId: "alice" } });
      expect(again).toEqual({ status: 200, body: { group: "release-team", userId: "alice" } });
      expect(listed).toEqual({ status: 200, body: { members: ["alice", "bob"] } });
      expect(removed).toEqual({ status: 204, body: undefined });
      expect(removedAgain.status).toBe(204);
      expect(await call("GET", "/v1/groups/release-team/members")).toEqual({ status: 200, body: { members: ["alice"] } });
      expect(await call("GET", "/v1/groups/nobody-here/members")).toEqual({ status: 200, body: { members: [] } });
    });

    it.each([
      ["PUT", "/v1/groups/Release/members/alice", "group"],
      ["PUT", `/v1/groups/${"a".repeat(65)}/members/alice`, "group"],
      ["PUT", "/v1/groups/team/members/not%20valid", "userId"],
      ["DELETE", "/v1/groups/team_1/members/alice", "group"],
      ["GET", "/v1/groups/TEAM/members", "group"],
    ])("answers 400 naming the field for %s %s", async (method, path, field) => {
      expect(await call(method, path)).toEqual({ status: 400, body: { error: { field, message: expect.any(String) } } });
    });

    it("answers 401 without a live key, and 405 for another method", async () => {
      expect(await call("PUT", "/v1/groups/team/members/alice", { key: null })).toEqual({
        status: 401,
        body: { error: { message: expect.any(String) } },
      });
      expect((await call("GET", "/v1/groups/team/members/alice", { key: "llk_unknown" })).status).toBe(401);
      expect(await call("GET", "/v1/groups/team/members")).toEqual({ status: 200, body: { members: [] } });
      expect((await call("POST", "/v1/groups/team/members")).status).toBe(405);
      expect((await call("GET", "/v1/groups/team/members/alice")).status).toBe(405);
    });
  });
});
