/**
 * The emulator's port serves the page and, under `/v1`, the publish API (as API Gateway's HTTP
 * API would): this splits its `httpFallback` between them.
 *
 * @example
 * httpFallback: withPublishApi(createHttpApiAdapter(publishHandler), createPageServer({ root }), () => pollerRunning),
 */
import type { IncomingMessage, ServerResponse } from "node:http";

type Listener = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** `/v1` to `api` once `ready()` (503 with Retry-After before), every other path to `page`. */
export function withPublishApi(api: Listener, page: Listener, ready: () => boolean) {
  return async (request: IncomingMessage, response: ServerResponse) => {
    const { pathname } = new URL(request.url ?? "/", "http://localhost");
    if (pathname !== "/v1" && !pathname.startsWith("/v1/")) return page(request, response);
    if (ready()) return api(request, response);
    response
      .writeHead(503, { "content-type": "application/json", "retry-after": "1" })
      .end(JSON.stringify({ error: { message: "npm start is still starting: try again in a second" } }));
  };
}
