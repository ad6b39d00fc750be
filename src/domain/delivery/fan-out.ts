/**
 * Fan-out of one notification to every live connection of its user.
 * 1. Post the frame to each connection, as many at once as the shared `limit` allows.
 * 2. A connection that is gone (410) loses its row; it does not count as a failure.
 * 3. Any other failure is collected, not thrown, so the other connections still get the frame.
 */
import type { Limiter } from "../concurrency.ts";
import { notificationFrame } from "../frames.ts";
import type { Notification } from "../notification.ts";
import type { ConnectionStore, FramePoster } from "../ports.ts";

export interface FanOutResult {
  readonly delivered: number;
  readonly gone: number;
  readonly errors: readonly unknown[];
}

export async function fanOut(
  notification: Notification,
  connectionIds: readonly string[],
  ports: { readonly poster: FramePoster; readonly connections: ConnectionStore },
  limit: Limiter,
): Promise<FanOutResult> {
  const frame = notificationFrame(notification);
  const outcomes = await Promise.all(
    connectionIds.map((connectionId) =>
      limit(async () => {
        try {
          const outcome = await ports.poster.post(connectionId, frame);
          if (outcome === "gone") await ports.connections.remove(connectionId);
          return outcome;
        } catch (error) {
          return { error };
        }
      }),
    ),
  );
  let delivered = 0;
  let gone = 0;
  const errors: unknown[] = [];
  for (const outcome of outcomes) {
    if (outcome === "delivered") delivered++;
    else if (outcome === "gone") gone++;
    else errors.push(outcome.error);
  }
  return { delivered, gone, errors };
}
