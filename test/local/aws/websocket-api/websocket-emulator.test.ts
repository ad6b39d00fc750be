import { afterEach, describe, expect, it } from "vitest";
import { startWebSocketEmulator, type WebSocketEmulator } from "#local/aws/websocket-api/start-websocket-emulator.ts";
import type { EmulatorOptions } from "#local/aws/websocket-api/types.ts";
import { waitFor } from "#test/support/wait-for.ts";
import { recordingHandler } from "./emulator-harness.ts";
import { connect, refusedStatus } from "#test/support/ws-client.ts";

describe("startWebSocketEmulator", () => {
  let emulator: WebSocketEmulator | undefined;
  const logged: string[] = [];
  const start = async (options: Omit<EmulatorOptions, "port">) => {
    emulator = await startWebSocketEmulator({ port: 0, log: (m) => logged.push(m), ...options });
    return emulator;
  };
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
    logged.length = 0;
  });

  it("runs $connect with the token from the query string and registers the connection", async () => {
    // Prepare
    const $connect = recordingHandler();
    const { url, connectionIds } = await start({ routes: { $connect } });

    // Act
    await connect(`${url}/?token=abc`);

    // Assess
    expect($connect.events).toHaveLength(1);
    expect($connect.events[0]?.queryStringParameters).toEqual({ token: "abc" });
    expect(connectionIds()).toEqual([$connect.events[0]?.requestContext.connectionId]);
  });

  it("refuses the handshake with the handler's status and registers nothing", async () => {
    // Prepare
    const $connect = recordingHandler(() => ({ statusCode: 401, body: "Unauthorized" }));
    const $disconnect = recordingHandler();
    const { url, connectionIds } = await start({ routes: { $connect, $disconnect } });

    // Act
    const refused = await refusedStatus(`${url}/?token=bad`);

    // Assess
    expect(refused).toEqual({ status: 401, body: "Unauthorized" });
    expect(connectionIds()).toEqual([]);
    expect($disconnect.events).toEqual([]);
  });

  it("answers 500 when $connect throws", async () => {
    // Prepare
    const { url, connectionIds } = await start({
      routes: { $connect: { handler: () => Promise.reject(new Error("table missing")) } },
    });

    // Act
    const refused = await refusedStatus(url);

    // Assess
    expect(refused.status).toBe(500);
    expect(connectionIds()).toEqual([]);
    expect(logged.join()).toContain("$connect");
  });

  it("routes a frame by its action and falls back to $default", async () => {
    // Prepare
    const resume = recordingHandler();
    const $default = recordingHandler();
    const { url } = await start({ routes: { resume, $default } });
    const client = await connect(url);

    // Act
    client.socket.send(JSON.stringify({ action: "resume", since: "01" }));
    client.socket.send(JSON.stringify({ action: "unknown" }));
    client.socket.send("not json");

    // Assess
    await waitFor(() => ($default.events.length === 2 ? true : undefined));
    expect(resume.events.map((e) => [e.requestContext.routeKey, e.body])).toEqual([["resume", '{"action":"resume","since":"01"}']]);
    expect($default.events.map((e) => [e.requestContext.routeKey, e.body])).toEqual([
      ["$default", '{"action":"unknown"}'],
      ["$default", "not json"],
    ]);
  });

  it("sends the result body back only when the route returns its response", async () => {
    // Prepare
    const ping = recordingHandler(() => ({ statusCode: 200, body: '{"type":"pong"}' }));
    const $default = recordingHandler(() => ({ statusCode: 200, body: "not returned" }));
    const { url } = await start({ routes: { ping: { ...ping, returnResponse: true }, $default } });
    const client = await connect(url);

    // Act
    client.socket.send('{"action":"other"}');
    client.socket.send('{"action":"ping"}');

    // Assess
    expect(await client.framesAfter(1)).toEqual(['{"type":"pong"}']);
    expect($default.events).toHaveLength(1);
  });

  it("answers a frame no route takes, or whose handler throws, as API Gateway does", async () => {
    // Prepare
    const { url } = await start({
      routes: { boom: { handler: () => Promise.reject(new Error("bug")) } },
    });
    const client = await connect(url);

    // Act
    client.socket.send("hello");
    client.socket.send('{"action":"boom"}');

    // Assess
    const [first, second] = (await client.framesAfter(2)).map((f) => JSON.parse(f));
    expect(first).toMatchObject({ message: "Forbidden" });
    expect(second).toMatchObject({ message: "Internal server error" });
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  });

  it("closes a connection sending a frame over 32 KB with 1009 and leaves the others alone", async () => {
    // Prepare
    const $default = recordingHandler(() => ({ statusCode: 200, body: "ok" }));
    const $disconnect = recordingHandler();
    const { url } = await start({ routes: { $default: { ...$default, returnResponse: true }, $disconnect } });
    const [big, other] = [await connect(url), await connect(url)];
    big.socket.send("x".repeat(32 * 1024));
    await big.framesAfter(1);

    // Act
    big.socket.send("x".repeat(32 * 1024 + 1));

    // Assess
    expect((await big.closed).code).toBe(1009);
    const event = await waitFor(() => $disconnect.events[0]);
    expect(event.requestContext).toMatchObject({ disconnectStatusCode: 1009, eventType: "DISCONNECT" });
    other.socket.send("still here");
    expect(await other.framesAfter(1)).toEqual(["ok"]);
  });

  it("runs $disconnect with the close code and reason when the client closes", async () => {
    // Prepare
    const $connect = recordingHandler();
    const $disconnect = recordingHandler();
    const { url, connectionIds } = await start({ routes: { $connect, $disconnect } });
    const client = await connect(url);

    // Act
    client.socket.close(4000, "tab closed");

    // Assess
    const event = await waitFor(() => $disconnect.events[0]);
    expect(event.requestContext).toMatchObject({
      routeKey: "$disconnect",
      connectionId: $connect.events[0]?.requestContext.connectionId,
      disconnectStatusCode: 4000,
      disconnectReason: "tab closed",
    });
    expect(connectionIds()).toEqual([]);
  });

  it("closes a connection idle longer than the idle timeout with 1001", async () => {
    // Prepare
    const $disconnect = recordingHandler();
    const { url } = await start({ routes: { $disconnect }, idleTimeoutSeconds: 0.2 });

    // Act
    const client = await connect(url);

    // Assess
    expect(await client.closed).toEqual({ code: 1001, reason: "Going away" });
    const event = await waitFor(() => $disconnect.events[0]);
    expect(event.requestContext.disconnectStatusCode).toBe(1001);
  });

  it("closes every connection, running $disconnect, when it closes", async () => {
    // Prepare
    const $disconnect = recordingHandler();
    const started = await start({ routes: { $disconnect } });
    const client = await connect(started.url);

    // Act
    await started.close();
    emulator = undefined;

    // Assess
    expect((await client.closed).code).toBe(1001);
    expect($disconnect.events).toHaveLength(1);
  });
});
