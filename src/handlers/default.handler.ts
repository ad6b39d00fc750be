/**
 * $default ─▶ answer the client's frame: ping → pong; resume → replay the like frames it missed,
 * then `resumed`; anything else → an error frame. The connection always stays open.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { ManagementApiPoster } from "#adapters/apigateway/management-api-poster.ts";
import { DynamoDbConnectionStore } from "#adapters/dynamodb/dynamodb-connection-store.ts";
import { DynamoDbEventLog } from "#adapters/dynamodb/dynamodb-event-log.ts";
import { errorFrame, FROM_THE_START, likeFrame, parseClientFrame, pongFrame, resumedFrame } from "#domain/frames.ts";
import type { ConnectionStore, EventLog, FramePoster } from "#domain/ports.ts";
import type { WebSocketEvent, WebSocketResult } from "./websocket-event.ts";

/** Likes a first page load gets: a screenful, not a day's worth of frames. */
export const RECENT_ON_FIRST_LOAD = 100;

export interface DefaultDeps {
  readonly connections: ConnectionStore;
  readonly events: EventLog;
  readonly poster: FramePoster;
  readonly logger: Logger;
}

export function createDefaultHandler(deps: DefaultDeps) {
  return async (event: WebSocketEvent): Promise<WebSocketResult> => {
    const connectionId = event.requestContext.connectionId;
    const request = parseClientFrame(event.body);
    switch (request.action) {
      case "ping":
        return { statusCode: 200, body: pongFrame() };
      case "invalid":
        return { statusCode: 200, body: errorFrame(request.message) };
      case "resume": {
        // The connection row says whose feed this is: a client can only resume its own likes.
        const connection = await deps.connections.get(connectionId);
        if (!connection) return { statusCode: 200, body: errorFrame("unknown connection: reconnect") };
        // A first load has missed nothing; it gets the recent likes to fill the page.
        const missed =
          request.since === FROM_THE_START
            ? await deps.events.recent(connection.userId, RECENT_ON_FIRST_LOAD)
            : await deps.events.since(connection.userId, request.since);
        // One at a time, so frames arrive in the order they were first sent.
        for (const like of missed) {
          if ((await deps.poster.post(connectionId, likeFrame(like))) === "gone") {
            await deps.connections.remove(connectionId);
            return { statusCode: 200 };
          }
        }
        deps.logger.info("resumed", { connectionId, userId: connection.userId, count: missed.length });
        return { statusCode: 200, body: resumedFrame(missed.length) };
      }
    }
  };
}

export const handler = createDefaultHandler({
  connections: new DynamoDbConnectionStore(),
  events: new DynamoDbEventLog(),
  poster: new ManagementApiPoster({ endpoint: process.env.MANAGEMENT_API_ENDPOINT }),
  logger: new Logger(),
});
