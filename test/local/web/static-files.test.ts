import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveStatic } from "#local/web/static-files.ts";

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

/** A server of `root` alone, on a free port. */
async function serve(root: string): Promise<{ port: number; server: Server }> {
  const server = createServer((req, res) => void serveStatic(req, res, root, { "X-Test": "yes" }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

describe("static files at GET /", () => {
  let web: { port: number; server: Server };
  let sandbox: { port: number; server: Server };

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "web-root-"));
    mkdirSync(join(dir, "root"));
    writeFileSync(join(dir, "root", "index.html"), "<p>inside</p>");
    writeFileSync(join(dir, "secret.txt"), "outside the web root");
    web = await serve("web");
    sandbox = await serve(join(dir, "root"));
  });
  afterAll(() => {
    web.server.close();
    sandbox.server.close();
  });

  it("serves the browser client's page at /, with or without a token in the query", async () => {
    // Act
    const [plain, withToken] = [await get(web.port, "/"), await get(web.port, "/?token=a.1.b")];

    // Assess
    expect(plain).toMatchObject({ status: 200, type: "text/html; charset=utf-8" });
    expect(plain.body).toContain('<script type="module" src="app.js">');
    expect(withToken.body).toBe(plain.body);
  });

  it("serves the module and the stylesheet with their content types", async () => {
    // Act
    const app = await get(web.port, "/app.js");
    const feed = await get(web.port, "/live-feed.js");
    const css = await get(web.port, "/style.css");

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

  it("answers 404 for a missing file, with the caller's headers on every answer", async () => {
    // Act
    const missing = await get(web.port, "/nope.js");
    const found = await fetch(`http://127.0.0.1:${web.port}/`);

    // Assess
    expect(missing.status).toBe(404);
    expect(found.headers.get("x-test")).toBe("yes");
    expect(found.headers.get("cache-control")).toBe("no-cache");
  });
});
