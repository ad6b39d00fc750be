// The browser client's logic with no DOM and no socket, so node tests can import it as it is.

/** Likes kept on the page; older ones fall off the bottom. */
export const MAX_SHOWN = 200;

/**
 * Milliseconds to wait before reconnect attempt `attempt` (0-based): exponential, capped, and
 * jittered ("equal jitter") so a server restart is not met by every tab at the same instant.
 */
export function backoffDelay(attempt, random = Math.random, { baseMs = 1_000, capMs = 30_000 } = {}) {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** One server frame read defensively: undefined for anything this client cannot use. */
export function parseFrame(text) {
  let frame;
  try {
    frame = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof frame !== "object" || frame === null) return undefined;
  switch (frame.type) {
    case "like":
      return isLike(frame) ? { type: "like", like: frame } : undefined;
    case "resumed":
      return Number.isInteger(frame.count) ? { type: "resumed", count: frame.count } : undefined;
    case "pong":
      return { type: "pong" };
    case "error":
      return { type: "error", message: String(frame.message ?? "") };
    default:
      return undefined;
  }
}

function isLike(frame) {
  return (
    typeof frame.id === "string" &&
    frame.id !== "" &&
    typeof frame.title === "string" &&
    typeof frame.url === "string" &&
    Number.isFinite(frame.delta) &&
    Number.isFinite(frame.likesCount) &&
    Array.isArray(frame.likers) &&
    frame.likers.every((liker) => typeof liker === "string") &&
    !Number.isNaN(Date.parse(frame.at))
  );
}

/** The `since` of a client with no resume point: the server answers with its most recent likes. */
export const FROM_THE_START = "0";

/**
 * The likes shown, newest first, each id once however often it is delivered, and the point a
 * `resume` continues after. Ids sort in stream order, so the newest is the greatest.
 */
export class LikeFeed {
  #likes = [];
  #seen = new Set();
  #newest = undefined;
  #cursor = undefined;
  #resuming = false;

  /**
   * The id `resume` continues after: the newest like held with nothing older missing. Undefined
   * until a like has arrived outside a replay or a replay has finished with likes in it.
   */
  get lastId() {
    return this.#cursor;
  }

  /**
   * Call when sending `resume`, on every open; returns its `since`: `lastId`, or FROM_THE_START
   * when there is none, so a tab that dropped before its first like still gets what it missed.
   * Until `resumed()`, live frames (newer than the replay) do not move the cursor, so a drop in
   * mid-replay replays again instead of skipping.
   */
  resuming() {
    this.#resuming = true;
    return this.#cursor ?? FROM_THE_START;
  }

  /** Call on `{"type":"resumed"}`: everything up to the newest like seen is now in hand. */
  resumed() {
    this.#resuming = false;
    this.#cursor = this.#newest;
  }

  /** Adds a like; false when its id was already shown (a redelivery or a replay). */
  add(like) {
    if (this.#seen.has(like.id)) return false;
    this.#seen.add(like.id);
    if (this.#newest === undefined || like.id > this.#newest) this.#newest = like.id;
    if (!this.#resuming) this.#cursor = this.#newest;
    // Replayed likes can arrive after newer live ones; keep the page in time order.
    const at = Date.parse(like.at);
    const index = this.#likes.findIndex((shown) => Date.parse(shown.at) < at);
    this.#likes.splice(index === -1 ? this.#likes.length : index, 0, like);
    this.#likes.length = Math.min(this.#likes.length, MAX_SHOWN);
    return true;
  }

  get likes() {
    return [...this.#likes];
  }
}

/**
 * What to tell the user once a resume with `since` replayed `count` likes; undefined for none.
 * A resume from the start is a page's first load (or a tab that never got a like), not an outage.
 */
export function caughtUpNotice(count, since) {
  if (count <= 0) return undefined;
  const plural = count === 1 ? "" : "s";
  return since === FROM_THE_START
    ? `Showing your ${count === 1 ? "latest like" : `${count} latest likes`} of the last 24 hours.`
    : `Caught up on ${count} like${plural} missed while offline.`;
}

/** "just now", "5 min ago", "3 h ago", "2 d ago". */
export function relativeTime(iso, nowMs) {
  const seconds = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  if (seconds < 45) return "just now";
  if (seconds < 3_600) return `${Math.max(1, Math.round(seconds / 60))} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3_600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
}

/**
 * What is wrong with a subscription token that can be told without the server
 * (`base64url(userId).expirySeconds.signature`), or undefined when only the server can judge it.
 */
export function tokenProblem(token, nowSeconds) {
  if (!token) return "missing";
  const parts = token.split(".");
  if (parts.length !== 3 || !/^[1-9]\d{0,15}$/.test(parts[1])) return "malformed";
  return Number(parts[1]) <= nowSeconds ? "expired" : undefined;
}

/**
 * The WebSocket URL: the page's own host (the local emulator serves both), unless `?ws=` names
 * another endpoint, such as a deployed stack's `wss://…/prod`.
 */
export function socketUrl(location, token) {
  const override = new URLSearchParams(location.search).get("ws");
  const base = override || `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/`;
  const url = new URL(base);
  url.searchParams.set("token", token);
  return url.toString();
}

/** The link of an article, only when it is plain http(s): a frame must not inject `javascript:`. */
export function safeHttpUrl(text) {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:" ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}
