/**
 * The two reference points of the fan-out figure, neither a way to build the feature:
 * - transport floor: our poster and concurrency over ids known in advance (no lookup, no handler);
 * - raw ceiling: `ws.send` straight to the sockets, in-process, no HTTP at all.
 */
import type { WebSocketServer } from "ws";
import { createLimiter } from "#domain/concurrency.ts";
import type { FramePoster } from "#domain/ports.ts";

export async function transportFloor(poster: FramePoster, ids: readonly string[], frame: string, concurrency: number): Promise<void> {
  // The same bound the stream handler puts on its posts.
  const limit = createLimiter(concurrency);
  await Promise.all(ids.map((id) => limit(() => poster.post(id, frame))));
}

export function rawCeiling(server: WebSocketServer, frame: string): void {
  for (const socket of server.clients) socket.send(frame);
}
