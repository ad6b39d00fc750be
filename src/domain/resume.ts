/**
 * {"action":"resume","since":ID} ─▶ [resume] ─▶ the frames the client missed, a page at a time.
 * How resume pages:
 * 1. The connection row says whose feed this is: a client resumes only its own notifications.
 * 2. At most MAX_RESUMES_PER_MINUTE per connection; beyond, an error frame says when to retry.
 * 3. "0" (a first load) gets the RECENT_ON_FIRST_LOAD newest; an id gets what came after it,
 *    at most RESUME_PAGE_SIZE, reading one more to know whether more remain.
 * 4. Post them one at a time, so they arrive in the order they were first sent (a body kept in
 *    S3 with a URL presigned now: the log keeps only its key); a connection that is gone loses
 *    its row and gets nothing more.
 * 5. End with {"type":"resumed","count":N,"more":BOOL}; with more, the client asks again from
 *    the last id it received.
 */
import { errorFrame, FROM_THE_START, notificationFrame, resumedFrame } from "./frames.ts";
import { linkBodies } from "./large-bodies.ts";
import type { BodyStore, ConnectionStore, EventLog, FramePoster } from "./ports.ts";

/** One page: with a 10 ms round trip per post it ends well inside API Gateway's 29 s limit. */
export const RESUME_PAGE_SIZE = 100;
/** A first page load gets a screenful, not a day's worth of frames. */
export const RECENT_ON_FIRST_LOAD = 100;
export const MAX_RESUMES_PER_MINUTE = 10;
const MINUTE_MS = 60_000;

export interface ResumePorts {
  readonly connections: ConnectionStore;
  readonly events: EventLog;
  readonly poster: FramePoster;
  /** Presigns the bodies kept in S3; absent: resuming a page that holds one fails (wire it wherever bodies are published). */
  readonly bodies?: Pick<BodyStore, "urlFor">;
  readonly nowMs?: () => number;
}

export type ResumeAnswer =
  | { readonly outcome: "resumed"; readonly frame: string; readonly userId: string; readonly count: number }
  | { readonly outcome: "refused"; readonly frame: string }
  | { readonly outcome: "gone" };

export async function resume(connectionId: string, since: string, ports: ResumePorts): Promise<ResumeAnswer> {
  const nowMs = ports.nowMs ?? Date.now;

  // 1. Whose feed.
  const connection = await ports.connections.get(connectionId);
  if (!connection) return { outcome: "refused", frame: errorFrame("unknown connection: reconnect") };

  // 2. The allowance.
  const waitMs = await ports.connections.takeSlot(connectionId, MAX_RESUMES_PER_MINUTE, MINUTE_MS, nowMs());
  if (waitMs > 0) {
    const retryAfter = Math.ceil(waitMs / 1000);
    return {
      outcome: "refused",
      frame: errorFrame(`too many resumes: at most ${MAX_RESUMES_PER_MINUTE} a minute; resume again in ${retryAfter} s`, retryAfter),
    };
  }

  // 3. One page.
  const page =
    since === FROM_THE_START
      ? await ports.events.recent(connection.userId, RECENT_ON_FIRST_LOAD)
      : await ports.events.after(connection.userId, since, RESUME_PAGE_SIZE + 1);
  const more = since !== FROM_THE_START && page.length > RESUME_PAGE_SIZE;
  const missed = page.slice(0, RESUME_PAGE_SIZE);

  // 4. In order, one at a time.
  for (const notification of await linkBodies(missed, ports.bodies)) {
    if ((await ports.poster.post(connectionId, notificationFrame(notification))) === "gone") {
      await ports.connections.remove(connectionId);
      return { outcome: "gone" };
    }
  }

  // 5. The page's end.
  return { outcome: "resumed", frame: resumedFrame(missed.length, more), userId: connection.userId, count: missed.length };
}
