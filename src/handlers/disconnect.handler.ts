/** $disconnect ─▶ delete the connection's row (TTL cleans up any row a lost disconnect leaves). */
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDbConnectionStore } from "#adapters/dynamodb/dynamodb-connection-store.ts";
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

export const handler = createDisconnectHandler({
  connections: new DynamoDbConnectionStore(),
  logger: new Logger(),
});
