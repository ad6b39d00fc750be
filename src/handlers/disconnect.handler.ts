/** $disconnect ─▶ delete the connection's row (TTL cleans up any row a lost disconnect leaves). */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { ConnectionStore } from "#domain/ports.ts";
import type { WebSocketEvent, WebSocketResult } from "./websocket-event.ts";

export interface DisconnectDeps {
  readonly connections: ConnectionStore;
  readonly logger: Logger;
}

export function createDisconnectHandler(deps: DisconnectDeps) {
  return async (event: WebSocketEvent): Promise<WebSocketResult> => {
    await deps.connections.remove(event.requestContext.connectionId);
    deps.logger.info("disconnected", { connectionId: event.requestContext.connectionId });
    return { statusCode: 200 };
  };
}
