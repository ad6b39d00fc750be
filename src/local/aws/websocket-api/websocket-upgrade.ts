/**
 * The HTTP upgrade of `ws://host/?token=…`: `$connect` decides, as on API Gateway. A non-2xx
 * result refuses the handshake with that status and nothing is registered; a throw answers 500.
 */
import { STATUS_CODES, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocketServer } from "ws";
import { createConnectEvent } from "./connect-event.ts";
import { createDisconnectEvent } from "./disconnect-event.ts";
import { gatewayId, type ConnectionFacts } from "./request-context.ts";
import { invokeRoute, isSuccess } from "./route-invoker.ts";
import { startSession, type SessionSettings } from "./websocket-session.ts";

export interface UpgradeSettings extends SessionSettings {
  readonly wss: WebSocketServer;
  readonly stage: string;
  /** Open sockets at most, counting those whose `$connect` is still running. */
  readonly maxConnections: number;
}

export function createUpgradeHandler(settings: UpgradeSettings) {
  const { wss, stage, routes, registry, log } = settings;
  let opening = 0;
  return async (request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    // A client that goes away mid-handshake must not crash the emulator.
    const dropBrokenSocket = () => socket.destroy();
    socket.on("error", dropBrokenSocket);
    const { pathname } = new URL(request.url ?? "/", "http://localhost");
    if (!["/", `/${stage}`, `/${stage}/`].includes(pathname)) return refuse(socket, 404, "Not Found");
    if (registry.size + opening >= settings.maxConnections) {
      return refuse(socket, 429, `Too many connections: at most ${settings.maxConnections} are open at once; retry later.`);
    }
    opening++;
    try {
      await accept(request, socket, head, dropBrokenSocket);
    } finally {
      opening--;
    }
  };

  async function accept(request: IncomingMessage, socket: Duplex, head: Buffer, dropBrokenSocket: () => void) {
    const facts: ConnectionFacts = {
      connectionId: gatewayId(),
      connectedAt: Date.now(),
      sourceIp: (request.socket.remoteAddress ?? "127.0.0.1").replace(/^::ffff:/, ""),
      stage,
      domainName: request.headers.host ?? "localhost",
    };
    const connect = routes.$connect;
    const result = connect ? await invokeRoute("$connect", connect, createConnectEvent(facts, request), log) : { statusCode: 200 };
    if (!result) return refuse(socket, 500, "Internal server error");
    if (!isSuccess(result)) {
      return refuse(socket, result.statusCode, result.body ?? STATUS_CODES[result.statusCode] ?? "");
    }
    if (socket.destroyed) {
      // The client left while $connect ran: AWS still reports the end of what it accepted.
      const disconnect = routes.$disconnect;
      if (disconnect) {
        const event = createDisconnectEvent(facts, 1006, "Connection closed abnormally");
        settings.track(invokeRoute("$disconnect", disconnect, event, log));
      }
      return;
    }
    socket.off("error", dropBrokenSocket);
    // Synchronous for a valid handshake: the session is registered before `opening` drops.
    wss.handleUpgrade(request, socket, head, (ws) => {
      startSession(ws, facts, request.headers["user-agent"] ?? "", settings);
    });
  }
}

function refuse(socket: Duplex, status: number, body: string): void {
  const payload = Buffer.from(body);
  const statusAndHeaders =
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Refused"}\r\n` +
    "Connection: close\r\n" +
    "Content-Type: text/plain; charset=utf-8\r\n" +
    `Content-Length: ${payload.length}\r\n\r\n`;
  socket.once("finish", () => socket.destroy());
  socket.end(Buffer.concat([Buffer.from(statusAndHeaders), payload]));
}
