/**
 * An API Gateway HTTP API route on a Node HTTP server: each request becomes a payload-2.0 event
 * (`APIGatewayProxyEventV2`) for the Lambda handler, and its structured result the response.
 * Mount it where the host routes requests, e.g. as the WebSocket emulator's `httpFallback` for
 * a path prefix.
 *
 * @example
 * const api = createHttpApiAdapter(handler);
 * httpFallback: (request, response) => (request.url?.startsWith("/v1/") ? api(request, response) : page(request, response));
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { createLambdaContext } from "../lambda-context.ts";

export type HttpApiHandler = (event: APIGatewayProxyEventV2, context?: unknown) => Promise<APIGatewayProxyStructuredResultV2>;

export interface HttpApiAdapterOptions {
  /** HTTP API refuses a request body over 10 MB with 413 before the function runs. */
  readonly maxBodyBytes?: number;
}

const HTTP_API_MAX_BODY_BYTES = 10 * 1024 * 1024;

export function createHttpApiAdapter(handler: HttpApiHandler, options: HttpApiAdapterOptions = {}) {
  const maxBodyBytes = options.maxBodyBytes ?? HTTP_API_MAX_BODY_BYTES;
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request, maxBodyBytes);
    if (body === undefined) {
      response.writeHead(413, { "content-type": "application/json" }).end('{"message":"Request Entity Too Large"}');
      return;
    }
    const result = await handler(httpApiEvent(request, body), createLambdaContext("http-api"));
    response.writeHead(result.statusCode ?? 200, { ...stringHeaders(result.headers) });
    response.end(result.body === undefined ? undefined : result.isBase64Encoded ? Buffer.from(result.body, "base64") : result.body);
  };
}

/** The payload-2.0 event of one request, as API Gateway builds it (lowercased headers, repeats joined by commas). */
export function httpApiEvent(request: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? "/", "http://localhost");
  const headers: Record<string, string> = {};
  let cookies: string[] = [];
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    // API Gateway hands cookies over apart, as a list.
    if (name.toLowerCase() === "cookie")
      cookies = [value]
        .flat()
        .flatMap((line) => line.split(/;\s*/))
        .filter(Boolean);
    else headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
  }
  const queryStringParameters: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    queryStringParameters[name] = name in queryStringParameters ? `${queryStringParameters[name]},${value}` : value;
  }
  const now = new Date();
  const method = request.method ?? "GET";
  const text = body.toString("utf8");
  // API Gateway base64-encodes a body that is not valid text; JSON always is.
  const isText = Buffer.from(text, "utf8").equals(body);
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(queryStringParameters).length > 0 ? { queryStringParameters } : {}),
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: headers.host ?? "localhost",
      domainPrefix: (headers.host ?? "localhost").split(".")[0] as string,
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: accessLogTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: isText ? text : body.toString("base64") } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `12/Mar/2020:19:03:58 +0000`: the access-log time API Gateway puts in `requestContext.time`. */
function accessLogTime(date: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  const day = `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}`;
  return `${day}:${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on("end", () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function stringHeaders(headers: APIGatewayProxyStructuredResultV2["headers"]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, String(value)]));
}
