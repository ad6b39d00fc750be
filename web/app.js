// The browser client: one socket to the live-likes WebSocket API, likes listed as they arrive.
import {
  LikeFeed,
  backoffDelay,
  caughtUpNotice,
  chooseEndpoint,
  configuredEndpoint,
  configuredHotPollUrl,
  groupLikes,
  handshakeProbeUrl,
  HOT_PING_JITTER_MS,
  HOT_PING_MS,
  ignoredEndpointNotice,
  nextHotPing,
  parseFrame,
  reconnectingText,
  relativeTime,
  safeHttpUrl,
  socketUrl,
  sourceStatusText,
  tokenProblem,
} from "./live-feed.js";
import { createAttention } from "./attention.js";

/** @typedef {import("./live-feed.js").LikeCard} LikeCard */

// API Gateway drops a connection after 10 minutes without a client message.
const PING_EVERY_MS = 5 * 60_000;
// A connection that stayed up this long was healthy: the next outage starts backing off afresh.
const STABLE_AFTER_MS = 30_000;
const TOKEN_KEY = "live-likes.token";
const SHOWN_LIKERS = 3;

const ui = {
  status: byId("status", HTMLElement),
  retry: byId("retry", HTMLButtonElement),
  form: byId("token-form", HTMLFormElement),
  token: byId("token", HTMLInputElement),
  warning: byId("warning", HTMLElement),
  sources: byId("sources", HTMLUListElement),
  feed: byId("feed", HTMLOListElement),
  empty: byId("empty", HTMLElement),
  notice: byId("notice", HTMLElement),
};
const feed = new LikeFeed();
const attention = createAttention({ notify: byId("notify", HTMLButtonElement), sound: byId("sound", HTMLButtonElement) });
/** The endpoint chosen at start; the token is sent nowhere else. */
let endpoint = "";
/** Deployed only: where the open page pings with its token so its writer's likes are polled often. */
let hotPollUrl = "";
/** @type {ReturnType<typeof setTimeout> | undefined} */
let hotTimer;
/** Counts starts and stops: a ping's answer that arrives after a stop schedules nothing. */
let hotLoop = 0;
/** The hot-ping URL refused the token (401): silent until the next connection. */
let hotRefused = false;
/** When the last hot ping was sent, so a tab shown again does not ping sooner than one interval. */
let lastHotPingAt = 0;
/** @type {WebSocket | undefined} */
let socket;
let attempt = 0;
/** @type {ReturnType<typeof setTimeout>[]} */
let timers = [];
/** The catch-up in progress, over all its pages: where it started and how many likes it brought. */
let catchUp = { since: "", count: 0 };
/** @type {import("./live-feed.js").SourceStatus[]} */
let sources = [];
/**
 * When the last live connection was lost; undefined while live and before the first.
 * @type {number | undefined}
 */
let lostAt;

async function start() {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get("token");
  if (fromUrl) {
    localStorage.setItem(TOKEN_KEY, fromUrl);
    // Keep the token out of the address bar, bookmarks and screenshots once it is stored.
    params.delete("token");
    const query = params.toString();
    history.replaceState(null, "", `${location.pathname}${query ? `?${query}` : ""}${location.hash}`);
  }
  ui.token.value = localStorage.getItem(TOKEN_KEY) ?? "";
  ui.form.addEventListener("submit", (event) => {
    event.preventDefault();
    localStorage.setItem(TOKEN_KEY, ui.token.value.trim());
    attempt = 0;
    connect();
  });
  ui.retry.addEventListener("click", () => connect());
  window.addEventListener("online", () => {
    if (!socket) connect();
  });
  setInterval(() => {
    renderTimes();
    renderSources();
  }, 30_000);

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") startHotPings();
    else stopHotPings();
  });

  const config = await loadConfig();
  hotPollUrl = configuredHotPollUrl(config) ?? "";
  const choice = chooseEndpoint(location, configuredEndpoint(config));
  endpoint = choice.endpoint;
  if (choice.ignored !== undefined) {
    ui.warning.textContent = ignoredEndpointNotice(choice.ignored, choice.allowed);
    ui.warning.hidden = false;
  }
  connect();
}

/**
 * config.json beside the page names the API's endpoint (and, deployed, the hot-ping URL); without
 * one the page's origin serves it.
 * @returns {Promise<unknown>}
 */
async function loadConfig() {
  try {
    const response = await fetch("config.json", { cache: "no-store" });
    return response.ok ? await response.json() : undefined;
  } catch {
    return undefined;
  }
}

function connect() {
  stop();
  const token = localStorage.getItem(TOKEN_KEY) ?? "";
  const problem = tokenProblem(token, Date.now() / 1000);
  if (problem === "missing") return setStatus("refused", "no token: paste one below");
  if (problem) return setStatus("refused", `refused: token ${problem}`);

  setStatus("connecting", "connecting…");
  const ws = new WebSocket(socketUrl(endpoint, token));
  socket = ws;
  /** @type {number | undefined} */
  let openedAt;
  ws.addEventListener("open", () => {
    openedAt = Date.now();
    lostAt = undefined;
    // "live" once the catch-up is done: until then likes it missed are still on their way.
    setStatus("catching-up", "catching up…");
    // Always: a first load shows the recent likes, and a tab that dropped before any like gets them.
    catchUp = { since: feed.resuming(), count: 0 };
    send(ws, { action: "resume", since: catchUp.since });
    timers.push(setInterval(() => send(ws, { action: "ping" }), PING_EVERY_MS));
    hotRefused = false;
    startHotPings();
  });
  ws.addEventListener("message", (event) => onFrame(ws, event.data));
  ws.addEventListener("close", () => {
    if (socket !== ws) return;
    socket = undefined;
    stop();
    if (openedAt === undefined) return void explainFailedHandshake();
    lostAt = Date.now();
    if (lostAt - openedAt > STABLE_AFTER_MS) attempt = 0;
    scheduleReconnect("unreachable");
  });
}

/**
 * @param {WebSocket} ws
 * @param {{ action: "ping" } | { action: "resume", since: string }} request
 */
function send(ws, request) {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(request));
}

/**
 * Browsers hide the HTTP status of a refused handshake. If the server answers plain HTTP, it is
 * up and said no to this token; if not, it is down and worth retrying. Only the page's own
 * origin can be asked (CSP): for any other endpoint the page cannot tell, says so, and retries.
 */
async function explainFailedHandshake() {
  const probe = handshakeProbeUrl(endpoint, location.origin);
  const reachable =
    probe !== undefined &&
    (await fetch(probe, { mode: "no-cors", cache: "no-store" }).then(
      () => true,
      () => false,
    ));
  if (socket) return;
  if (reachable) setStatus("refused", "refused: token rejected");
  else scheduleReconnect(probe === undefined ? "unknown" : "unreachable");
}

/** @param {"unreachable" | "unknown"} cause */
function scheduleReconnect(cause) {
  const due = Date.now() + backoffDelay(attempt++);
  const tick = () => setStatus("reconnecting", reconnectingText({ lostAt, cause, secondsLeft: Math.ceil((due - Date.now()) / 1000) }));
  tick();
  timers.push(setInterval(tick, 1_000), setTimeout(connect, due - Date.now()));
}

/**
 * Deployed, while the socket is open and the tab visible: a hot ping now (or once an interval
 * has passed since the last one), then as `nextHotPing` says. The pings are what polls the
 * writer's newest articles every few seconds (docs/SCALE.md); no open socket, no ping.
 */
function startHotPings() {
  if (!hotPollUrl || hotRefused || hotTimer !== undefined || document.visibilityState !== "visible") return;
  if (socket?.readyState !== WebSocket.OPEN) return;
  const loop = ++hotLoop;
  scheduleHotPing(loop, Math.max(0, lastHotPingAt + HOT_PING_MS - HOT_PING_JITTER_MS - Date.now()));
}

/**
 * @param {number} loop
 * @param {number} delayMs
 */
function scheduleHotPing(loop, delayMs) {
  hotTimer = setTimeout(() => void hotPing(loop), delayMs);
}

function stopHotPings() {
  hotLoop++;
  clearTimeout(hotTimer);
  hotTimer = undefined;
}

/**
 * Best effort: a failed ping logs nothing and the next one comes at the usual interval.
 * @param {number} loop the pings it belongs to; stopped meanwhile, it schedules nothing
 */
async function hotPing(loop) {
  if (socket?.readyState !== WebSocket.OPEN || document.visibilityState !== "visible") return stopHotPings();
  lastHotPingAt = Date.now();
  /** @type {Response | undefined} */
  let response;
  try {
    // A text body: a CORS "simple request", so no preflight; the token is the only credential.
    response = await fetch(hotPollUrl, {
      method: "POST",
      body: localStorage.getItem(TOKEN_KEY) ?? "",
      cache: "no-store",
      credentials: "omit",
      keepalive: true,
    });
  } catch {
    response = undefined;
  }
  if (loop !== hotLoop) return;
  const delay = nextHotPing(response?.status, response?.headers.get("retry-after"));
  if (delay !== undefined) return scheduleHotPing(loop, delay);
  // Refused: no more pings on this connection; the next connect finds out about the token.
  hotRefused = true;
  stopHotPings();
}

function stop() {
  stopHotPings();
  for (const timer of timers) clearTimeout(timer);
  timers = [];
  if (socket) {
    const old = socket;
    socket = undefined;
    old.close(1000, "reconnecting");
  }
}

/**
 * @param {WebSocket} ws
 * @param {unknown} data
 */
function onFrame(ws, data) {
  const frame = typeof data === "string" ? parseFrame(data) : undefined;
  if (!frame) return console.warn("live-likes: ignored a frame it cannot read:", data);
  switch (frame.type) {
    case "like":
      if (feed.add(frame.like)) {
        render(frame.like.id);
        attention.liked(frame.like, feed.catchingUp);
      }
      return;
    case "resumed": {
      catchUp.count += frame.count;
      const next = feed.resumed(frame);
      if (next === undefined) {
        ui.notice.textContent = caughtUpNotice(catchUp.count, catchUp.since) ?? "";
        setStatus("live", "live");
      } else {
        ui.notice.textContent = `Catching up… ${catchUp.count} likes so far.`;
        send(ws, { action: "resume", since: next });
      }
      return;
    }
    case "error":
      if (frame.retryAfter === undefined) {
        console.warn("live-likes: the server answered:", frame.message);
        // A resume that failed (e.g. "unknown connection") would leave the page catching up
        // forever: a new connection, after the usual backoff, asks again from the same point.
        if (feed.catchingUp) ws.close(4000, "resume failed");
        return;
      }
      // Too many resumes: ask again from the last like in hand once the server allows it.
      ui.notice.textContent = `Catching up paused by the server; continuing in ${frame.retryAfter} s.`;
      timers.push(
        setTimeout(() => {
          if (socket === ws) send(ws, { action: "resume", since: feed.resuming() });
        }, frame.retryAfter * 1000),
      );
      return;
    case "status":
      sources = frame.sources;
      renderSources();
      return;
    case "pong":
      return;
  }
}

/**
 * @param {"connecting" | "catching-up" | "live" | "reconnecting" | "refused"} state
 * @param {string} text
 */
function setStatus(state, text) {
  ui.status.dataset.state = state;
  ui.status.textContent = text;
  ui.form.hidden = state !== "refused";
  ui.retry.hidden = state !== "reconnecting";
  // "No likes yet" under a form asking for a token reads as if the token worked.
  ui.empty.hidden = feed.likes.length > 0 || state === "refused";
}

/** @param {string} freshId */
function render(freshId) {
  ui.feed.replaceChildren(...groupLikes(feed.likes).map((card) => likeItem(card, card.ids.includes(freshId))));
  ui.empty.hidden = feed.likes.length > 0;
}

/**
 * @param {LikeCard} like
 * @param {boolean} fresh
 */
function likeItem(like, fresh) {
  const item = element("li", { className: fresh ? "like fresh" : "like" });
  item.dataset.likes = String(like.ids.length);
  item.append(element("span", { className: "delta", textContent: `+${like.delta}` }));
  const body = element("div", { className: "body" });
  const href = safeHttpUrl(like.url);
  body.append(
    href
      ? element("a", { className: "title", href, target: "_blank", rel: "noopener noreferrer", textContent: like.title })
      : element("span", { className: "title", textContent: like.title }),
  );
  const meta = element("div", { className: "meta" });
  meta.append(
    likersLine(like.likers),
    element("time", { dateTime: like.at, title: new Date(like.at).toLocaleString(), textContent: relativeTime(like.at, Date.now()) }),
    element("span", { className: "count", textContent: `♥ ${like.likesCount}` }),
  );
  body.append(meta);
  item.append(body);
  return item;
}

/** @param {string[]} likers */
function likersLine(likers) {
  const line = element("span", { className: "who" });
  if (likers.length === 0) line.append("someone");
  likers.slice(0, SHOWN_LIKERS).forEach((liker, index) => {
    if (index > 0) line.append(", ");
    const href = `https://qiita.com/${encodeURIComponent(liker)}`;
    line.append(element("a", { href, target: "_blank", rel: "noopener noreferrer", textContent: `@${liker}` }));
  });
  if (likers.length > SHOWN_LIKERS) line.append(` and ${likers.length - SHOWN_LIKERS} more`);
  line.append(" liked");
  return line;
}

/** The sources that are not ok, one line each; nothing while all are. */
function renderSources() {
  const lines = sources.flatMap((source) => {
    const text = sourceStatusText(source, Date.now());
    // The server's own words, for whoever wants the detail.
    return text === undefined ? [] : [element("li", { textContent: text, title: source.message })];
  });
  ui.sources.replaceChildren(...lines);
  ui.sources.hidden = lines.length === 0;
}

function renderTimes() {
  for (const time of ui.feed.querySelectorAll("time")) time.textContent = relativeTime(time.dateTime, Date.now());
}

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Partial<HTMLElementTagNameMap[K]>} properties
 * @returns {HTMLElementTagNameMap[K]}
 */
function element(tag, properties) {
  return Object.assign(document.createElement(tag), properties);
}

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
function byId(id, type) {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`live-likes: the page has no #${id} ${type.name}`);
  return found;
}

void start();
