/**
 * $connect ─▶ verify the subscription token ─▶ revoked? ─▶ under the user's cap? ─▶ one row in
 * the connections table.
 * A missing, malformed, tampered, expired or revoked token answers 401, a user already at
 * `maxConnectionsPerUser` live connections 429; neither writes anything.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { isRevoked, verifyToken } from "#domain/token.ts";
import type { ConnectionStore, RevocationStore } from "#domain/ports.ts";
import type { WebSocketEvent, WebSocketResult } from "./websocket-event.ts";

/** API Gateway closes every WebSocket connection after 2 hours; the row should not outlive it. */
export const CONNECTION_LIFETIME_SECONDS = 2 * 3_600;
/** Tabs and devices of one person; far more is a leaked token or a loop (MAX_CONNECTIONS_PER_USER). */
export const DEFAULT_MAX_CONNECTIONS_PER_USER = 20;

export interface ConnectDeps {
  readonly connections: ConnectionStore;
  readonly revocations: RevocationStore;
  readonly tokenSecret: () => Promise<string>;
  readonly logger: Logger;
  /** Default DEFAULT_MAX_CONNECTIONS_PER_USER. */
  readonly maxConnectionsPerUser?: number;
  readonly now?: () => number;
}

export function createConnectHandler(deps: ConnectDeps) {
  const now = deps.now ?? Date.now;
  const maxConnections = deps.maxConnectionsPerUser ?? DEFAULT_MAX_CONNECTIONS_PER_USER;
  return async (event: WebSocketEvent): Promise<WebSocketResult> => {
    const connectionId = event.requestContext.connectionId;
    const nowMs = now();
    const nowSeconds = Math.floor(nowMs / 1000);
    const check = verifyToken(event.queryStringParameters?.token, await deps.tokenSecret(), nowSeconds);
    if (!check.ok) {
      // The reason helps an operator; the client only learns "401".
      deps.logger.info("connect refused", { connectionId, reason: check.reason });
      return { statusCode: 401, body: "Unauthorized" };
    }
    const { userId } = check;
    const [revokedAt, live] = await Promise.all([deps.revocations.revokedAt(userId), deps.connections.listByUser(userId, nowSeconds)]);
    if (isRevoked(check.issuedAt, revokedAt)) {
      deps.logger.info("connect refused", { connectionId, userId, reason: "revoked", issuedAt: check.issuedAt, revokedAt });
      return { statusCode: 401, body: "Unauthorized" };
    }
    // Connects racing each other can both pass: the cap is exact for one client opening tabs,
    // within a few for a burst, which is what it is for.
    if (live.length >= maxConnections) {
      deps.logger.warn("connect refused", { connectionId, userId, reason: "too-many-connections", live: live.length });
      return { statusCode: 429, body: "Too Many Requests" };
    }
    await deps.connections.save({
      connectionId,
      userId,
      connectedAt: nowMs,
      expiresAt: nowSeconds + CONNECTION_LIFETIME_SECONDS,
    });
    deps.logger.info("connected", { connectionId, userId });
    return { statusCode: 200 };
  };
}
