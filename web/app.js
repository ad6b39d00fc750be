// The browser client: one socket to the live-likes WebSocket API, likes listed as they arrive.
import {
  LikeFeed,
  backoffDelay,
  caughtUpNotice,
  parseFrame,
  relativeTime,
  safeHttpUrl,
  socketUrl,
  tokenProblem,
} from "./live-feed.js";

// API Gateway drops a connection after 10 minutes without a client message.
const PING_EVERY_MS = 5 * 60_000;
// A connection that stayed up this long was healthy: the next outage starts backing off afresh.
const STABLE_AFTER_MS = 30_000;
const TOKEN_KEY = "live-likes.token";
const SHOWN_LIKERS = 3;

const ui = {
  status: document.getElementById("status"),
  form: document.getElementById("token-form"),
  token: document.getElementById("token"),
  feed: document.getElementById("feed"),
  empty: document.getElementById("empty"),
  notice: document.getElementById("notice"),
};
const feed = new LikeFeed();
let socket;
let attempt = 0;
let timers = [];
// The `since` of the resume in flight, to word what its replay was.
let resumedSince;

function start() {
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
  window.addEventListener("online", () => {
    if (!socket) connect();
  });
  setInterval(renderTimes, 30_000);
  connect();
}

function connect() {
  stop();
  const token = localStorage.getItem(TOKEN_KEY) ?? "";
  const problem = tokenProblem(token, Date.now() / 1000);
  if (problem === "missing") return setStatus("refused", "no token: paste one below");
  if (problem) return setStatus("refused", `refused: token ${problem}`);

  setStatus("connecting", "connecting…");
  const ws = new WebSocket(socketUrl(location, token));
  socket = ws;
  let openedAt;
  ws.addEventListener("open", () => {
    openedAt = Date.now();
    setStatus("live", "live");
    // Always: a first load shows the last 24 h, and a tab that dropped before any like gets them.
    resumedSince = feed.resuming();
    ws.send(JSON.stringify({ action: "resume", since: resumedSince }));
    timers.push(setInterval(() => ws.send(JSON.stringify({ action: "ping" })), PING_EVERY_MS));
  });
  ws.addEventListener("message", (event) => onFrame(event.data));
  ws.addEventListener("close", () => {
    if (socket !== ws) return;
    socket = undefined;
    stop();
    if (openedAt === undefined) return explainFailedHandshake(ws.url);
    if (Date.now() - openedAt > STABLE_AFTER_MS) attempt = 0;
    scheduleReconnect();
  });
}

/**
 * Browsers hide the HTTP status of a refused handshake. If the server answers plain HTTP, it is
 * up and said no to this token; if not, it is down and worth retrying.
 */
async function explainFailedHandshake(wsUrl) {
  const url = new URL(wsUrl);
  url.protocol = url.protocol === "wss:" ? "https:" : "http:";
  url.search = "";
  const reachable = await fetch(url, { mode: "no-cors", cache: "no-store" }).then(
    () => true,
    () => false,
  );
  if (socket) return;
  if (reachable) setStatus("refused", "refused: token rejected");
  else scheduleReconnect();
}

function scheduleReconnect() {
  const due = Date.now() + backoffDelay(attempt++);
  const tick = () => setStatus("reconnecting", `reconnecting in ${Math.max(1, Math.ceil((due - Date.now()) / 1000))} s`);
  tick();
  timers.push(setInterval(tick, 1_000), setTimeout(connect, due - Date.now()));
}

function stop() {
  for (const timer of timers) clearTimeout(timer);
  timers = [];
  if (socket) {
    const old = socket;
    socket = undefined;
    old.close(1000, "reconnecting");
  }
}

function onFrame(data) {
  const frame = typeof data === "string" ? parseFrame(data) : undefined;
  if (!frame) return console.warn("live-likes: ignored a frame it cannot read:", data);
  if (frame.type === "like" && feed.add(frame.like)) render(frame.like.id);
  if (frame.type === "resumed") {
    feed.resumed();
    const notice = caughtUpNotice(frame.count, resumedSince);
    if (notice) ui.notice.textContent = notice;
  }
  if (frame.type === "error") console.warn("live-likes: the server answered:", frame.message);
}

function setStatus(state, text) {
  ui.status.dataset.state = state;
  ui.status.textContent = text;
  ui.form.hidden = state !== "refused";
}

function render(freshId) {
  ui.feed.replaceChildren(...feed.likes.map((like) => likeItem(like, like.id === freshId)));
  ui.empty.hidden = feed.likes.length > 0;
}

function likeItem(like, fresh) {
  const item = element("li", { className: fresh ? "like fresh" : "like" });
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

function renderTimes() {
  for (const time of ui.feed.querySelectorAll("time")) time.textContent = relativeTime(time.dateTime, Date.now());
}

function element(tag, properties) {
  return Object.assign(document.createElement(tag), properties);
}

start();
