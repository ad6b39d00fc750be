/** Real `ws` clients for tests: frames kept as they arrive, handshakes refused or accepted. */
import { WebSocket } from "ws";
import { waitFor } from "./wait-for.ts";

export interface TestClient {
  readonly socket: WebSocket;
  readonly frames: string[];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Waits until `count` frames have arrived and returns them. */
  framesAfter(count: number): Promise<string[]>;
}

/** Opens a client and resolves once the handshake succeeded. */
export function connect(url: string, headers: Record<string, string> = {}): Promise<TestClient> {
  const socket = new WebSocket(url, { headers });
  const frames: string[] = [];
  socket.on("message", (data: Buffer) => frames.push(data.toString("utf8")));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  return new Promise((resolve, reject) => {
    socket.once("open", () =>
      resolve({
        socket,
        frames,
        closed,
        framesAfter: (count) => waitFor(() => (frames.length >= count ? [...frames] : undefined), { what: `${count} frames` }),
      }),
    );
    socket.once("error", reject);
  });
}

/** Tries to connect and resolves the HTTP status the server refused the handshake with. */
export function refusedStatus(url: string): Promise<{ status: number; body: string }> {
  const socket = new WebSocket(url);
  return new Promise((resolve, reject) => {
    socket.once("unexpected-response", (_request, response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => {
        socket.terminate();
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
    socket.once("open", () => reject(new Error("the handshake was accepted")));
    socket.once("error", () => undefined);
  });
}

/** The like frames a client received, parsed, in arrival order. */
export function likeFrames(client: TestClient): Record<string, unknown>[] {
  return client.frames.map((frame) => JSON.parse(frame) as Record<string, unknown>).filter((frame) => frame.type === "like");
}
