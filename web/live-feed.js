// The browser client's logic with no DOM and no socket, so node tests can import it as it is.
// Type-checked by tsconfig.web.json (checkJs): the JSDoc types below are its declarations.

/**
 * A like as the server sends it (docs/ARCHITECTURE.md "Messages"; keep the names exactly).
 * @typedef {object} LikeFrame
 * @property {"like"} type
 * @property {string} id 40 digits; sorts in stream order.
 * @property {string} userId
 * @property {string} itemId
 * @property {string} title
 * @property {string} url
 * @property {number} delta
 * @property {number} likesCount
 * @property {string[]} likers
 * @property {string} at ISO 8601.
 */

/**
 * New stars on one of the user's GitHub repositories (docs/ARCHITECTURE.md; keep the names exactly).
 * @typedef {object} StarFrame
 * @property {"star"} type
 * @property {string} id 40 digits, in the same order as likes.
 * @property {string} userId
 * @property {string} repo OWNER/NAME.
 * @property {string} url
 * @property {number} delta
 * @property {number} stargazersCount
 * @property {string[]} stargazers GitHub logins, newest first.
 * @property {string} at ISO 8601.
 */

/**
 * A message another system published (`POST /v1/notifications`). `body` is plain text, never
 * HTML; a body too large for a frame comes as `bodyUrl` instead (a presigned link to it).
 * @typedef {object} NotificationFrame
 * @property {"notification"} type
 * @property {string} id 40 digits, in the same order as likes.
 * @property {string} to "user:ID" or "group:NAME".
 * @property {string} title
 * @property {string} [url]
 * @property {string} [body]
 * @property {string} [bodyUrl]
 * @property {Record<string, unknown>} [data]
 * @property {string} at ISO 8601.
 */

/** Anything the feed lists: a like, a star or a published notification. @typedef {LikeFrame | StarFrame | NotificationFrame} FeedFrame */

/**
 * A server frame this client can use.
 * @typedef {{ type: "like", like: LikeFrame }
 *   | { type: "star", star: StarFrame }
 *   | { type: "notification", notification: NotificationFrame }
 *   | { type: "resumed", count: number, more: boolean }
 *   | { type: "pong" }
 *   | { type: "status", sources: SourceStatus[] }
 *   | { type: "error", message: string, retryAfter?: number }} ServerFrame
 */

/**
 * The health of one source of notifications, as the server reports it on connect and on change.
 * @typedef {object} SourceStatus
 * @property {string} name "qiita", "github", …
 * @property {"ok" | "failing" | "rate-limited"} state
 * @property {string} since ISO 8601: when it entered this state.
 * @property {string} [retryAt] ISO 8601: the next try, when known.
 * @property {string} message
 */

/** @typedef {{ protocol: string, host: string, search: string }} PageLocation */

/** Likes, stars and notifications kept on the page; older ones fall off the bottom. */
export const MAX_SHOWN = 200;

/**
 * Milliseconds to wait before reconnect attempt `attempt` (0-based): exponential, capped, and
 * jittered ("equal jitter") so a server restart is not met by every tab at the same instant.
 * @param {number} attempt
 * @param {() => number} [random]
 * @param {{ baseMs?: number, capMs?: number }} [options]
 * @returns {number}
 */
export function backoffDelay(attempt, random = Math.random, { baseMs = 1_000, capMs = 30_000 } = {}) {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** A well-formed event id: the only `since` besides FROM_THE_START the server accepts. */
export const EVENT_ID = /^\d{40}$/;

/**
 * A frame's JSON object, or undefined for text that is not one: where every frame reader starts.
 * @param {string} text
 * @returns {Record<string, unknown> | undefined}
 */
export function jsonObject(text) {
  /** @type {unknown} */
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof parsed === "object" && parsed !== null ? /** @type {Record<string, unknown>} */ (parsed) : undefined;
}

/**
 * One server frame read defensively: undefined for anything this client cannot use.
 * @param {string} text
 * @returns {ServerFrame | undefined}
 */
export function parseFrame(text) {
  const frame = jsonObject(text);
  if (!frame) return undefined;
  switch (frame.type) {
    case "like":
      return isLike(frame) ? { type: "like", like: frame } : undefined;
    case "star":
      return isStar(frame) ? { type: "star", star: frame } : undefined;
    case "notification":
      return isNotification(frame) ? { type: "notification", notification: frame } : undefined;
    case "resumed":
      // `more` came with paged resumes; a server without it sends everything in one page.
      return Number.isInteger(frame.count)
        ? { type: "resumed", count: /** @type {number} */ (frame.count), more: frame.more === true }
        : undefined;
    case "pong":
      return { type: "pong" };
    case "status":
      return Array.isArray(frame.sources) && frame.sources.every(isSourceStatus) ? { type: "status", sources: frame.sources } : undefined;
    case "error": {
      const message = String(frame.message ?? "");
      const retryAfter = frame.retryAfter;
      return typeof retryAfter === "number" && Number.isFinite(retryAfter) && retryAfter >= 0
        ? { type: "error", message, retryAfter }
        : { type: "error", message };
    }
    default:
      return undefined;
  }
}

/**
 * @param {unknown} source
 * @returns {source is SourceStatus}
 */
function isSourceStatus(source) {
  if (typeof source !== "object" || source === null) return false;
  const { name, state, since, retryAt, message } = /** @type {Record<string, unknown>} */ (source);
  return (
    typeof name === "string" &&
    (state === "ok" || state === "failing" || state === "rate-limited") &&
    typeof since === "string" &&
    !Number.isNaN(Date.parse(since)) &&
    (retryAt === undefined || (typeof retryAt === "string" && !Number.isNaN(Date.parse(retryAt)))) &&
    typeof message === "string"
  );
}

/**
 * @param {Record<string, unknown>} frame
 * @returns {frame is LikeFrame & Record<string, unknown>}
 */
function isLike(frame) {
  return (
    typeof frame.id === "string" &&
    EVENT_ID.test(frame.id) &&
    typeof frame.title === "string" &&
    typeof frame.url === "string" &&
    Number.isFinite(frame.delta) &&
    Number.isFinite(frame.likesCount) &&
    Array.isArray(frame.likers) &&
    frame.likers.every((liker) => typeof liker === "string") &&
    typeof frame.at === "string" &&
    !Number.isNaN(Date.parse(frame.at))
  );
}

/**
 * @param {Record<string, unknown>} frame
 * @returns {frame is StarFrame & Record<string, unknown>}
 */
function isStar(frame) {
  return (
    typeof frame.id === "string" &&
    EVENT_ID.test(frame.id) &&
    typeof frame.repo === "string" &&
    typeof frame.url === "string" &&
    Number.isFinite(frame.delta) &&
    Number.isFinite(frame.stargazersCount) &&
    Array.isArray(frame.stargazers) &&
    frame.stargazers.every((login) => typeof login === "string") &&
    isTime(frame.at)
  );
}

/**
 * @param {Record<string, unknown>} frame
 * @returns {frame is NotificationFrame & Record<string, unknown>}
 */
function isNotification(frame) {
  const optional = (/** @type {unknown} */ value) => value === undefined || typeof value === "string";
  return (
    typeof frame.id === "string" &&
    EVENT_ID.test(frame.id) &&
    typeof frame.to === "string" &&
    /^(user|group):./.test(frame.to) &&
    typeof frame.title === "string" &&
    optional(frame.url) &&
    optional(frame.body) &&
    optional(frame.bodyUrl) &&
    (frame.data === undefined || (typeof frame.data === "object" && frame.data !== null && !Array.isArray(frame.data))) &&
    isTime(frame.at)
  );
}

/** @param {unknown} at */
const isTime = (at) => typeof at === "string" && !Number.isNaN(Date.parse(at));

/** The `since` of a client with no resume point: the server answers with its most recent likes. */
export const FROM_THE_START = "0";

/**
 * The likes, stars and published notifications shown, newest first, each id once however often
 * it is delivered, and the point a `resume` continues after. Ids of every kind sort in one order
 * (src/domain/event-id.ts), so the newest is the greatest.
 */
export class LikeFeed {
  /** @type {FeedFrame[]} */
  #items = [];
  /** @type {Set<string>} */
  #seen = new Set();
  /** @type {string | undefined} */
  #newest = undefined;
  /** @type {string | undefined} */
  #cursor = undefined;
  /**
   * The resume in flight: its `since`, and every id after it received since it was asked.
   * @type {{ since: string, ids: Set<string> } | undefined}
   */
  #resume = undefined;

  /**
   * The id `resume` continues after: the newest like held with nothing older missing. Undefined
   * until a like has arrived outside a replay or a replay has finished with likes in it.
   */
  get lastId() {
    return this.#cursor;
  }

  /** True from `resuming()` until the last page is in: likes missed may still be on their way. */
  get catchingUp() {
    return this.#resume !== undefined;
  }

  /**
   * Call when sending `resume`: on every open, and again after a wait the server asked for.
   * Returns its `since`: `lastId`, or FROM_THE_START when there is none, so a tab that dropped
   * before its first like still gets what it missed. Until the last page is in, live frames
   * (newer than the replay) do not move the cursor, so a drop in mid-replay replays again
   * instead of skipping.
   * @returns {string}
   */
  resuming() {
    const since = this.#cursor ?? FROM_THE_START;
    this.#resume = { since, ids: new Set() };
    return since;
  }

  /**
   * Call on `{"type":"resumed"}`. Returns the `since` of the next page when the server has
   * `more`, already marked as in flight; undefined once caught up.
   *
   * A page is the `count` oldest likes after its `since`. A live like that came meanwhile is
   * either one of them or newer than all of them, so the page ended at the count-th smallest id
   * received after `since`: not simply the last frame, which may be a newer live one.
   * @param {{ count: number, more: boolean }} [page] a server without paging sends no `more`
   * @returns {string | undefined}
   */
  resumed({ count, more } = { count: 0, more: false }) {
    const resume = this.#resume;
    this.#resume = undefined;
    if (!more || !resume) {
      this.#cursor = this.#newest;
      return undefined;
    }
    const ids = [...resume.ids].sort();
    const pageEnd = ids[Math.min(count, ids.length) - 1];
    if (pageEnd !== undefined) this.#cursor = pageEnd;
    return this.resuming();
  }

  /**
   * Adds a like, a star or a notification; false when its id was already shown (a redelivery or a
   * replay).
   * @param {FeedFrame} like
   * @returns {boolean}
   */
  add(like) {
    // Counted even when already shown: a replayed like may have come live a moment before.
    if (this.#resume && like.id > this.#resume.since) this.#resume.ids.add(like.id);
    if (this.#seen.has(like.id)) return false;
    this.#seen.add(like.id);
    if (this.#newest === undefined || like.id > this.#newest) this.#newest = like.id;
    if (!this.#resume) this.#cursor = this.#newest;
    // Replayed likes can arrive after newer live ones; keep the page in time order.
    const at = Date.parse(like.at);
    const index = this.#items.findIndex((shown) => Date.parse(shown.at) < at);
    this.#items.splice(index === -1 ? this.#items.length : index, 0, like);
    this.#items.length = Math.min(this.#items.length, MAX_SHOWN);
    return true;
  }

  /** Everything shown, newest first. @returns {FeedFrame[]} */
  get items() {
    return [...this.#items];
  }

  /** The likes among them. @returns {LikeFrame[]} */
  get likes() {
    return this.#items.filter((item) => item.type === "like");
  }
}

/**
 * One card on the page: the likes of one article that came close together, shown as one line
 * that counts up instead of the same title several times in a row.
 * @typedef {object} LikeCard
 * @property {string} key The id of its oldest like: stable while the card grows.
 * @property {string[]} ids
 * @property {string} title
 * @property {string} url
 * @property {number} delta The likes it adds up.
 * @property {number} likesCount The article's count at the newest like.
 * @property {string[]} likers Newest first, each once.
 * @property {string} at The newest like's time.
 */

/** Likes of one article further apart than this start a new card. */
export const GROUP_GAP_MS = 5 * 60_000;
/** A card covers at most this long, so a steady trickle does not make one card of a whole day. */
export const GROUP_SPAN_MS = 30 * 60_000;

/**
 * One card of the feed: likes grouped as `groupLikes` does, a star or a notification alone.
 * @typedef {({ kind: "like" } & LikeCard)
 *   | { kind: "star", key: string, ids: string[], star: StarFrame }
 *   | { kind: "notification", key: string, ids: string[], notification: NotificationFrame }} FeedCard
 */

/**
 * The feed (newest first, as `LikeFeed.items`) as cards, newest first: a like joins the card
 * of its article when it is within GROUP_GAP_MS of that card's oldest like and GROUP_SPAN_MS of
 * its newest; likes of other articles, stars and notifications in between do not split it.
 * @param {readonly FeedFrame[]} items
 * @returns {FeedCard[]}
 */
export function feedCards(items) {
  /** @type {FeedCard[]} */
  const cards = [];
  /** @type {{ card: LikeCard, itemId: string, newestMs: number, oldestMs: number }[]} */
  const likeCards = [];
  for (const item of items) {
    if (item.type === "star") {
      cards.push({ kind: "star", key: item.id, ids: [item.id], star: item });
      continue;
    }
    if (item.type === "notification") {
      cards.push({ kind: "notification", key: item.id, ids: [item.id], notification: item });
      continue;
    }
    const atMs = Date.parse(item.at);
    const open = likeCards.find(
      ({ itemId, newestMs, oldestMs }) => itemId === item.itemId && oldestMs - atMs <= GROUP_GAP_MS && newestMs - atMs <= GROUP_SPAN_MS,
    );
    if (!open) {
      /** @type {{ kind: "like" } & LikeCard} */
      const card = {
        kind: "like",
        key: item.id,
        ids: [item.id],
        title: item.title,
        url: item.url,
        delta: item.delta,
        likesCount: item.likesCount,
        likers: [...new Set(item.likers)],
        at: item.at,
      };
      cards.push(card);
      likeCards.push({ card, itemId: item.itemId, newestMs: atMs, oldestMs: atMs });
      continue;
    }
    open.card.key = item.id;
    open.card.ids.push(item.id);
    open.card.delta += item.delta;
    open.card.likers = [...new Set([...open.card.likers, ...item.likers])];
    open.oldestMs = Math.min(open.oldestMs, atMs);
  }
  return cards;
}

/**
 * The likes (newest first, as `LikeFeed.likes`) as cards, newest first (see `feedCards`).
 * @param {readonly LikeFrame[]} likes
 * @returns {LikeCard[]}
 */
export function groupLikes(likes) {
  return feedCards(likes).flatMap((card) => {
    if (card.kind !== "like") return [];
    const { kind: _kind, ...like } = card;
    return [like];
  });
}

/**
 * The page's title with the count of likes that came while the tab was hidden.
 * @param {string} base
 * @param {number} unread
 * @returns {string}
 */
export function unreadTitle(base, unread) {
  return unread > 0 ? `(${unread}) ${base}` : base;
}

/**
 * A desktop notification of one like: the title says how many, the body who and on what.
 * @param {LikeFrame} like
 * @returns {{ title: string, body: string }}
 */
export function likeNotification(like) {
  const who =
    like.likers.length === 0
      ? "Someone"
      : like.likers
          .slice(0, 3)
          .map((liker) => `@${liker}`)
          .join(", ");
  const more = like.likers.length > 3 ? ` and ${like.likers.length - 3} more` : "";
  return {
    title: `♥ +${like.delta} · ${like.likesCount} in all`,
    body: `${who}${more} liked “${like.title}”`,
  };
}

/**
 * A desktop notification of one star: the title says how many, the body who and on what.
 * @param {StarFrame} star
 * @returns {{ title: string, body: string }}
 */
export function starNotification(star) {
  const who =
    star.stargazers.length === 0
      ? "Someone"
      : star.stargazers
          .slice(0, 3)
          .map((login) => `@${login}`)
          .join(", ");
  const more = star.stargazers.length > 3 ? ` and ${star.stargazers.length - 3} more` : "";
  return { title: `⭐ +${star.delta} · ${star.stargazersCount} in all`, body: `${who}${more} starred ${star.repo}` };
}

/** A notification's body longer than this many characters, or lines, shows collapsed. */
export const BODY_PREVIEW_CHARS = 280;
export const BODY_PREVIEW_LINES = 6;

/**
 * The start of a published notification's body, to show before "Show all": at most
 * BODY_PREVIEW_LINES lines and BODY_PREVIEW_CHARS characters (whole code points), with an
 * ellipsis when something was cut. Text stays text: the page never parses it as HTML.
 * @param {string} body
 * @returns {{ text: string, collapsed: boolean }}
 */
export function bodyPreview(body) {
  const lines = body.split("\n").slice(0, BODY_PREVIEW_LINES).join("\n");
  const text = Array.from(lines).slice(0, BODY_PREVIEW_CHARS).join("");
  return text === body ? { text, collapsed: false } : { text: `${text.trimEnd()}…`, collapsed: true };
}

/**
 * The desktop notification of anything the feed shows; `tag` lets a newer one of the same
 * article or repository replace the last.
 * @param {FeedFrame} item
 * @returns {{ title: string, body: string, tag: string }}
 */
export function desktopNotification(item) {
  switch (item.type) {
    case "like":
      return { ...likeNotification(item), tag: item.itemId };
    case "star":
      return { ...starNotification(item), tag: item.repo };
    case "notification": {
      const body = item.body === undefined ? "" : bodyPreview(item.body).text;
      return { title: item.title, body: body || (item.bodyUrl ? "Open the page to read the full message." : ""), tag: item.id };
    }
  }
}

/**
 * How much an arrival adds to the unread count in the title: its likes or its stars; a
 * notification is one.
 * @param {FeedFrame} item
 * @returns {number}
 */
export const unreadWeight = (item) => (item.type === "notification" ? 1 : item.delta);

/**
 * What to tell the user once a resume with `since` replayed `count` frames (all pages together);
 * undefined for none. A resume from the start is a page's first load (or a tab that never got a
 * like), not an outage. The frames are "likes" when they all were, else "notifications".
 * @param {number} count
 * @param {string} since
 * @param {boolean} [onlyLikes]
 * @returns {string | undefined}
 */
export function caughtUpNotice(count, since, onlyLikes = true) {
  if (count <= 0) return undefined;
  const noun = onlyLikes ? "like" : "notification";
  const plural = count === 1 ? "" : "s";
  return since === FROM_THE_START
    ? `Showing your ${count === 1 ? `latest ${noun}` : `${count} latest ${noun}s`} of the last 24 hours.`
    : `Caught up on ${count} ${noun}${plural} missed while offline.`;
}

/**
 * The status while disconnected: since when, why if known, and when the next try is.
 * `cause` "unknown": the handshake failed and the page could not ask why (the endpoint is not
 * its own origin), so a refused token and a server that is down look the same.
 * @param {{ lostAt: number | undefined, cause: "unreachable" | "unknown", secondsLeft: number }} state
 * @returns {string}
 */
export function reconnectingText({ lostAt, cause, secondsLeft }) {
  const when = `retrying in ${Math.max(1, secondsLeft)} s`;
  if (lostAt !== undefined) {
    const since = new Date(lostAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    return `offline since ${since} · ${when}`;
  }
  return cause === "unknown" ? `cannot connect (server down or token refused) · ${when}` : `server unreachable · ${when}`;
}

/** How the page names a source. */
const SOURCE_NAMES = /** @type {Record<string, string>} */ ({ qiita: "Qiita", github: "GitHub" });

/**
 * A source that is not ok, in words: "Qiita unreachable since 10:42 — retrying in 2 min".
 * Undefined for one that is ok.
 * @param {SourceStatus} source
 * @param {number} nowMs
 * @returns {string | undefined}
 */
export function sourceStatusText(source, nowMs) {
  if (source.state === "ok") return undefined;
  const name = SOURCE_NAMES[source.name] ?? source.name;
  const since = new Date(source.since).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  const what = source.state === "rate-limited" ? "over its rate limit" : "unreachable";
  let retry = "retrying";
  if (source.retryAt !== undefined) {
    const seconds = Math.max(0, Math.round((Date.parse(source.retryAt) - nowMs) / 1000));
    retry = seconds < 60 ? `retrying in ${Math.max(1, seconds)} s` : `retrying in ${Math.round(seconds / 60)} min`;
  }
  return `${name} ${what} since ${since} — ${retry}`;
}

/**
 * "just now", "5 min ago", "3 h ago", "2 d ago".
 * @param {string} iso
 * @param {number} nowMs
 * @returns {string}
 */
export function relativeTime(iso, nowMs) {
  const seconds = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  if (seconds < 45) return "just now";
  if (seconds < 3_600) return `${Math.max(1, Math.round(seconds / 60))} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3_600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
}

/**
 * What is wrong with a subscription token that can be told without the server, or undefined
 * when only the server can judge it. Tokens are `user.issuedAt.expiresAt.signature`, or
 * `user.expiresAt.signature` when minted before issue times (src/domain/token.ts).
 * @param {string | null | undefined} token
 * @param {number} nowSeconds
 * @returns {"missing" | "malformed" | "expired" | undefined}
 */
export function tokenProblem(token, nowSeconds) {
  if (!token) return "missing";
  const parts = token.split(".");
  if (parts.length !== 3 && parts.length !== 4) return "malformed";
  const times = parts.slice(1, -1);
  if (!times.every((time) => /^[1-9]\d{0,15}$/.test(time))) return "malformed";
  return Number(times.at(-1)) <= nowSeconds ? "expired" : undefined;
}

/**
 * A WebSocket endpoint in one spelling: a ws(s) URL without query, fragment or credentials,
 * without a trailing slash on its path. Undefined for anything else.
 * @param {unknown} text
 * @returns {string | undefined}
 */
function socketEndpoint(text) {
  if (typeof text !== "string") return undefined;
  let url;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== "ws:" && url.protocol !== "wss:") return undefined;
  if (url.search || url.hash || url.username || url.password) return undefined;
  return url.href.replace(/\/$/, "");
}

/** The keys config.json may have: the socket's endpoint, and deployed, the hot-ping URL. */
const CONFIG_KEYS = ["websocketUrl", "hotPollUrl"];

/**
 * config.json as an object with only the keys it may have and a `websocketUrl`; else undefined.
 * @param {unknown} json
 * @returns {{ websocketUrl: unknown, hotPollUrl?: unknown } | undefined}
 */
function configObject(json) {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return undefined;
  const keys = Object.keys(json);
  if (!keys.includes("websocketUrl") || !keys.every((key) => CONFIG_KEYS.includes(key))) return undefined;
  return /** @type {{ websocketUrl: unknown, hotPollUrl?: unknown }} */ (json);
}

/**
 * The endpoint of the page's config.json, which the deployment writes beside the page:
 * `{"websocketUrl":"wss://…"}`, deployed with a `"hotPollUrl"` too. Undefined for anything else,
 * so a malformed file adds nothing.
 * @param {unknown} json
 * @returns {string | undefined}
 */
export function configuredEndpoint(json) {
  const config = configObject(json);
  return config === undefined ? undefined : socketEndpoint(config.websocketUrl);
}

/**
 * Where the deployed page sends its hot pings (docs/SCALE.md): config.json's `hotPollUrl`, an
 * http(s) URL without query, fragment or credentials, only in a config.json the page can use at
 * all. Undefined otherwise, and locally, where `npm start` hot-polls by presence.
 * @param {unknown} json
 * @returns {string | undefined}
 */
export function configuredHotPollUrl(json) {
  const config = configObject(json);
  if (config === undefined || socketEndpoint(config.websocketUrl) === undefined || typeof config.hotPollUrl !== "string") return undefined;
  let url;
  try {
    url = new URL(config.hotPollUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  if (url.search || url.hash || url.username || url.password) return undefined;
  return url.href;
}

/** A hot ping every 15 s while the socket is open (src/lambda/hot-poll.ts leases for 13 s). */
export const HOT_PING_MS = 15_000;
/** ±1 s, so tabs opened together drift apart instead of pinging in step. */
export const HOT_PING_JITTER_MS = 1_000;
/** The longest a 429's Retry-After holds pings back: the budget's hour. */
const HOT_PING_MAX_WAIT_MS = 3_600_000;

/**
 * What to do after a hot ping's answer: `undefined` to stop (401, the token was refused: the
 * socket's next connect finds out why), else the milliseconds until the next ping. A 429 waits
 * its Retry-After (seconds), never less than the usual interval; anything else (204, a failure,
 * no answer at all) pings again at the usual interval, with jitter.
 * @param {number | undefined} status undefined when the request failed
 * @param {string | null | undefined} retryAfter the Retry-After header
 * @param {() => number} [random]
 * @returns {number | undefined}
 */
export function nextHotPing(status, retryAfter, random = Math.random) {
  if (status === 401) return undefined;
  const usual = Math.round(HOT_PING_MS + (random() * 2 - 1) * HOT_PING_JITTER_MS);
  if (status !== 429 || !retryAfter || !/^\d+$/.test(retryAfter.trim())) return usual;
  return Math.max(usual, Math.min(HOT_PING_MAX_WAIT_MS, Number(retryAfter.trim()) * 1000));
}

/**
 * Where the socket goes. The page keeps a token, so it connects only to its own origin's
 * endpoint or the one config.json names (preferred: a deployed page and its API differ). A
 * `?ws=` may pick one of those; any other is `ignored`, never connected to.
 * @param {PageLocation} location
 * @param {string | undefined} configured config.json's endpoint, from `configuredEndpoint`
 * @returns {{ endpoint: string, allowed: string[], ignored?: string }}
 */
export function chooseEndpoint(location, configured) {
  const own = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}`;
  const allowed = configured === undefined || configured === own ? [own] : [configured, own];
  const endpoint = allowed[0] ?? own;
  const asked = new URLSearchParams(location.search).get("ws");
  if (!asked) return { endpoint, allowed };
  const wanted = socketEndpoint(asked);
  return wanted !== undefined && allowed.includes(wanted) ? { endpoint: wanted, allowed } : { endpoint, allowed, ignored: asked };
}

/**
 * What the page says when it ignored a `?ws=`.
 * @param {string} ignored
 * @param {string[]} allowed
 * @returns {string}
 */
export function ignoredEndpointNotice(ignored, allowed) {
  const shown = ignored.length > 80 ? `${ignored.slice(0, 80)}…` : ignored;
  return `Ignored ?ws=${shown}: this page connects only to ${allowed.join(" or ")}, so your token stays there.`;
}

/**
 * The URL to open: the endpoint with the token in the query, as `$connect` reads it.
 * @param {string} endpoint from `chooseEndpoint`
 * @param {string} token
 * @returns {string}
 */
export function socketUrl(endpoint, token) {
  const url = new URL(endpoint);
  url.searchParams.set("token", token);
  return url.toString();
}

/**
 * The plain-HTTP twin of a socket endpoint, to tell a refused handshake from a server that is
 * down (browsers hide the status), only when it is the page's own origin: the page's CSP lets
 * it reach nothing else.
 * @param {string} endpoint
 * @param {string} pageOrigin
 * @returns {string | undefined}
 */
export function handshakeProbeUrl(endpoint, pageOrigin) {
  const url = new URL(endpoint);
  url.protocol = url.protocol === "wss:" ? "https:" : "http:";
  return url.origin === pageOrigin ? `${url.origin}/` : undefined;
}

/**
 * The link of an article, only when it is plain http(s): a frame must not inject `javascript:`.
 * @param {string} text
 * @returns {string | undefined}
 */
export function safeHttpUrl(text) {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:" ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}
