/**
 * The publish handler's group routes on the AWS docs' payload-2.0 event (test/events/apigw-http):
 * a directory in memory, and none at all, as where groups are not wired yet.
 */
import { readFileSync } from "node:fs";
import { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import type { GroupDirectory, PublicationStore } from "#domain/ports.ts";
import { hashPublishKey } from "#domain/publish/publish-keys.ts";
import { createPublishHandler } from "#handlers/publish.handler.ts";

const fixture: APIGatewayProxyEventV2 = JSON.parse(readFileSync(new URL("../events/apigw-http/request.json", import.meta.url), "utf8"));
const KEY = "llk_test-key";

class MemoryGroups implements GroupDirectory {
  readonly groups = new Map<string, Set<string>>();
  async add(group: string, userId: string) {
    const members = this.groups.get(group) ?? new Set<string>();
    this.groups.set(group, members);
    const added = !members.has(userId);
    members.add(userId);
    return added;
  }
  async remove(group: string, userId: string) {
    this.groups.get(group)?.delete(userId);
  }
  async members(group: string) {
    return [...(this.groups.get(group) ?? [])].sort();
  }
}

const publications: PublicationStore = {
  publish: async () => ({ written: true }),
  get: async () => undefined,
  recordDelivery: async () => {},
  recordFailure: async () => {},
  heldClaim: async () => undefined,
  due: async () => [],
  release: async () => false,
  cancel: async () => "unknown",
};

function request(method: string, path: string, body?: unknown): APIGatewayProxyEventV2 {
  const event = structuredClone(fixture);
  return {
    ...event,
    rawPath: path,
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method, path } },
    ...(body !== undefined ? { body: JSON.stringify(body), isBase64Encoded: false } : {}),
  };
}

const handlerWith = (groups?: GroupDirectory) =>
  createPublishHandler({
    publications,
    keys: { findByHash: async (hash) => (hash === hashPublishKey(KEY) ? { name: "ci" } : undefined) },
    ...(groups ? { groups } : {}),
    logger: new Logger({ logLevel: "SILENT" }),
  });

describe("publish handler, groups", () => {
  it("adds (201, then 200), lists and removes (204) members", async () => {
    // Prepare
    const groups = new MemoryGroups();
    const handle = handlerWith(groups);

    // Act
    const added = await handle(request("PUT", "/v1/groups/ops/members/alice"));
    const again = await handle(request("PUT", "/v1/groups/ops/members/alice"));
    const listed = await handle(request("GET", "/v1/groups/ops/members"));
    const removed = await handle(request("DELETE", "/v1/groups/ops/members/alice"));

    // Assess
    expect([added.statusCode, again.statusCode, listed.statusCode, removed.statusCode]).toEqual([201, 200, 200, 204]);
    expect(JSON.parse(added.body as string)).toEqual({ group: "ops", userId: "alice" });
    expect(JSON.parse(listed.body as string)).toEqual({ members: ["alice"] });
    expect(await groups.members("ops")).toEqual([]);
  });

  it("decodes the path's user id before validating it", async () => {
    const groups = new MemoryGroups();

    const answer = await handlerWith(groups)(request("PUT", "/v1/groups/ops/members/ann%40example.com"));

    expect(answer.statusCode).toBe(201);
    expect(await groups.members("ops")).toEqual(["ann@example.com"]);
  });

  it("answers 501 on the group routes and 400 on group:NAME where no directory is wired", async () => {
    const handle = handlerWith();

    expect((await handle(request("PUT", "/v1/groups/ops/members/alice"))).statusCode).toBe(501);
    expect((await handle(request("GET", "/v1/groups/ops/members"))).statusCode).toBe(501);
    const published = await handle(request("POST", "/v1/notifications", { to: "group:ops", title: "t" }));
    expect(published.statusCode).toBe(400);
    expect(JSON.parse(published.body as string)).toEqual({
      error: { field: "to", message: expect.stringContaining("not supported here yet") },
    });
  });
});
