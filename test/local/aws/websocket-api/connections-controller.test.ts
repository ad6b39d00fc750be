import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  GoneException,
  PayloadTooLargeException,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import { startWebSocketEmulator, type WebSocketEmulator } from "#local/aws/websocket-api/start-websocket-emulator.ts";
import { waitFor } from "#test/support/wait-for.ts";
import { recordingHandler } from "./emulator-harness.ts";
import { connect, type TestClient } from "#test/support/ws-client.ts";

describe("Management API at /@connections", () => {
  let emulator: WebSocketEmulator;
  let client: TestClient;
  let connectionId: string;
  const $disconnect = recordingHandler();

  const managementClient = (endpoint = emulator.managementEndpoint) =>
    new ApiGatewayManagementApiClient({
      endpoint,
      region: "local",
      credentials: { accessKeyId: "any", secretAccessKey: "any" },
      maxAttempts: 1,
    });

  beforeEach(async () => {
    const $connect = recordingHandler();
    $disconnect.events.length = 0;
    emulator = await startWebSocketEmulator({ port: 0, routes: { $connect, $disconnect } });
    client = await connect(emulator.url, { "User-Agent": "wscat/6" });
    connectionId = $connect.events[0]?.requestContext.connectionId ?? "";
  });
  afterEach(async () => {
    await emulator.close();
  });

  it("POST sends the body to the socket as one text frame", async () => {
    // Prepare
    const frame = JSON.stringify({ type: "like", id: "01", title: "Å ünïcode 記事" });

    // Act
    await managementClient().send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: frame }));

    // Assess
    expect(await client.framesAfter(1)).toEqual([frame]);
  });

  it("accepts the endpoint with the stage in its path, as a deployed stack's URL has", async () => {
    // Act
    await managementClient(`${emulator.managementEndpoint}/local`).send(
      new PostToConnectionCommand({ ConnectionId: connectionId, Data: "staged" }),
    );

    // Assess
    expect(await client.framesAfter(1)).toEqual(["staged"]);
  });

  it("GET answers connectedAt, lastActiveAt and identity", async () => {
    // Prepare
    const before = Date.now();
    client.socket.send("activity");

    // Act
    const answer = await waitFor(async () => {
      const got = await managementClient().send(new GetConnectionCommand({ ConnectionId: connectionId }));
      return got.LastActiveAt && got.LastActiveAt.getTime() >= before ? got : undefined;
    });

    // Assess
    expect(answer.ConnectedAt).toBeInstanceOf(Date);
    expect(answer.ConnectedAt!.getTime()).toBeLessThanOrEqual(answer.LastActiveAt!.getTime());
    expect(answer.Identity).toEqual({ SourceIp: "127.0.0.1", UserAgent: "wscat/6" });
  });

  it("GET answers times in ISO 8601 on the wire", async () => {
    // Act
    const response = await fetch(`${emulator.managementEndpoint}/@connections/${encodeURIComponent(connectionId)}`);

    // Assess
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["connectedAt", "identity", "lastActiveAt"]);
    expect(body.connectedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  });

  it("DELETE closes the socket and runs $disconnect", async () => {
    // Act
    await managementClient().send(new DeleteConnectionCommand({ ConnectionId: connectionId }));

    // Assess
    expect((await client.closed).code).toBe(1000);
    await waitFor(() => $disconnect.events[0]);
    expect(emulator.connectionIds()).toEqual([]);
  });

  it("answers an unknown id with 410 so the SDK throws GoneException", async () => {
    // Act
    const error = await managementClient()
      .send(new PostToConnectionCommand({ ConnectionId: "NoSuchConn1234=", Data: "x" }))
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GoneException);
    expect((error as Error).name).toBe("GoneException");
    expect((error as GoneException).$metadata.httpStatusCode).toBe(410);
  });

  it("answers a closed connection with GoneException", async () => {
    // Prepare
    client.socket.close();
    await waitFor(() => (emulator.connectionIds().length === 0 ? true : undefined));

    // Act
    const error = await managementClient()
      .send(new GetConnectionCommand({ ConnectionId: connectionId }))
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GoneException);
  });

  it("refuses data over 128 KB with PayloadTooLargeException and keeps the connection", async () => {
    // Act
    const error = await managementClient()
      .send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: "x".repeat(128 * 1024 + 1) }))
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(PayloadTooLargeException);
    await managementClient().send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: "after" }));
    expect(await client.framesAfter(1)).toEqual(["after"]);
  });
});
