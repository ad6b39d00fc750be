/**
 * Real event shapes from test/events/, cloned per use (structuredClone) so tests cannot leak
 * changes into each other.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { DynamoDBRecord, LambdaFunctionURLEvent } from "aws-lambda";
import type { WebSocketEvent } from "#handlers/websocket-event.ts";

function fixture<T>(path: string): T {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../events/${path}`, import.meta.url)), "utf8")) as T;
}

const websocket = {
  connect: fixture<WebSocketEvent>("apigw-websocket/connect.json"),
  disconnect: fixture<WebSocketEvent>("apigw-websocket/disconnect.json"),
  message: fixture<WebSocketEvent>("apigw-websocket/message.json"),
};

const hotPing = fixture<LambdaFunctionURLEvent>("lambda-function-url/hot-ping.json");

/** The page's hot ping through the function URL: `body` as given, base64-encoded on request. */
export function hotPingEvent(body: string, init: { method?: string; base64?: boolean } = {}): LambdaFunctionURLEvent {
  const event = structuredClone(hotPing);
  event.requestContext.http.method = init.method ?? "POST";
  event.body = init.base64 ? Buffer.from(body, "utf8").toString("base64") : body;
  event.isBase64Encoded = init.base64 ?? false;
  return event;
}

/** A WebSocket event of the given kind for one connection; `token` and `body` as given. */
export function websocketEvent(
  kind: keyof typeof websocket,
  connectionId: string,
  extra: { token?: string | null; body?: string } = {},
): WebSocketEvent {
  const event = structuredClone(websocket[kind]) as WebSocketEvent & {
    requestContext: { connectionId: string };
    queryStringParameters?: Record<string, string>;
    multiValueQueryStringParameters?: Record<string, string[]>;
    body?: string;
  };
  event.requestContext.connectionId = connectionId;
  if (kind === "connect") {
    const token = extra.token;
    // API Gateway leaves the query fields out when the URL has no query string.
    delete event.queryStringParameters;
    delete event.multiValueQueryStringParameters;
    if (token != null) {
      event.queryStringParameters = { token };
      event.multiValueQueryStringParameters = { token: [token] };
    }
  }
  if (extra.body !== undefined) event.body = extra.body;
  return event;
}

const stream = {
  insert: fixture<{ Records: DynamoDBRecord[] }>("dynamodb-stream/insert.json"),
  modify: fixture<{ Records: DynamoDBRecord[] }>("dynamodb-stream/modify.json"),
  remove: fixture<{ Records: DynamoDBRecord[] }>("dynamodb-stream/remove.json"),
};

/** The first record of a DynamoDB Streams fixture, cloned. */
export function streamRecord(kind: keyof typeof stream): DynamoDBRecord {
  return structuredClone(stream[kind].Records[0] as DynamoDBRecord);
}
