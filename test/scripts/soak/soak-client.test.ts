/** The soak's client over a real `ws` server: the browser's dedupe and resume, and what it counts. */
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import type { AddressInfo } from "node:net";
import { SoakClient } from "../../../scripts/soak/soak-client.ts";
import { waitFor } from "#test/support/wait-for.ts";

/** An event id as the server sends it (40 digits); the browser's feed ignores any other. */
const id = (n: number) => String(n).padStart(40, "0");

const likeFrame = (id: string, likesCount: number) =>
  JSON.stringify({
    type: "like",
    id,
    userId: "alice",
    itemId: "a1",
    title: "t",
    url: "https://qiita.com/alice/items/a1",
    delta: 1,
    likesCount,
    likers: ["fan"],
    at: new Date().toISOString(),
  });

describe("SoakClient", () => {
  let server: WebSocketServer | undefined;
  let client: SoakClient | undefined;
  const sockets: WebSocket[] = [];
  const messages: string[][] = [];

  const start = async (onConnection: (socket: WebSocket, index: number) => void) => {
    server = new WebSocketServer({ port: 0 });
    await new Promise((resolve) => server!.once("listening", resolve));
    server.on("connection", (socket) => {
      const index = sockets.push(socket) - 1;
      messages[index] = [];
      socket.on("message", (data) => messages[index]!.push(data.toString()));
      onConnection(socket, index);
    });
    return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  afterEach(async () => {
    await client?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    sockets.length = 0;
    messages.length = 0;
  });

  it("drops a repeated id as the browser does, and counts it before dedupe", async () => {
    // Prepare
    const url = await start((socket) => {
      socket.send(likeFrame(id(1), 1));
      socket.send(likeFrame(id(1), 1));
      // The same like under another id: dedupe by id cannot catch it.
      socket.send(likeFrame(id(2), 1));
    });
    client = new SoakClient(url, "alice", false, Math.random);

    // Act
    await client.open();
    await waitFor(() => (client!.rawDuplicates + client!.received.size + client!.keptAgain.size === 3 ? true : undefined));

    // Assess
    expect(client.rawDuplicates).toBe(1);
    expect([...client.keptAgain]).toEqual([["alice/a1/1", 1]]);
    expect([...client.received.keys()]).toEqual(["alice/a1/1"]);
  });

  it('resumes from "0" on its first open, and again after a drop before any like', async () => {
    // Prepare
    const url = await start((socket) => socket.on("message", () => socket.send(JSON.stringify({ type: "resumed", count: 0 }))));
    client = new SoakClient(url, "alice", true, () => 0);
    await client.open();
    await waitFor(() => (client!.settled ? true : undefined));

    // Act
    client.drop();

    // Assess
    await waitFor(() => (client!.settled && client!.resumes === 2 ? true : undefined), { timeoutMs: 5_000 });
    expect(messages[0]).toEqual(['{"action":"resume","since":"0"}']);
    expect(messages[1]).toEqual(['{"action":"resume","since":"0"}']);
    expect(client.resumesFromStart).toBe(2);
  });

  it("reconnects after an abrupt drop and resumes from the last id it saw", async () => {
    // Prepare: the first open's replay is empty; a live like follows
    const url = await start((socket, index) =>
      socket.on("message", () => {
        socket.send(JSON.stringify({ type: "resumed", count: 0 }));
        if (index === 0) socket.send(likeFrame(id(7), 7));
      }),
    );
    client = new SoakClient(url, "alice", true, () => 0);
    await client.open();
    await waitFor(() => (client!.feed.lastId === id(7) ? true : undefined));

    // Act: two drops at the same moment are one drop
    client.drop();
    client.drop();

    // Assess
    await waitFor(() => (client!.settled && client!.resumes === 2 && messages[1]?.length ? true : undefined), { timeoutMs: 5_000 });
    expect(messages[1]).toEqual([JSON.stringify({ action: "resume", since: id(7) })]);
    expect(client.drops).toBe(1);
    expect(client.resumesFromStart).toBe(1);
  });

  it("resumes after the last like of its first replay when no live like came", async () => {
    // Prepare: the first open's replay brings one like from before the client connected
    const url = await start((socket, index) =>
      socket.on("message", () => {
        if (index === 0) socket.send(likeFrame(id(3), 3));
        socket.send(JSON.stringify({ type: "resumed", count: index === 0 ? 1 : 0 }));
      }),
    );
    client = new SoakClient(url, "alice", true, () => 0);
    await client.open();
    await waitFor(() => (client!.settled && client!.replayed === 1 ? true : undefined));

    // Act
    client.drop();

    // Assess
    await waitFor(() => (client!.settled && messages[1]?.length ? true : undefined), { timeoutMs: 5_000 });
    expect(messages[1]).toEqual([JSON.stringify({ action: "resume", since: id(3) })]);
  });

  it("asks for the next page while a resume answers more, from the last id of the page", async () => {
    // Prepare: the replay comes in two pages of one like each
    const url = await start((socket) =>
      socket.on("message", (data) => {
        const since = (JSON.parse(data.toString()) as { since: string }).since;
        socket.send(likeFrame(since === "0" ? id(4) : id(5), since === "0" ? 4 : 5));
        socket.send(JSON.stringify({ type: "resumed", count: 1, more: since === "0" }));
      }),
    );
    client = new SoakClient(url, "alice", false, () => 0);

    // Act
    await client.open();

    // Assess
    await waitFor(() => (client!.settled && client!.replayed === 2 ? true : undefined));
    expect(messages[0]).toEqual([JSON.stringify({ action: "resume", since: "0" }), JSON.stringify({ action: "resume", since: id(4) })]);
    expect(client.resumes).toBe(1);
    expect(client.resumePages).toBe(1);
    expect(client.feed.lastId).toBe(id(5));
  });

  it("asks again after retryAfter when the server refuses a resume, and stays unsettled meanwhile", async () => {
    // Prepare: the first resume is refused with a wait of 0 s, the second answered
    let asked = 0;
    let settledWhileRefused: boolean | undefined;
    const url = await start((socket) =>
      socket.on("message", () => {
        if (asked++ === 0) return socket.send(JSON.stringify({ type: "error", message: "too many resumes", retryAfter: 0 }));
        settledWhileRefused = client!.settled;
        socket.send(JSON.stringify({ type: "resumed", count: 0, more: false }));
      }),
    );
    client = new SoakClient(url, "alice", false, () => 0);

    // Act
    await client.open();

    // Assess
    await waitFor(() => (client!.settled && messages[0]?.length === 2 ? true : undefined));
    expect(messages[0]).toEqual([JSON.stringify({ action: "resume", since: "0" }), JSON.stringify({ action: "resume", since: "0" })]);
    expect(settledWhileRefused).toBe(false);
    expect(client.resumesRefused).toBe(1);
    expect(client.errorFrames).toBe(0);
  });
});
