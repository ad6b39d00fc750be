// The browser client: one socket to the live-likes WebSocket API, likes listed as they arrive.
import {
  LikeFeed,
  backoffDelay,
  bodyPreview,
  caughtUpNotice,
  chooseEndpoint,
  configuredEndpoint,
  configuredHotPollUrl,
  feedCards,
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
import { createDashboard, parseStatsFrame, statsRequest } from "./dashboard.js";
import { createPreferencesPanel, parsePreferencesFrame } from "./preferences.js";

/** @typedef {import("./live-feed.js").LikeCard} LikeCard */
/** @typedef {import("./live-feed.js").FeedFrame} FeedFrame */
/** @typedef {import("./live-feed.js").StarFrame} StarFrame */
/** @typedef {import("./live-feed.js").NotificationFrame} NotificationFrame */

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
const dashboard = createDashboard({
  root: byId("dashboard", HTMLElement),
  feedTab: byId("show-feed", HTMLButtonElement),
  dashboardTab: byId("show-dashboard", HTMLButtonElement),
  ask: () => {
    if (socket?.readyState !== WebSocket.OPEN) return false;
    send(socket, statsRequest());
    return true;
  },
});
const preferences = createPreferencesPanel({
  root: byId("preferences", HTMLElement),
  ask: (request) => {
    if (socket?.readyState !== WebSocket.OPEN) return false;
    send(socket, request);
    return true;
  },
});
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
/** The catch-up in progress, over all its pages: where it started, how many frames it brought, whether all were likes. */
let catchUp = { since: "", count: 0, onlyLikes: true };
/**
 * Notifications whose long body the user opened with "Show all": a re-render keeps them open.
 * @type {Set<string>}
 */
const expanded = new Set();
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
    catchUp = { since: feed.resuming(), count: 0, onlyLikes: true };
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
 * @param {{ action: "ping" } | { action: "resume", since: string } | ReturnType<typeof statsRequest> | import("./preferences.js").PreferencesRequest} request
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
  const stats = typeof data === "string" ? parseStatsFrame(data) : undefined;
  if (stats) return dashboard.received(stats);
  const chosen = typeof data === "string" ? parsePreferencesFrame(data) : undefined;
  if (chosen) return preferences.received(chosen);
  const frame = typeof data === "string" ? parseFrame(data) : undefined;
  if (!frame) return console.warn("live-likes: ignored a frame it cannot read:", data);
  switch (frame.type) {
    case "like":
      return arrived(frame.like);
    case "star":
      return arrived(frame.star);
    case "notification":
      return arrived(frame.notification);
    case "resumed": {
      catchUp.count += frame.count;
      const next = feed.resumed(frame);
      if (next === undefined) {
        ui.notice.textContent = caughtUpNotice(catchUp.count, catchUp.since, catchUp.onlyLikes) ?? "";
        setStatus("live", "live");
        dashboard.connected();
        preferences.connected();
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
        // A change of preferences refused names its field; otherwise stats, asked only once caught up.
        else if (preferences.waiting()) preferences.refused(frame.message);
        else dashboard.refused(frame.message);
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

/** @param {FeedFrame} item a like, a star or a notification, live or replayed */
function arrived(item) {
  if (!feed.add(item)) return;
  // Replayed frames are in the numbers the dashboard asks for once caught up; live ones are added.
  if (!feed.catchingUp) dashboard.arrived(item);
  if (feed.catchingUp && item.type !== "like") catchUp.onlyLikes = false;
  render(item.id);
  attention.arrived(item, feed.catchingUp);
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
  ui.empty.hidden = feed.items.length > 0 || state === "refused";
}

/** @param {string} freshId */
function render(freshId) {
  ui.feed.replaceChildren(
    ...feedCards(feed.items).map((card) => {
      const fresh = card.ids.includes(freshId);
      if (card.kind === "star") return starItem(card.star, fresh);
      if (card.kind === "notification") return notificationItem(card.notification, fresh);
      return likeItem(card, fresh);
    }),
  );
  ui.empty.hidden = feed.items.length > 0;
}

/**
 * ⭐ OWNER/NAME, +delta, who starred, the total.
 * @param {StarFrame} star
 * @param {boolean} fresh
 */
function starItem(star, fresh) {
  const item = element("li", { className: fresh ? "star fresh" : "star" });
  item.append(element("span", { className: "delta", textContent: `+${star.delta}` }));
  const body = element("div", { className: "body" });
  const href = safeHttpUrl(star.url);
  const title = `⭐ ${star.repo}`;
  body.append(
    href
      ? element("a", { className: "title", href, target: "_blank", rel: "noopener noreferrer", textContent: title })
      : element("span", { className: "title", textContent: title }),
  );
  const meta = element("div", { className: "meta" });
  meta.append(
    peopleLine(star.stargazers, (login) => `https://github.com/${encodeURIComponent(login)}`, " starred"),
    timeElement(star.at),
    element("span", { className: "count", textContent: `★ ${star.stargazersCount}` }),
  );
  body.append(meta);
  item.append(body);
  return item;
}

/**
 * A published notification: its title (a link to `url`), its body as text with its line breaks
 * (collapsed when long), a link to the full message when it came as `bodyUrl`, and the group it
 * went to.
 * @param {NotificationFrame} notification
 * @param {boolean} fresh
 */
function notificationItem(notification, fresh) {
  const item = element("li", { className: fresh ? "notification fresh" : "notification" });
  item.dataset.id = notification.id;
  item.append(element("span", { className: "delta", textContent: "✉", ariaHidden: "true" }));
  const body = element("div", { className: "body" });
  const href = notification.url === undefined ? undefined : safeHttpUrl(notification.url);
  body.append(
    href
      ? element("a", { className: "title", href, target: "_blank", rel: "noopener noreferrer", textContent: notification.title })
      : element("span", { className: "title", textContent: notification.title }),
  );
  if (notification.body) body.append(...bodyText(notification.id, notification.body));
  const meta = element("div", { className: "meta" });
  const full = notification.bodyUrl === undefined ? undefined : safeHttpUrl(notification.bodyUrl);
  if (full)
    meta.append(
      element("a", { className: "full", href: full, target: "_blank", rel: "noopener noreferrer", textContent: "open the full message" }),
    );
  if (notification.to.startsWith("group:")) meta.append(element("span", { className: "to", textContent: `to ${notification.to}` }));
  meta.append(timeElement(notification.at));
  body.append(meta);
  item.append(body);
  return item;
}

/**
 * The body as text (textContent: a publisher's HTML shows as the characters it is), the start
 * of it with a "Show all" button when long.
 * @param {string} id
 * @param {string} text
 * @returns {HTMLElement[]}
 */
function bodyText(id, text) {
  const preview = bodyPreview(text);
  const shown = element("p", { className: "text", textContent: expanded.has(id) ? text : preview.text });
  if (!preview.collapsed) return [shown];
  const toggle = element("button", { className: "more", type: "button", textContent: expanded.has(id) ? "Show less" : "Show all" });
  toggle.addEventListener("click", () => {
    if (expanded.has(id)) expanded.delete(id);
    else expanded.add(id);
    const open = expanded.has(id);
    shown.textContent = open ? text : preview.text;
    toggle.textContent = open ? "Show less" : "Show all";
  });
  return [shown, toggle];
}

/** @param {string} at */
function timeElement(at) {
  return element("time", { dateTime: at, title: new Date(at).toLocaleString(), textContent: relativeTime(at, Date.now()) });
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
    peopleLine(like.likers, (liker) => `https://qiita.com/${encodeURIComponent(liker)}`, " liked"),
    timeElement(like.at),
    element("span", { className: "count", textContent: `♥ ${like.likesCount}` }),
  );
  body.append(meta);
  item.append(body);
  return item;
}

/**
 * "@a, @b and 3 more liked": the first few people, each a link to their profile.
 * @param {string[]} people
 * @param {(name: string) => string} profile
 * @param {string} verb
 */
function peopleLine(people, profile, verb) {
  const line = element("span", { className: "who" });
  if (people.length === 0) line.append("someone");
  people.slice(0, SHOWN_LIKERS).forEach((name, index) => {
    if (index > 0) line.append(", ");
    line.append(element("a", { href: profile(name), target: "_blank", rel: "noopener noreferrer", textContent: `@${name}` }));
  });
  if (people.length > SHOWN_LIKERS) line.append(` and ${people.length - SHOWN_LIKERS} more`);
  line.append(verb);
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
