/**
 * The Management API's `@connections/{connectionId}` routes, answering as AWS does so the real
 * `ApiGatewayManagementApiClient` works unchanged: errors carry `x-amzn-ErrorType`, which is
 * what the SDK turns into `GoneException`, `PayloadTooLargeException` and so on.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ConnectionRegistry } from "./connection-registry.ts";

/** PostToConnection accepts at most 128 KB of data. */
export const MAX_POST_BYTES = 128 * 1024;

export async function handleConnectionsRequest(
  request: IncomingMessage,
  response: ServerResponse,
  connectionId: string,
  registry: ConnectionRegistry,
): Promise<void> {
  response.setHeader("x-amzn-RequestId", randomUUID());
  const method = request.method ?? "GET";
  if (!["GET", "POST", "DELETE"].includes(method)) {
    request.resume();
    return sendError(response, 403, "ForbiddenException", "Missing Authentication Token");
  }
  let body: Buffer = Buffer.alloc(0);
  if (method === "POST") {
    const read = await readBody(request, MAX_POST_BYTES);
    if (read === "too-large") {
      return sendError(
        response,
        413,
        "PayloadTooLargeException",
        `Message too long: PostToConnection takes at most ${MAX_POST_BYTES} bytes; split the data.`,
      );
    }
    body = read;
  } else {
    request.resume();
  }
  const connection = registry.get(connectionId);
  if (!connection) {
    return sendError(response, 410, "GoneException", `Connection ${connectionId} is gone (closed or never existed); forget it.`);
  }
  if (method === "POST") {
    connection.socket.send(body, { binary: false });
    response.writeHead(200).end();
  } else if (method === "GET") {
    const answer = {
      connectedAt: new Date(connection.facts.connectedAt).toISOString(),
      identity: { sourceIp: connection.facts.sourceIp, userAgent: connection.userAgent },
      lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
    };
    response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(answer));
  } else {
    connection.socket.close(1000, "");
    response.writeHead(204).end();
  }
}

function sendError(response: ServerResponse, status: number, type: string, message: string): void {
  response.writeHead(status, { "Content-Type": "application/json", "x-amzn-ErrorType": type }).end(JSON.stringify({ message }));
}

/** The whole body, or "too-large" as soon as it passes `limit` (the rest is drained unread). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | "too-large"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.on("end", () => resolve(size > limit ? "too-large" : Buffer.concat(chunks)));
    request.on("error", reject);
  });
}
