/**
 * The WebSocket message contract (ARCHITECTURE.md "Messages (public)"): what the server sends,
 * and how a client's frame is read. Field names here are public; keep them exactly.
 */
import type { LikeEvent } from "./model.ts";

/** `since` of a client that has seen no like yet (a first page load): it gets recent history. */
export const FROM_THE_START = "0";

export type ClientRequest =
  | { readonly action: "ping" }
  | { readonly action: "resume"; readonly since: string }
  | { readonly action: "invalid"; readonly message: string };

/** Event ids are ours (digits); anything longer is not one and is refused before any query. */
const EVENT_ID = /^[0-9A-Za-z_.:-]{1,128}$/;

export function likeFrame(event: LikeEvent): string {
  return JSON.stringify({
    type: "like",
    id: event.id,
    userId: event.userId,
    itemId: event.itemId,
    title: event.title,
    url: event.url,
    delta: event.delta,
    likesCount: event.likesCount,
    likers: event.likers,
    at: event.at,
  });
}

export const pongFrame = (): string => JSON.stringify({ type: "pong" });

export const resumedFrame = (count: number): string => JSON.stringify({ type: "resumed", count });

export const errorFrame = (message: string): string => JSON.stringify({ type: "error", message });

/** Reads one client frame. Never throws: anything unusable becomes an "invalid" request. */
export function parseClientFrame(body: string | undefined | null): ClientRequest {
  if (!body) return invalid("empty frame: send JSON like {\"action\":\"ping\"}");
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return invalid("frame is not JSON: send {\"action\":\"ping\"} or {\"action\":\"resume\",\"since\":ID}");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return invalid("frame must be a JSON object with an \"action\"");
  }
  const { action, since } = parsed as Record<string, unknown>;
  switch (action) {
    case "ping":
      return { action: "ping" };
    case "resume":
      if (typeof since !== "string" || !EVENT_ID.test(since)) {
        return invalid("resume needs \"since\": the id of the last like frame you received");
      }
      return { action: "resume", since };
    default:
      return invalid(
        typeof action === "string"
          ? `unknown action "${action.slice(0, 40)}": use "ping" or "resume"`
          : "frame has no \"action\": use \"ping\" or \"resume\"",
      );
  }
}

function invalid(message: string): ClientRequest {
  return { action: "invalid", message };
}
