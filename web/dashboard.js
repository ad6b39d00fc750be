// The dashboard view: one's own numbers per source (likes, stars) from the server's `stats` frame,
// kept live as like and star frames arrive. Pure helpers first (unit-tested), then the DOM.

import { jsonObject } from "./live-feed.js";

/** @typedef {{ date: string, likes: number, stars: number }} StatsDay */
/** @typedef {{ kind: "like" | "star", title: string, url: string, count: number }} StatsTopItem */
/** @typedef {{ type: "stats", days: StatsDay[], totals: { likes: number, stars: number }, top: StatsTopItem[] }} StatsFrame */
/** @typedef {"likes" | "stars"} Source */
/** What the dashboard needs of a live frame (a like's or a star's fields). @typedef {{ type: string, id: string, delta?: unknown, title?: unknown, repo?: unknown, url?: unknown }} ArrivedFrame */
/** @typedef {{ x: number, y: number, width: number, height: number, date: string, value: number }} Bar */

/** Days the dashboard asks for: the chart's month. */
export const DASHBOARD_DAYS = 30;
/** The "last 7 days" figure. */
export const WEEK_DAYS = 7;
/** Top items listed per source (the server sends up to 5 of each). */
export const TOP_SHOWN = 5;
/** Asked again this often while shown, so a new day starts at zero without a reload. */
export const REFRESH_MS = 10 * 60_000;
/** The chart's drawing box (viewBox units): one 10-unit slot per day, bars 100 units tall at most. */
export const CHART = { slot: 10, gap: 2, height: 100 };

/** @type {Record<Source, "like" | "star">} */
const KIND_OF = { likes: "like", stars: "star" };

/** @returns {{ action: "stats", days: number }} */
export function statsRequest() {
  return { action: "stats", days: DASHBOARD_DAYS };
}

/**
 * The stats frame in `text`, or undefined for anything else (another frame, or a malformed one).
 * @param {string} text
 * @returns {StatsFrame | undefined}
 */
export function parseStatsFrame(text) {
  const frame = jsonObject(text);
  if (!frame) return undefined;
  if (frame.type !== "stats" || !Array.isArray(frame.days) || !Array.isArray(frame.top)) return undefined;
  if (!frame.days.every(isDay) || !frame.top.every(isTopItem)) return undefined;
  const days = /** @type {StatsDay[]} */ (frame.days);
  return {
    type: "stats",
    days: days.map(({ date, likes, stars }) => ({ date, likes, stars })),
    totals: { likes: sum(days, "likes"), stars: sum(days, "stars") },
    top: /** @type {StatsTopItem[]} */ (frame.top).map(({ kind, title, url, count }) => ({ kind, title, url, count })),
  };
}

/**
 * @param {unknown} day
 * @returns {day is StatsDay}
 */
function isDay(day) {
  if (typeof day !== "object" || day === null) return false;
  const { date, likes, stars } = /** @type {Record<string, unknown>} */ (day);
  return typeof date === "string" && /^\d{4}-\d{2}-\d{2}$/.test(date) && isCount(likes) && isCount(stars);
}

/**
 * @param {unknown} item
 * @returns {item is StatsTopItem}
 */
function isTopItem(item) {
  if (typeof item !== "object" || item === null) return false;
  const { kind, title, url, count } = /** @type {Record<string, unknown>} */ (item);
  return (kind === "like" || kind === "star") && typeof title === "string" && typeof url === "string" && isCount(count);
}

/** @param {unknown} value */
function isCount(value) {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

/**
 * @param {StatsDay[]} days
 * @param {Source} source
 */
function sum(days, source) {
  return days.reduce((total, day) => total + day[source], 0);
}

/**
 * One source's figures: over the whole period, the last day (today, in the server's time zone)
 * and the last seven days.
 * @param {StatsFrame} stats
 * @param {Source} source
 * @returns {{ total: number, today: number, week: number }}
 */
export function sourceFigures(stats, source) {
  return {
    total: sum(stats.days, source),
    today: stats.days.at(-1)?.[source] ?? 0,
    week: sum(stats.days.slice(-WEEK_DAYS), source),
  };
}

/**
 * The daily chart's bars in CHART's viewBox, oldest first: heights to scale with the busiest day,
 * and a zero day a sliver of 1 so every day is visibly there.
 * @param {StatsDay[]} days
 * @param {Source} source
 * @returns {Bar[]}
 */
export function chartBars(days, source) {
  const most = Math.max(1, ...days.map((day) => day[source]));
  return days.map((day, index) => {
    const value = day[source];
    const height = value === 0 ? 1 : Math.max(2, Math.round((value / most) * CHART.height));
    return {
      x: index * CHART.slot + CHART.gap / 2,
      y: CHART.height - height,
      width: CHART.slot - CHART.gap,
      height,
      date: day.date,
      value,
    };
  });
}

/**
 * One source's top items, most first.
 * @param {StatsFrame} stats
 * @param {Source} source
 */
export function topOf(stats, source) {
  return stats.top.filter((item) => item.kind === KIND_OF[source]).slice(0, TOP_SHOWN);
}

/**
 * The numbers as last answered, with the likes and stars that arrived live since added to the
 * last day. A frame that arrives while a request is out may or may not be in its answer (the
 * server counts it just after sending it): it is left to the answer, and an id is added at most
 * once, so a replayed or duplicated frame adds nothing.
 */
export class DashboardStats {
  /** @type {StatsFrame | undefined} */
  stats;
  /** Whether a request is out. */
  asking = false;
  /** @type {Set<string>} */
  #seen = new Set();

  /** Call when a request is sent. */
  asked() {
    this.asking = true;
  }

  /** @param {StatsFrame} frame */
  received(frame) {
    this.stats = { ...frame, days: frame.days.map((day) => ({ ...day })), top: frame.top.map((item) => ({ ...item })) };
    this.asking = false;
  }

  /**
   * A live like or star: added to the last day and to its item. Resolves whether anything changed.
   * @param {ArrivedFrame} frame
   */
  arrived(frame) {
    if (frame.type !== "like" && frame.type !== "star") return false;
    if (this.#seen.has(frame.id)) return false;
    this.#seen.add(frame.id);
    const delta = frame.delta;
    const stats = this.stats;
    const today = stats?.days.at(-1);
    if (!stats || !today || this.asking || typeof delta !== "number" || !Number.isInteger(delta) || delta <= 0) return false;
    /** @type {Source} */
    const source = frame.type === "like" ? "likes" : "stars";
    today[source] += delta;
    stats.totals[source] += delta;
    const title = String(frame.type === "star" ? frame.repo : frame.title);
    const url = String(frame.url);
    const item = stats.top.find((top) => top.kind === frame.type && top.url === url);
    if (item) {
      item.count += delta;
      item.title = title;
    } else stats.top.push({ kind: frame.type, title, url, count: delta });
    stats.top.sort((a, b) => b.count - a.count);
    return true;
  }
}

/**
 * "Dec 1": a day as the chart's axis shows it, whatever the reader's zone (the date is already the server's day).
 * @param {string} date YYYY-MM-DD
 */
export function shortDate(date) {
  return new Date(`${date}T00:00:00Z`).toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
}

// ─── DOM ────────────────────────────────────────────────────────────────────────────────────────

const SVG = "http://www.w3.org/2000/svg";
/** @type {Record<Source, { heading: string, unit: string, empty: string }>} */
const LABELS = {
  likes: { heading: "♥ Likes", unit: "likes", empty: "No likes in these 30 days yet." },
  stars: { heading: "★ Stars", unit: "stars", empty: "No stars in these 30 days yet." },
};

/**
 * The dashboard view and the Feed/Dashboard switch.
 * @param {{ root: HTMLElement, feedTab: HTMLButtonElement, dashboardTab: HTMLButtonElement, ask: () => boolean }} options
 *   `ask` sends a stats request and says whether it could (a socket is open).
 */
export function createDashboard({ root, feedTab, dashboardTab, ask }) {
  const model = new DashboardStats();
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let refresh;

  const request = () => {
    if (ask()) model.asked();
  };
  /** @type {string | undefined} */
  let problem;
  const render = () => {
    const stats = model.stats;
    if (!stats) {
      const text = problem === undefined ? "Loading your numbers…" : `Your numbers are not available: ${problem}`;
      return void root.replaceChildren(element("p", { className: "loading", textContent: text }));
    }
    root.replaceChildren(.../** @type {Source[]} */ (["likes", "stars"]).map((source) => panel(stats, source)));
  };
  /**
   * @param {boolean} dashboard
   * @param {boolean} [asking] ask for fresh numbers now (not at start: `connected` asks once the socket is live)
   */
  const show = (dashboard, asking = true) => {
    document.body.dataset.view = dashboard ? "dashboard" : "feed";
    root.hidden = !dashboard;
    feedTab.setAttribute("aria-pressed", String(!dashboard));
    dashboardTab.setAttribute("aria-pressed", String(dashboard));
    clearInterval(refresh);
    refresh = undefined;
    if (!dashboard) return;
    render();
    if (asking) request();
    refresh = setInterval(() => {
      if (document.visibilityState === "visible") request();
    }, REFRESH_MS);
  };
  feedTab.addEventListener("click", () => {
    history.replaceState(null, "", `${location.pathname}${location.search}`);
    show(false);
  });
  dashboardTab.addEventListener("click", () => {
    history.replaceState(null, "", `${location.pathname}${location.search}#dashboard`);
    show(true);
  });
  show(location.hash === "#dashboard", false);

  return {
    /** The connection is live (again): fresh numbers, whichever view is shown. */
    connected() {
      request();
    },
    /**
     * The server answered a request with an error (e.g. a server that keeps no stats): said in
     * the view instead of loading forever, while no numbers are in hand.
     * @param {string} message
     */
    refused(message) {
      if (!model.asking) return;
      model.asking = false;
      problem = message;
      if (!root.hidden) render();
    },
    /** @param {StatsFrame} frame */
    received(frame) {
      problem = undefined;
      model.received(frame);
      if (!root.hidden) render();
    },
    /** @param {ArrivedFrame} frame a like or star frame that arrived live */
    arrived(frame) {
      if (model.arrived(frame) && !root.hidden) render();
    },
  };
}

/**
 * One source: its figures, the month's chart and its top items.
 * @param {StatsFrame} stats
 * @param {Source} source
 */
function panel(stats, source) {
  const labels = LABELS[source];
  const section = element("section", { className: `source ${source}` });
  section.dataset.source = source;
  section.append(element("h2", { textContent: labels.heading }));
  const figures = sourceFigures(stats, source);
  const list = element("dl", { className: "figures" });
  for (const [name, value, term] of /** @type {const} */ ([
    ["today", figures.today, "Today"],
    ["week", figures.week, "7 days"],
    ["total", figures.total, `${stats.days.length} days`],
  ])) {
    const figure = element("div", { className: "figure" });
    figure.dataset.figure = name;
    figure.append(element("dt", { textContent: term }), element("dd", { textContent: value.toLocaleString("en-US") }));
    list.append(figure);
  }
  section.append(list, chart(stats.days, source, labels.unit));
  const top = topOf(stats, source);
  if (top.length === 0) section.append(element("p", { className: "none", textContent: labels.empty }));
  else {
    const items = element("ol", { className: "top" });
    for (const item of top) {
      const line = element("li", {});
      const href = /^https?:\/\//.test(item.url) ? item.url : undefined;
      line.append(
        href
          ? element("a", { href, target: "_blank", rel: "noopener noreferrer", textContent: item.title })
          : element("span", { textContent: item.title }),
        element("span", { className: "count", textContent: `+${item.count}` }),
      );
      items.append(line);
    }
    section.append(items);
  }
  return section;
}

/**
 * The daily chart as inline SVG: one bar per day, each with its date and count as a tooltip,
 * the first and last dates under it.
 * @param {StatsDay[]} days
 * @param {Source} source
 * @param {string} unit
 */
function chart(days, source, unit) {
  const figure = element("figure", { className: "chart" });
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${days.length * CHART.slot} ${CHART.height}`);
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `${unit} per day, ${days.length} days`);
  for (const bar of chartBars(days, source)) {
    const rect = document.createElementNS(SVG, "rect");
    for (const name of /** @type {const} */ (["x", "y", "width", "height"])) rect.setAttribute(name, String(bar[name]));
    rect.setAttribute("class", bar.value === 0 ? "bar zero" : "bar");
    rect.dataset.date = bar.date;
    rect.dataset.value = String(bar.value);
    const title = document.createElementNS(SVG, "title");
    title.textContent = `${shortDate(bar.date)}: ${bar.value} ${unit}`;
    rect.append(title);
    svg.append(rect);
  }
  const axis = element("figcaption", {});
  axis.append(element("span", { textContent: shortDate(days[0]?.date ?? "") }), element("span", { textContent: "today" }));
  figure.append(svg, axis);
  return figure;
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
