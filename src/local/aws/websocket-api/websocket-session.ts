/**
 * One accepted connection from open to close: frames go to their route in arrival order, the
 * idle and lifetime limits close it as API Gateway would, and closing runs `$disconnect`.
 */
import type { WebSocket } from "ws";
import type { ConnectionRegistry, LiveConnection } from "./connection-registry.ts";
import { createDisconnectEvent } from "./disconnect-event.ts";
import { FrameRateLimit } from "./frame-rate-limit.ts";
import { createMessageEvent } from "./message-event.ts";
import type { ConnectionFacts } from "./request-context.ts";
import { invokeRoute, type Log } from "./route-invoker.ts";
import { selectRoute } from "./route-selection.ts";
import type { Routes } from "./types.ts";

export interface SessionSettings {
  readonly routes: Routes;
  readonly registry: ConnectionRegistry;
  readonly idleTimeoutMs: number;
  readonly maxConnectionMs: number;
  readonly maxFramesPerSecond: number;
  readonly frameBurst: number;
  readonly log: Log;
  /** Called with the promise of each `$disconnect` run, so shutdown can wait for them. */
  readonly track: (work: Promise<unknown>) => void;
}

/** What ws reports as an error is what it closed with; the close event itself only says 1006. */
const CLOSE_CODE_OF_ERROR: Record<string, [number, string]> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: [1009, "Message too big"],
  WS_ERR_INVALID_UTF8: [1007, "Invalid frame payload data"],
};

export function startSession(socket: WebSocket, facts: ConnectionFacts, userAgent: string, settings: SessionSettings): LiveConnection {
  const { routes, registry, log } = settings;
  const routeKeys = new Set(Object.keys(routes));
  const connection: LiveConnection = { facts, socket, userAgent, lastActiveAt: facts.connectedAt };
  registry.add(connection);

  const goAway = () => socket.close(1001, "Going away");
  let idleTimer = setTimeout(goAway, settings.idleTimeoutMs);
  const lifetimeTimer = setTimeout(goAway, settings.maxConnectionMs);
  let queue: Promise<void> = Promise.resolve();
  let errorClose: [number, string] | undefined;
  const rateLimit = new FrameRateLimit(settings.maxFramesPerSecond, settings.frameBurst);
  const tooManyFrames = JSON.stringify({
    type: "error",
    message: `too many frames: at most ${settings.maxFramesPerSecond} a second; this one was dropped, send it again later`,
  });

  const reply = (frame: string) => {
    if (registry.get(facts.connectionId)) socket.send(frame);
  };
  const gatewayError = (message: string, requestId: string) =>
    reply(JSON.stringify({ message, connectionId: facts.connectionId, requestId }));

  const handleFrame = async (data: Buffer, isBinary: boolean) => {
    const routeKey = isBinary ? "$default" : selectRoute(data.toString("utf8"), routeKeys);
    const event = createMessageEvent(facts, routeKey, data, isBinary);
    const route = routes[routeKey];
    // With no route to take the frame, API Gateway answers the sender itself.
    if (!route) return gatewayError("Forbidden", event.requestContext.requestId);
    const result = await invokeRoute(routeKey, route, event, log);
    if (!result) return gatewayError("Internal server error", event.requestContext.requestId);
    if (route.returnResponse && typeof result.body === "string") reply(result.body);
  };

  socket.on("message", (data: Buffer, isBinary) => {
    connection.lastActiveAt = Date.now();
    clearTimeout(idleTimer);
    idleTimer = setTimeout(goAway, settings.idleTimeoutMs);
    // Over the limit: no route runs; the answer keeps its place among the replies.
    const work = rateLimit.take() ? () => handleFrame(data, isBinary) : () => reply(tooManyFrames);
    queue = queue.then(work).catch((error) => log(`frame on ${facts.connectionId} could not be handled`, error));
  });
  socket.on("error", (error: Error & { code?: string }) => {
    errorClose = CLOSE_CODE_OF_ERROR[error.code ?? ""] ?? [1002, "Protocol error"];
  });
  socket.on("close", (code: number, reason: Buffer) => {
    clearTimeout(idleTimer);
    clearTimeout(lifetimeTimer);
    registry.remove(facts.connectionId);
    const [statusCode, text] = errorClose ?? [code, reason.toString() || describeClose(code)];
    const route = routes.$disconnect;
    if (route) {
      settings.track(invokeRoute("$disconnect", route, createDisconnectEvent(facts, statusCode, text), log));
    }
  });
  return connection;
}

function describeClose(code: number): string {
  if (code === 1005) return "Client-side close frame status not set";
  if (code === 1006) return "Connection closed abnormally";
  return "";
}
