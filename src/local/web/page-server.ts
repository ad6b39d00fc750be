/**
 * The live-likes page as `npm start` serves it beside the WebSocket emulator, on the emulator's
 * port: the files of web/, a `config.json` naming the WebSocket endpoint (as the deployed stack
 * writes one beside its page), and the security headers on every answer.
 *
 * @example
 * const emulator = await startWebSocketEmulator({
 *   port: 3001,
 *   routes,
 *   httpFallback: createPageServer({ root: "web" }),
 * });
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { pageSecurityHeaders } from "./page-security-headers.ts";
import { serveStatic } from "./static-files.ts";

export interface PageServerOptions {
  /** The directory of the browser client (web/). */
  readonly root: string;
}

export type PageServer = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** What the page reads to know its socket endpoint: exactly this shape, nothing more. */
export interface PageConfig {
  readonly websocketUrl: string;
}

export function createPageServer(options: PageServerOptions): PageServer {
  return async (request, response) => {
    // The emulator hands over the requests of its own port: that port is the endpoint.
    const port = request.socket.localPort;
    const endpoints = [`ws://localhost:${port}`, `ws://127.0.0.1:${port}`];
    const headers = pageSecurityHeaders(endpoints);
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(404, { ...headers, "Content-Type": "text/plain; charset=utf-8" }).end("Not Found");
      return;
    }
    const { pathname } = new URL(request.url ?? "/", "http://localhost");
    if (pathname === "/config.json") {
      // The host the page was opened on, so its socket (and the handshake probe) stays same-origin.
      const sameHost = endpoints.find((endpoint) => endpoint === `ws://${request.headers.host}`);
      const config: PageConfig = { websocketUrl: `${sameHost ?? endpoints[0]}/` };
      const body = JSON.stringify(config);
      response.writeHead(200, {
        ...headers,
        "Content-Type": "application/json",
        "Content-Length": Buffer.byteLength(body),
        "Cache-Control": "no-store",
      });
      response.end(request.method === "HEAD" ? undefined : body);
      return;
    }
    await serveStatic(request, response, options.root, headers);
  };
}
