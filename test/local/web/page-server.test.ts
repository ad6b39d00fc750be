/**
 * The page server behind the WebSocket emulator's `httpFallback`, as `npm start` wires it: the
 * page, its config.json and its security headers on the emulator's port, `@connections` still
 * the emulator's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebSocketEmulator, type WebSocketEmulator } from "#local/aws/websocket-api/start-websocket-emulator.ts";
import { createPageServer } from "#local/web/page-server.ts";
import { pageSecurityHeaders } from "#local/web/page-security-headers.ts";

describe("page server on the emulator's port", () => {
  let emulator: WebSocketEmulator;
  let bare: WebSocketEmulator;
  const at = (path: string, host = "127.0.0.1") => `http://${host}:${emulator.port}${path}`;

  beforeAll(async () => {
    emulator = await startWebSocketEmulator({ port: 0, routes: {}, httpFallback: createPageServer({ root: "web" }) });
    bare = await startWebSocketEmulator({ port: 0, routes: {} });
  });
  afterAll(async () => {
    await Promise.all([emulator.close(), bare.close()]);
  });

  it("serves the page at /, with or without a token in the query, at http://localhost as printed", async () => {
    // Act
    const plain = await fetch(at("/", "localhost"));
    const withToken = await fetch(at("/?token=a.1.b"));

    // Assess
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const body = await plain.text();
    expect(body).toContain('<script type="module" src="app.js">');
    expect(await withToken.text()).toBe(body);
  });

  it("limits what the page connects to, to its origin and the emulator's own endpoints, by HTTP header", async () => {
    // Act
    const page = await fetch(at("/"));
    const script = await fetch(at("/app.js"));
    const missing = await fetch(at("/nope.js"));

    // Assess
    const policy = page.headers.get("content-security-policy");
    expect(policy).toContain(`connect-src 'self' ws://localhost:${emulator.port} ws://127.0.0.1:${emulator.port};`);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(script.headers.get("content-security-policy")).toBe(policy);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-security-policy")).toBe(policy);
  });

  it("has no CSP <meta> left that could widen connect-src", async () => {
    // Act
    const body = await (await fetch(at("/"))).text();

    // Assess
    expect(body).not.toMatch(/http-equiv=["']?content-security-policy/i);
  });

  it("names the emulator as the socket endpoint in config.json, on the host the page was opened with", async () => {
    // Act
    const byAddress = await fetch(at("/config.json"));
    const byName = await (await fetch(at("/config.json", "localhost"))).json();

    // Assess
    expect(byAddress.headers.get("content-type")).toBe("application/json");
    expect(byAddress.headers.get("cache-control")).toBe("no-store");
    expect(await byAddress.json()).toEqual({ websocketUrl: `ws://127.0.0.1:${emulator.port}/` });
    expect(byName).toEqual({ websocketUrl: `ws://localhost:${emulator.port}/` });
  });

  it("never names a host it was not opened on, whatever the Host header says", async () => {
    // Act: Node's fetch will not forge Host, so ask with a raw request
    const { request } = await import("node:http");
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port: emulator.port, path: "/config.json", headers: { host: "attacker.example" } },
        (res) => {
          let text = "";
          res.on("data", (chunk: Buffer) => (text += chunk.toString()));
          res.on("end", () => resolve(text));
        },
      );
      req.on("error", reject);
      req.end();
    });

    // Assess
    expect(JSON.parse(body)).toEqual({ websocketUrl: `ws://localhost:${emulator.port}/` });
  });

  it("answers HEAD like GET without a body, and 404 to other methods", async () => {
    // Act
    const head = await fetch(at("/"), { method: "HEAD" });
    const post = await fetch(at("/"), { method: "POST", body: "x" });

    // Assess
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect(post.status).toBe(404);
  });

  it("leaves @connections to the emulator", async () => {
    // Act
    const gone = await fetch(at("/@connections/nobody"));

    // Assess
    expect(gone.status).toBe(410);
    expect(gone.headers.get("x-amzn-errortype")).toBe("GoneException");
  });

  it("is the emulator's only page: without a fallback the emulator serves nothing but its APIs", async () => {
    // Act
    const page = await fetch(`http://127.0.0.1:${bare.port}/`);

    // Assess
    expect(page.status).toBe(404);
  });
});

describe("pageSecurityHeaders", () => {
  it("lists each endpoint's origin once, after 'self'", () => {
    // Act
    const headers = pageSecurityHeaders([
      "wss://abc.execute-api.ap-northeast-1.amazonaws.com/prod",
      "wss://abc.execute-api.ap-northeast-1.amazonaws.com/prod/",
    ]);

    // Assess
    expect(headers["Content-Security-Policy"]).toContain("connect-src 'self' wss://abc.execute-api.ap-northeast-1.amazonaws.com;");
    expect(headers["Referrer-Policy"]).toBe("no-referrer");
  });
});
