/** Serves a directory: `/` and any `…/` is its index.html, other paths are files under the root. */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, resolve, sep } from "node:path";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

export async function serveStatic(
  request: IncomingMessage,
  response: ServerResponse,
  webRoot: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<void> {
  const root = resolve(webRoot);
  const file = resolveInside(root, new URL(request.url ?? "/", "http://localhost").pathname);
  const info = file ? await stat(file).catch(() => undefined) : undefined;
  if (!file || !info?.isFile()) {
    response.writeHead(404, { ...headers, "Content-Type": "text/plain; charset=utf-8" }).end("Not Found");
    return;
  }
  response.writeHead(200, {
    ...headers,
    "Content-Type": CONTENT_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
    "Content-Length": info.size,
    // The client is edited while `npm start` runs; a reload should show the change.
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
  });
  if (request.method === "HEAD") return void response.end();
  createReadStream(file).pipe(response);
}

/** The file a URL path names, or undefined when it would leave the root (`..`, encoded or not). */
function resolveInside(root: string, pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0")) return undefined;
  const relative = decoded.endsWith("/") ? `${decoded}index.html` : decoded;
  const file = resolve(root, `.${relative}`);
  return file.startsWith(root + sep) ? file : undefined;
}
