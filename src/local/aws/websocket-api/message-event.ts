/** The event of one incoming frame, for whichever route was selected. */
import { createRequestContext, gatewayId, type ConnectionFacts } from "./request-context.ts";
import type { WebSocketEvent } from "./types.ts";

export function createMessageEvent(facts: ConnectionFacts, routeKey: string, data: Buffer, isBinary: boolean): WebSocketEvent {
  const requestContext = createRequestContext(facts, routeKey, "MESSAGE");
  requestContext.messageId = gatewayId();
  return {
    requestContext,
    body: data.toString(isBinary ? "base64" : "utf8"),
    isBase64Encoded: isBinary,
  };
}
