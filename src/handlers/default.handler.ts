/**
 * $default ─▶ answer the client's frame: ping → pong; resume → the resume use case
 * (src/domain/resume.ts); anything else → an error frame. The connection always stays open.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { errorFrame, parseClientFrame, pongFrame } from "#domain/frames.ts";
import { type ResumePorts, resume } from "#domain/resume.ts";
import type { WebSocketEvent, WebSocketResult } from "./websocket-event.ts";

export interface DefaultDeps extends ResumePorts {
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
        const answer = await resume(connectionId, request.since, deps);
        if (answer.outcome === "gone") return { statusCode: 200 };
        if (answer.outcome === "resumed") {
          deps.logger.info("resumed", { connectionId, userId: answer.userId, count: answer.count });
        }
        return { statusCode: 200, body: answer.frame };
      }
    }
  };
}
