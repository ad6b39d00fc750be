/** The `$connect` event: the upgrade request's headers and query string, as AWS passes them. */
import type { IncomingMessage } from "node:http";
import { createRequestContext, type ConnectionFacts } from "./request-context.ts";
import type { WebSocketEvent } from "./types.ts";

export function createConnectEvent(facts: ConnectionFacts, request: IncomingMessage): WebSocketEvent {
  const multiValueHeaders: Record<string, string[]> = {};
  const raw = request.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), raw[i + 1] as string];
  }
  // API Gateway terminates the connection and tells the integration where it came from.
  multiValueHeaders["X-Forwarded-For"] = [facts.sourceIp];
  multiValueHeaders["X-Forwarded-Port"] = [String(request.socket.localPort ?? "")];
  multiValueHeaders["X-Forwarded-Proto"] = ["http"];

  const event: WebSocketEvent = {
    headers: lastValues(multiValueHeaders),
    multiValueHeaders,
    requestContext: createRequestContext(facts, "$connect", "CONNECT"),
    isBase64Encoded: false,
  };
  const query = new URL(request.url ?? "/", "http://localhost").searchParams;
  if (query.size > 0) {
    const multiValueQuery: Record<string, string[]> = {};
    for (const [name, value] of query) multiValueQuery[name] = [...(multiValueQuery[name] ?? []), value];
    event.queryStringParameters = lastValues(multiValueQuery);
    event.multiValueQueryStringParameters = multiValueQuery;
  }
  return event;
}

/** AWS's single-value maps keep the last value of a repeated name. */
function lastValues(multi: Record<string, string[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(multi).map(([name, values]) => [name, values.at(-1) ?? ""]));
}
