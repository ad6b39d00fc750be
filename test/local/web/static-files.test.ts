import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startWebSocketEmulator,
  type WebSocketEmulator,
} from "#local/aws/websocket-api/start-websocket-emulator.ts";

/** A raw request, so paths like `/../x` reach the server unnormalised, as a hostile client sends them. */
function get(port: number, path: string, method = "GET") {
  return new Promise<{ status: number; type: string | undefined; body: string }>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: res.headers["content-type"], body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("static files at GET /", () => {
  let emulator: WebSocketEmulator;
  let sandbox: WebSocketEmulator;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "web-root-"));
    mkdirSync(join(dir, "root"));
    writeFileSync(join(dir, "root", "index.html"), "<p>inside</p>");
    writeFileSync(join(dir, "secret.txt"), "outside the web root");
    emulator = await startWebSocketEmulator({ port: 0, routes: {}, webRoot: "web" });
    sandbox = await startWebSocketEmulator({ port: 0, routes: {}, webRoot: join(dir, "root") });
  });
  afterAll(async () => {
    await Promise.all([emulator.close(), sandbox.close()]);
  });

  it("serves the browser client's page at /, with or without a token in the query", async () => {
    // Act
    const [plain, withToken] = [await get(emulator.port, "/"), await get(emulator.port, "/?token=a.1.b")];

    // Assess
    expect(plain).toMatchObject({ status: 200, type: "text/html; charset=utf-8" });
    expect(plain.body).toContain('<script type="module" src="app.js">');
    expect(withToken.body).toBe(plain.body);
  });

  it("serves the module and the stylesheet with their content types", async () => {
    // Act
    const app = await get(emulator.port, "/app.js");
    const feed = await get(emulator.port, "/live-feed.js");
    const css = await get(emulator.port, "/style.css");

    // Assess
    expect([app.status, app.type]).toEqual([200, "text/javascript; charset=utf-8"]);
    expect(app.body).toContain('from "./live-feed.js"');
    expect(feed.type).toBe("text/javascript; charset=utf-8");
    expect(css.type).toBe("text/css; charset=utf-8");
  });

  it.each(["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/%2e%2e%5csecret.txt", "/index.html%00"])(
    "never serves a file outside the web root: %s",
    async (path) => {
      // Act
      const answer = await get(sandbox.port, path);

      // Assess
      expect(answer.status).toBe(404);
      expect(answer.body).not.toContain("outside the web root");
    },
  );

  it("answers 404 for a missing file and for other methods", async () => {
    // Act
    const [missing, post] = [await get(emulator.port, "/nope.js"), await get(emulator.port, "/", "POST")];

    // Assess
    expect(missing.status).toBe(404);
    expect(post.status).toBe(404);
  });

  it("is reachable at http://localhost as printed", async () => {
    // Act
    const response = await fetch(`http://localhost:${emulator.port}/`);

    // Assess
    expect(response.status).toBe(200);
  });
});
