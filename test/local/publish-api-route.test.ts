import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withPublishApi } from "#local/publish-api-route.ts";

describe("withPublishApi", () => {
  let server: Server;
  let base: string;
  let ready = false;

  beforeAll(async () => {
    server = createServer(
      withPublishApi(
        async (_request, response) => void response.writeHead(200).end("api"),
        async (_request, response) => void response.writeHead(200).end("page"),
        () => ready,
      ),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("answers /v1 with 503 and Retry-After until ready, then hands it to the API; the page keeps every other path", async () => {
    const early = await fetch(`${base}/v1/notifications`, { method: "POST" });
    expect(early.status).toBe(503);
    expect(early.headers.get("retry-after")).toBe("1");
    expect(await early.json()).toEqual({ error: { message: expect.any(String) } });

    ready = true;

    expect(await (await fetch(`${base}/v1/notifications`)).text()).toBe("api");
    expect(await (await fetch(`${base}/v1`)).text()).toBe("api");
    for (const path of ["/", "/config.json", "/v10", "/app.js"]) expect(await (await fetch(`${base}${path}`)).text()).toBe("page");
  });
});
