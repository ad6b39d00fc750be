/** Recording route handlers for the emulator's tests (clients: test/support/ws-client.ts). */
import type { RouteHandler, RouteResult, WebSocketEvent } from "#local/aws/websocket-api/types.ts";

/** A route handler that remembers every event and answers `answer(event)` (default 200). */
export function recordingHandler(answer: (event: WebSocketEvent) => RouteResult = () => ({ statusCode: 200 })) {
  const events: WebSocketEvent[] = [];
  const handler: RouteHandler = async (event) => {
    events.push(event);
    return answer(event);
  };
  return { handler, events };
}
