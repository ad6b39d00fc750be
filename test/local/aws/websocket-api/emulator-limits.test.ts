/**
 * The emulator's own limits, which keep one client from exhausting the laptop: open sockets,
 * the time to send a request's headers, and client frames per second.
 */
import { connect as connectTcp } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { FrameRateLimit } from "#local/aws/websocket-api/frame-rate-limit.ts";
import { startWebSocketEmulator, type WebSocketEmulator } from "#local/aws/websocket-api/start-websocket-emulator.ts";
import type { EmulatorOptions } from "#local/aws/websocket-api/types.ts";
import { waitFor } from "#test/support/wait-for.ts";
import { connect, refusedStatus, type TestClient } from "#test/support/ws-client.ts";
import { recordingHandler } from "./emulator-harness.ts";

describe("WebSocket emulator limits", () => {
  let emulator: WebSocketEmulator | undefined;
  const clients: TestClient[] = [];
  const start = async (options: Omit<EmulatorOptions, "port">) => {
    emulator = await startWebSocketEmulator({ port: 0, host: "127.0.0.1", log: () => {}, ...options });
    return emulator;
  };
  const open = async (url: string) => {
    const client = await connect(url);
    clients.push(client);
    return client;
  };
  afterEach(async () => {
    for (const client of clients.splice(0)) client.socket.terminate();
    await emulator?.close();
    emulator = undefined;
  });

  describe("maxConnections", () => {
    it("refuses the upgrade beyond it with 429 and runs no $connect", async () => {
      // Prepare
      const $connect = recordingHandler();
      const { url, connectionIds } = await start({ routes: { $connect }, maxConnections: 2 });
      await open(url);
      await open(url);

      // Act
      const refused = await refusedStatus(url);

      // Assess
      expect(refused.status).toBe(429);
      expect(refused.body).toMatch(/at most 2/);
      expect($connect.events).toHaveLength(2);
      expect(connectionIds()).toHaveLength(2);
    });

    it("counts upgrades whose $connect is still running", async () => {
      // Prepare: $connect waits until released, so three handshakes overlap
      let release: () => void = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      const $connect = recordingHandler();
      let entered = 0;
      const slowConnect = {
        handler: async (...args: Parameters<typeof $connect.handler>) => {
          entered++;
          await released;
          return $connect.handler(...args);
        },
      };
      const { url } = await start({ routes: { $connect: slowConnect }, maxConnections: 2 });

      // Act
      const first = open(url);
      const second = open(url);
      await waitFor(() => (entered === 2 ? true : undefined), { what: "two handshakes in flight" });
      const third = await refusedStatus(url);
      release();
      await Promise.all([first, second]);

      // Assess
      expect(third.status).toBe(429);
      expect($connect.events).toHaveLength(2);
    });

    it("accepts again once a connection closed", async () => {
      // Prepare
      const { url, connectionIds } = await start({ routes: {}, maxConnections: 1 });
      const first = await open(url);
      expect((await refusedStatus(url)).status).toBe(429);

      // Act
      first.socket.close();
      await waitFor(() => (connectionIds().length === 0 ? true : undefined), { what: "the close" });
      const second = await open(url);

      // Assess
      expect(second.socket.readyState).toBe(second.socket.OPEN);
    });
  });

  describe("headers timeout", () => {
    it("drops a client that sends half an upgrade request, without running $connect", async () => {
      // Prepare
      const $connect = recordingHandler();
      const { port } = await start({ routes: { $connect }, headersTimeoutSeconds: 0.3 });
      const socket = connectTcp(port, "127.0.0.1");
      let closed = false;
      socket.on("close", () => (closed = true));
      socket.on("error", () => {});
      socket.on("data", () => {});

      // Act: the request line and some headers, never the blank line that ends them
      socket.write("GET /?token=abc HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n");

      // Assess
      await waitFor(() => (closed ? true : undefined), { timeoutMs: 5_000, what: "the server to drop the socket" });
      expect($connect.events).toEqual([]);
    });

    it("still accepts a client that sends its headers in time", async () => {
      // Prepare
      const { url } = await start({ routes: {}, headersTimeoutSeconds: 0.3 });

      // Act
      const client = await open(url);

      // Assess
      expect(client.socket.readyState).toBe(client.socket.OPEN);
    });
  });

  describe("maxFramesPerSecond", () => {
    it("answers frames beyond the rate with an error frame, runs no route for them, and stays open", async () => {
      // Prepare
      const $default = recordingHandler(() => ({ statusCode: 200, body: "ok" }));
      const { url } = await start({
        routes: { $default: { ...$default, returnResponse: true } },
        maxFramesPerSecond: 1,
        frameBurst: 3,
      });
      const client = await open(url);

      // Act
      for (let i = 0; i < 5; i++) client.socket.send(`frame ${i}`);

      // Assess
      const frames = await client.framesAfter(5);
      expect(frames.slice(0, 3)).toEqual(["ok", "ok", "ok"]);
      for (const frame of frames.slice(3)) {
        expect(JSON.parse(frame)).toMatchObject({ type: "error", message: expect.stringMatching(/^too many frames: /) });
      }
      expect($default.events.map((event) => event.body)).toEqual(["frame 0", "frame 1", "frame 2"]);
      expect(client.socket.readyState).toBe(client.socket.OPEN);
    });

    it("routes frames again once the rate allows", async () => {
      // Prepare
      const $default = recordingHandler(() => ({ statusCode: 200, body: "ok" }));
      const { url } = await start({
        routes: { $default: { ...$default, returnResponse: true } },
        maxFramesPerSecond: 20,
        frameBurst: 1,
      });
      const client = await open(url);
      client.socket.send("first");
      client.socket.send("too soon");
      await client.framesAfter(2);

      // Act: ask until a frame is routed again (a token comes back after 50 ms)
      await waitFor(
        () => {
          if ($default.events.length > 1) return true;
          client.socket.send("later");
          return undefined;
        },
        { intervalMs: 30, what: "a later frame to be routed" },
      );

      // Assess
      expect($default.events.map((event) => event.body).slice(0, 2)).toEqual(["first", "later"]);
    });
  });
});

describe("FrameRateLimit", () => {
  it("allows the burst at once, then the rate", () => {
    // Prepare
    let now = 0;
    const limit = new FrameRateLimit(2, 3, () => now);

    // Act
    const burst = [limit.take(), limit.take(), limit.take(), limit.take()];
    now = 499;
    const tooEarly = limit.take();
    now = 500;
    const refilled = [limit.take(), limit.take()];
    now = 60_000;
    const afterLongQuiet = [limit.take(), limit.take(), limit.take(), limit.take()];

    // Assess
    expect(burst).toEqual([true, true, true, false]);
    expect(tooEarly).toBe(false);
    expect(refilled).toEqual([true, false]);
    expect(afterLongQuiet).toEqual([true, true, true, false]);
  });
});
