import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { createHttpApiAdapter } from "#local/aws/http-api/http-api-adapter.ts";

const fixture = JSON.parse(
  readFileSync(new URL("../../../events/apigw-http/request.json", import.meta.url), "utf8"),
) as APIGatewayProxyEventV2;

/** The shape of a value: its keys, recursively, and the types of its leaves. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length > 0 ? [shape(value[0])] : [];
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, shape((value as Record<string, unknown>)[key])]),
    );
  return typeof value;
}

describe("HTTP API adapter", () => {
  let server: Server;
  let base: string;
  const seen: APIGatewayProxyEventV2[] = [];

  beforeAll(async () => {
    server = createServer(
      createHttpApiAdapter(
        async (event) => {
          seen.push(event);
          return { statusCode: 201, headers: { "content-type": "text/plain", "x-answer": 42 }, body: "made" };
        },
        { maxBodyBytes: 1_000 },
      ),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("hands the handler an event of the same shape as API Gateway's, and answers its result", async () => {
    // Act
    const response = await fetch(`${base}/my/path?parameter1=value1&parameter1=value2&parameter2=value`, {
      method: "POST",
      headers: { Header1: "value1", cookie: "cookie1; cookie2", "user-agent": "agent" },
      body: "Hello from Lambda",
    });

    // Assess
    expect(response.status).toBe(201);
    expect(response.headers.get("x-answer")).toBe("42");
    expect(await response.text()).toBe("made");
    const event = seen.at(-1) as APIGatewayProxyEventV2;
    expect(shape({ ...event, headers: {} })).toEqual(shape({ ...fixture, headers: {} }));
    expect(event).toMatchObject({
      rawPath: "/my/path",
      rawQueryString: "parameter1=value1&parameter1=value2&parameter2=value",
      cookies: ["cookie1", "cookie2"],
      queryStringParameters: { parameter1: "value1,value2", parameter2: "value" },
      body: "Hello from Lambda",
      isBase64Encoded: false,
      requestContext: { http: { method: "POST", path: "/my/path", protocol: "HTTP/1.1", userAgent: "agent" } },
    });
    expect(event.headers.header1).toBe("value1");
    expect(event.headers.cookie).toBeUndefined();
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
  });

  it("refuses a body over the limit with 413 before the handler runs", async () => {
    const before = seen.length;

    const response = await fetch(`${base}/x`, { method: "POST", body: "x".repeat(1_001) });

    expect(response.status).toBe(413);
    expect(seen).toHaveLength(before);
  });
});
