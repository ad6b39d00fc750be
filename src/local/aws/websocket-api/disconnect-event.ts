/** The `$disconnect` event: no request to copy, so AWS sends a fixed, mostly empty header set. */
import { createRequestContext, type ConnectionFacts } from "./request-context.ts";
import type { WebSocketEvent } from "./types.ts";

export function createDisconnectEvent(facts: ConnectionFacts, statusCode: number, reason: string): WebSocketEvent {
  const headers = { Host: facts.domainName, "x-api-key": "", "X-Forwarded-For": "", "x-restapi": "" };
  const requestContext = createRequestContext(facts, "$disconnect", "DISCONNECT");
  requestContext.disconnectStatusCode = statusCode;
  requestContext.disconnectReason = reason;
  return {
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    requestContext,
    isBase64Encoded: false,
  };
}
