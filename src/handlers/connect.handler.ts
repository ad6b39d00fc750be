/**
 * $connect ─▶ verify the subscription token ─▶ one row in the connections table.
 * A missing, malformed, tampered or expired token answers 401 and writes nothing.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDbConnectionStore } from "#adapters/dynamodb/dynamodb-connection-store.ts";
import { readTokenSecret } from "#adapters/secrets/deployed-settings.ts";
import { verifyToken } from "#domain/token.ts";
import type { ConnectionStore } from "#domain/ports.ts";
import type { WebSocketEvent, WebSocketResult } from "./websocket-event.ts";

/** API Gateway closes every WebSocket connection after 2 hours; the row should not outlive it. */
export const CONNECTION_LIFETIME_SECONDS = 2 * 3_600;

export interface ConnectDeps {
  readonly connections: ConnectionStore;
  readonly tokenSecret: () => Promise<string>;
  readonly logger: Logger;
  readonly now?: () => number;
}

export function createConnectHandler(deps: ConnectDeps) {
  const now = deps.now ?? Date.now;
  return async (event: WebSocketEvent): Promise<WebSocketResult> => {
    const connectionId = event.requestContext.connectionId;
    const nowMs = now();
    const check = verifyToken(event.queryStringParameters?.token, await deps.tokenSecret(), Math.floor(nowMs / 1000));
    if (!check.ok) {
      // The reason helps an operator; the client only learns "401".
      deps.logger.info("connect refused", { connectionId, reason: check.reason });
      return { statusCode: 401, body: "Unauthorized" };
    }
    await deps.connections.save({
      connectionId,
      userId: check.userId,
      connectedAt: nowMs,
      expiresAt: Math.floor(nowMs / 1000) + CONNECTION_LIFETIME_SECONDS,
    });
    deps.logger.info("connected", { connectionId, userId: check.userId });
    return { statusCode: 200 };
  };
}

export const handler = createConnectHandler({
  connections: new DynamoDbConnectionStore(),
  tokenSecret: readTokenSecret,
  logger: new Logger(),
});
