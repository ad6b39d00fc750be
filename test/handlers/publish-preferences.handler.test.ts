/**
 * The publish handler's preferences routes on the payload-2.0 fixture: where no preference store
 * is wired they answer 501, as the group routes do; a key is checked before anything else.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import type { PreferenceStore, PublicationStore } from "#domain/ports.ts";
import { hashPublishKey } from "#domain/publish/publish-keys.ts";
import { createPublishHandler } from "#handlers/publish.handler.ts";

const KEY = "llk_test-key";
const logger = new Logger({ logLevel: "SILENT" });

function event(method: string, path: string, body?: unknown, key: string | null = KEY): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey: "ANY /v1/{proxy+}",
    rawPath: path,
    rawQueryString: "",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    requestContext: { http: { method, path } },
    ...(body !== undefined ? { body: JSON.stringify(body), isBase64Encoded: false } : { isBase64Encoded: false }),
  } as unknown as APIGatewayProxyEventV2;
}

const keys = { findByHash: async (hash: string) => (hash === hashPublishKey(KEY) ? { name: "ci" } : undefined) };
const publications = {} as PublicationStore;

describe("publish handler, preferences routes", () => {
  it("answers 501 where no preference store is wired, and 401 before that without a key", async () => {
    const handler = createPublishHandler({ publications, keys, logger });
    expect((await handler(event("GET", "/v1/users/alice/preferences"))).statusCode).toBe(501);
    expect((await handler(event("GET", "/v1/users/alice/preferences", undefined, null))).statusCode).toBe(401);
  });

  it("routes GET and PUT to the store, 405 otherwise, and decodes the user id in the path", async () => {
    // Prepare
    const written: [string, unknown][] = [];
    const store: PreferenceStore = {
      get: async () => undefined,
      update: async (userId, changes) => {
        written.push([userId, changes]);
        return changes.email ? { email: changes.email } : {};
      },
    };
    const defaults = { line: "fallback", email: "off", timeZone: "UTC", digestHour: 8 } as const;
    const handler = createPublishHandler({ publications, keys, logger, preferences: { store, defaultsFor: () => defaults } });

    // Act
    const got = await handler(event("GET", "/v1/users/a%40b.example/preferences"));
    const put = await handler(event("PUT", "/v1/users/alice/preferences", { email: "always" }));
    const post = await handler(event("POST", "/v1/users/alice/preferences", { email: "always" }));

    // Assess
    expect(got.statusCode).toBe(200);
    expect(JSON.parse(got.body as string)).toEqual({ userId: "a@b.example", preferences: defaults });
    expect(put.statusCode).toBe(200);
    expect(JSON.parse(put.body as string).preferences.email).toBe("always");
    expect(written).toEqual([["alice", { email: "always" }]]);
    expect(post).toMatchObject({ statusCode: 405, headers: { Allow: "GET, PUT" } });
  });
});
