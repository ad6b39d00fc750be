/**
 * A local API Gateway WebSocket API on one port: the `ws://` endpoint running the Lambda route
 * handlers in-process, the Management API at `/@connections/{id}`, and any other HTTP request
 * handed to `httpFallback` (what else the host serves on that port; 404 without one).
 *
 * @example
 * const emulator = await startWebSocketEmulator({
 *   port: 3001,
 *   routes: { $connect: { handler: connect }, $default: { handler: onMessage, returnResponse: true } },
 *   httpFallback: (request, response) => void response.writeHead(404).end(),
 * });
 * new ApiGatewayManagementApiClient({ endpoint: emulator.managementEndpoint });
 */
import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { ConnectionRegistry } from "./connection-registry.ts";
import { handleConnectionsRequest } from "./connections-controller.ts";
import type { Log } from "./route-invoker.ts";
import type { EmulatorOptions } from "./types.ts";
import { createUpgradeHandler } from "./websocket-upgrade.ts";

/** API Gateway's frame limit: a bigger frame closes the connection with 1009. */
export const MAX_FRAME_BYTES = 32 * 1024;

export interface WebSocketEmulator {
  /** `ws://localhost:PORT` — add `/?token=…`. */
  readonly url: string;
  /** `http://localhost:PORT` — the Management API endpoint for the AWS SDK. */
  readonly managementEndpoint: string;
  readonly port: number;
  /** Ids of the open connections. */
  connectionIds(): string[];
  /** Closes every connection (running `$disconnect`), then the server. */
  close(): Promise<void>;
}

export async function startWebSocketEmulator(options: EmulatorOptions): Promise<WebSocketEmulator> {
  const stage = options.stage ?? "local";
  const log: Log = options.log ?? ((message, error) => console.error(message, error ?? ""));
  const registry = new ConnectionRegistry();
  const pending = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const onUpgrade = createUpgradeHandler({
    wss,
    stage,
    routes: options.routes,
    registry,
    idleTimeoutMs: (options.idleTimeoutSeconds ?? 600) * 1000,
    maxConnectionMs: (options.maxConnectionSeconds ?? 7200) * 1000,
    maxConnections: options.maxConnections ?? 2_000,
    maxFramesPerSecond: options.maxFramesPerSecond ?? 20,
    frameBurst: options.frameBurst ?? options.maxFramesPerSecond ?? 20,
    log,
    track,
  });
  const connectionsPath = new RegExp(`^(?:/${escapeRegExp(stage)})?/@connections/([^/]+)$`);
  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    const { pathname } = new URL(request.url ?? "/", "http://localhost");
    const match = connectionsPath.exec(pathname);
    let work: Promise<void>;
    if (match) {
      work = handleConnectionsRequest(request, response, safeDecode(match[1] ?? ""), registry);
    } else if (options.httpFallback) {
      work = Promise.resolve().then(() => options.httpFallback?.(request, response));
    } else {
      response.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("Not Found");
      return;
    }
    work.catch((error) => {
      log(`${request.method} ${pathname} failed`, error);
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  };

  const servers = await listen(options.port, options.host, headerLimits(options.headersTimeoutSeconds ?? 10), (server) => {
    server.on("request", onRequest);
    server.on("upgrade", (request, socket, head) => void onUpgrade(request, socket, head));
  });
  const port = (servers[0]!.address() as AddressInfo).port;

  return {
    url: `ws://localhost:${port}`,
    managementEndpoint: `http://localhost:${port}`,
    port,
    connectionIds: () => registry.ids(),
    async close() {
      await Promise.all(registry.all().map(({ socket }) => closeSocket(socket)));
      await Promise.allSettled([...pending]);
      wss.close();
      await Promise.all(
        servers.map((server) => {
          server.closeAllConnections();
          return new Promise<void>((done) => server.close(() => done()));
        }),
      );
    },
  };
}

/**
 * A client that opens a socket and sends half a request (slowloris) is dropped once the headers
 * are late, upgrades included: until then each one holds a socket and a file descriptor. Node
 * checks these deadlines only every `connectionsCheckingInterval` (30 s by default).
 */
function headerLimits(headersTimeoutSeconds: number): ServerOptions {
  const headersTimeout = Math.round(headersTimeoutSeconds * 1000);
  return {
    headersTimeout,
    // Node requires requestTimeout ≥ headersTimeout; a Management API call is small.
    requestTimeout: Math.max(headersTimeout, 30_000),
    connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(headersTimeout / 4))),
  };
}

/**
 * Without a host: both loopback addresses on one port, since `localhost` resolves to ::1 on
 * some machines and 127.0.0.1 on others. A machine without IPv6 just gets the first.
 */
async function listen(port: number, host: string | undefined, serverOptions: ServerOptions, setUp: (server: Server) => void) {
  const hosts = host ? [host] : ["127.0.0.1", "::1"];
  const servers: Server[] = [];
  for (const [index, address] of hosts.entries()) {
    const server = createServer(serverOptions);
    setUp(server);
    const chosenPort = index === 0 ? port : (servers[0]!.address() as AddressInfo).port;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(chosenPort, address, () => resolve());
      });
      servers.push(server);
    } catch (error) {
      if (index === 0) throw error;
    }
  }
  return servers;
}

function closeSocket(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    // A peer that never answers the close frame is cut off, as API Gateway would.
    const timer = setTimeout(() => socket.terminate(), 2_000);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.close(1001, "Going away");
  });
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
