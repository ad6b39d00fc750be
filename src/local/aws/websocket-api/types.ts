/** The shapes the emulator shares with the Lambda handlers it runs. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type {
  APIGatewayEventWebsocketRequestContextV2,
  APIGatewayProxyEventHeaders,
  APIGatewayProxyEventMultiValueHeaders,
  APIGatewayProxyWebsocketEventV2,
  Context,
} from "aws-lambda";

/**
 * What API Gateway puts in `requestContext`. `@types/aws-lambda` marks `messageId` required,
 * but AWS sends it on MESSAGE events only; `identity` and the disconnect fields are missing there.
 */
export interface WebSocketRequestContext extends APIGatewayEventWebsocketRequestContextV2 {
  identity: { sourceIp: string; userAgent?: string };
  disconnectStatusCode?: number;
  disconnectReason?: string;
}

/** An API Gateway WebSocket proxy event; CONNECT and DISCONNECT also carry headers. */
export interface WebSocketEvent extends APIGatewayProxyWebsocketEventV2 {
  requestContext: WebSocketRequestContext;
  headers?: APIGatewayProxyEventHeaders;
  multiValueHeaders?: APIGatewayProxyEventMultiValueHeaders;
}

export interface RouteResult {
  statusCode: number;
  body?: string;
}

/** A Lambda handler as API Gateway invokes it for a WebSocket route. */
export type RouteHandler = (event: WebSocketEvent, context: Context) => Promise<RouteResult>;

export interface RouteConfig {
  readonly handler: RouteHandler;
  /** Send the handler's `body` back to the socket, like a route with a route response. */
  readonly returnResponse?: boolean;
  /** Shown as `context.functionName`; defaults to one derived from the route key. */
  readonly functionName?: string;
}

/** Route keys: "$connect", "$disconnect", "$default" and custom `action` values. */
export type Routes = Readonly<Record<string, RouteConfig>>;

export interface EmulatorOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Default: both loopback addresses, so `localhost` works whichever one it resolves to. */
  readonly host?: string;
  /** The stage name events carry; `/{stage}/@connections/…` is accepted too. Default "local". */
  readonly stage?: string;
  readonly routes: Routes;
  /**
   * Called for every HTTP request that is not `@connections` (any method), e.g. a page server;
   * it must answer. Without it such requests get 404. A rejection answers 500.
   */
  readonly httpFallback?: (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;
  /** API Gateway closes every connection after 2 hours. */
  readonly maxConnectionSeconds?: number;
  /** API Gateway closes a connection after 10 minutes without a message from the client. */
  readonly idleTimeoutSeconds?: number;
  /** Open sockets at most; beyond, an upgrade is refused with 429 before `$connect`. Default 2,000. */
  readonly maxConnections?: number;
  /** A client must send a request's headers within this time or is dropped. Default 10 s. */
  readonly headersTimeoutSeconds?: number;
  /** Client frames a connection may send per second; beyond, an error frame answers. Default 20. */
  readonly maxFramesPerSecond?: number;
  /** Frames a connection may send at once before the per-second rate applies. Default 20. */
  readonly frameBurst?: number;
  /** Where handler failures are reported; default console.error. */
  readonly log?: (message: string, error?: unknown) => void;
}
