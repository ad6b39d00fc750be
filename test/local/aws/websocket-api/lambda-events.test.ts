import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { startWebSocketEmulator, type WebSocketEmulator } from "#local/aws/websocket-api/start-websocket-emulator.ts";
import { waitFor } from "#test/support/wait-for.ts";
import { recordingHandler } from "./emulator-harness.ts";
import { connect } from "#test/support/ws-client.ts";

const fixture = (name: string): Record<string, unknown> =>
  structuredClone(JSON.parse(readFileSync(new URL(`../../../events/apigw-websocket/${name}`, import.meta.url), "utf8")));

/** Key paths with their value types, sorted, e.g. "requestContext.connectedAt: number". */
function shape(value: unknown, prefix = "", skip: readonly string[] = []): string[] {
  if (value === null || typeof value !== "object" || Array.isArray(value) || skip.includes(prefix)) {
    return [`${prefix}: ${value === null ? "null" : Array.isArray(value) ? "array" : typeof value}`];
  }
  return Object.entries(value)
    .flatMap(([key, child]) => shape(child, prefix ? `${prefix}.${key}` : key, skip))
    .sort();
}

/** Header names depend on the client; only their presence and form are compared. */
const VARIABLE = ["headers", "multiValueHeaders"];

describe("emulated Lambda events", () => {
  let emulator: WebSocketEmulator;
  afterEach(async () => {
    await emulator.close();
  });

  it("match API Gateway's connect, message and disconnect events key for key", async () => {
    // Prepare
    const [$connect, $default, $disconnect] = [recordingHandler(), recordingHandler(), recordingHandler()];
    emulator = await startWebSocketEmulator({ port: 0, stage: "prod", routes: { $connect, $default, $disconnect } });
    const client = await connect(`${emulator.url}/?token=qiita-writer.1795000000.c2lnbmF0dXJl`);

    // Act
    client.socket.send('{"action":"resume","since":"01JDQ8ZK7X6R0Q2V9M4T3N5B1C"}');
    await waitFor(() => $default.events[0]);
    client.socket.close(1001, "Going away");
    await waitFor(() => $disconnect.events[0]);

    // Assess
    expect(shape($connect.events[0], "", VARIABLE)).toEqual(shape(fixture("connect.json"), "", VARIABLE));
    expect(shape($default.events[0])).toEqual(shape(fixture("message.json")));
    expect(shape($disconnect.events[0])).toEqual(shape(fixture("disconnect.json")));
  });

  it("carry the values AWS would put there", async () => {
    // Prepare
    const [$connect, $default, $disconnect] = [recordingHandler(), recordingHandler(), recordingHandler()];
    emulator = await startWebSocketEmulator({ port: 0, stage: "prod", routes: { $connect, $default, $disconnect } });
    const client = await connect(`${emulator.url}/?token=t1&token=t2`, { "User-Agent": "wscat/6" });
    const host = `localhost:${emulator.port}`;

    // Act
    client.socket.send("plain text");
    await waitFor(() => $default.events[0]);
    client.socket.close();
    await waitFor(() => $disconnect.events[0]);

    // Assess
    const [connectEvent, messageEvent, disconnectEvent] = [$connect.events[0]!, $default.events[0]!, $disconnect.events[0]!];
    const connectionId = connectEvent.requestContext.connectionId;
    expect(connectionId).toMatch(/^[A-Za-z0-9_-]{15}=$/);
    expect(connectEvent.queryStringParameters).toEqual({ token: "t2" });
    expect(connectEvent.multiValueQueryStringParameters).toEqual({ token: ["t1", "t2"] });
    expect(connectEvent.headers).toMatchObject({ Host: host, "User-Agent": "wscat/6", "X-Forwarded-Proto": "http" });
    expect(connectEvent.multiValueHeaders?.Host).toEqual([host]);
    expect(connectEvent.requestContext).toMatchObject({ eventType: "CONNECT", routeKey: "$connect", stage: "prod", domainName: host });
    expect(connectEvent.requestContext.requestTime).toMatch(/^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
    expect(messageEvent.requestContext).toMatchObject({ eventType: "MESSAGE", routeKey: "$default", connectionId, messageDirection: "IN" });
    expect(messageEvent.requestContext.connectedAt).toBe(connectEvent.requestContext.connectedAt);
    expect(messageEvent).toMatchObject({ body: "plain text", isBase64Encoded: false });
    expect(disconnectEvent.requestContext).toMatchObject({
      eventType: "DISCONNECT",
      connectionId,
      disconnectStatusCode: 1005,
      disconnectReason: "Client-side close frame status not set",
    });
  });
});
