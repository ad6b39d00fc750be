/** The `requestContext` API Gateway puts on every WebSocket event. */
import { randomBytes } from "node:crypto";
import type { WebSocketRequestContext } from "./types.ts";

export interface ConnectionFacts {
  readonly connectionId: string;
  readonly connectedAt: number;
  readonly sourceIp: string;
  readonly stage: string;
  readonly domainName: string;
}

export const LOCAL_API_ID = "local";

/** API Gateway's ids: 16 characters of base64 ending in "=", e.g. "BFaT_fALIAMCKug=". */
export function gatewayId(): string {
  return `${randomBytes(11).toString("base64url")}=`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Common Log Format time, as in `requestTime`: "11/Nov/2024:13:51:49 +0000". */
export function clfTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, "0");
  return (
    `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
  );
}

export function createRequestContext(
  facts: ConnectionFacts,
  routeKey: string,
  eventType: WebSocketRequestContext["eventType"],
): WebSocketRequestContext {
  const now = Date.now();
  const requestId = gatewayId();
  // AWS sends messageId on MESSAGE events only; the factory for those adds it.
  const context: Omit<WebSocketRequestContext, "messageId"> = {
    routeKey,
    eventType,
    extendedRequestId: requestId,
    requestTime: clfTime(now),
    messageDirection: "IN",
    stage: facts.stage,
    connectedAt: facts.connectedAt,
    requestTimeEpoch: now,
    identity: { sourceIp: facts.sourceIp },
    requestId,
    domainName: facts.domainName,
    connectionId: facts.connectionId,
    apiId: LOCAL_API_ID,
  };
  return context as WebSocketRequestContext;
}
