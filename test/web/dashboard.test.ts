import { describe, expect, it } from "vitest";
import {
  CHART,
  chartBars,
  DASHBOARD_DAYS,
  DashboardStats,
  parseStatsFrame,
  shortDate,
  sourceFigures,
  statsRequest,
  TOP_SHOWN,
  topOf,
  type StatsFrame,
} from "../../web/dashboard.js";

/** `count` days ending 2026-12-01, with `likes(index)` likes and `stars(index)` stars. */
function frame(count: number, likes: (index: number) => number, stars: (index: number) => number = () => 0): StatsFrame {
  const days = Array.from({ length: count }, (_, index) => ({
    date: new Date(Date.parse("2026-12-01T00:00:00Z") - (count - 1 - index) * 86_400_000).toISOString().slice(0, 10),
    likes: likes(index),
    stars: stars(index),
  }));
  return {
    type: "stats",
    days,
    totals: { likes: days.reduce((sum, day) => sum + day.likes, 0), stars: days.reduce((sum, day) => sum + day.stars, 0) },
    top: [],
  };
}

const like = (id: string, delta: number, title = "An article", url = "https://qiita.com/me/items/a") => ({
  type: "like",
  id,
  delta,
  title,
  url,
});
const star = (id: string, delta: number, repo = "me/tool") => ({ type: "star", id, delta, repo, url: `https://github.com/${repo}` });

describe("statsRequest and parseStatsFrame", () => {
  it("asks for the chart's 30 days", () => {
    expect(statsRequest()).toEqual({ action: "stats", days: DASHBOARD_DAYS });
    expect(DASHBOARD_DAYS).toBe(30);
  });

  it("reads the server's stats frame and nothing else", () => {
    const text = JSON.stringify({
      type: "stats",
      days: [{ date: "2026-12-01", likes: 2, stars: 1 }],
      totals: { likes: 2, stars: 1 },
      top: [{ kind: "like", title: "A", url: "https://qiita.com/a", count: 2 }],
    });

    expect(parseStatsFrame(text)).toEqual(JSON.parse(text));
    expect(parseStatsFrame('{"type":"like","id":"1"}')).toBeUndefined();
    expect(parseStatsFrame("not json")).toBeUndefined();
    expect(parseStatsFrame('{"type":"stats","days":[{"date":"yesterday","likes":1,"stars":0}],"top":[]}')).toBeUndefined();
    expect(parseStatsFrame('{"type":"stats","days":[{"date":"2026-12-01","likes":-1,"stars":0}],"top":[]}')).toBeUndefined();
    expect(parseStatsFrame('{"type":"stats","days":[],"top":[{"kind":"fork","title":"x","url":"u","count":1}]}')).toBeUndefined();
  });
});

describe("sourceFigures", () => {
  it("gives the period's total, the last day and the last seven days per source", () => {
    const stats = frame(
      30,
      (index) => index + 1,
      (index) => (index === 29 ? 4 : 0),
    );

    expect(sourceFigures(stats, "likes")).toEqual({ total: 465, today: 30, week: 24 + 25 + 26 + 27 + 28 + 29 + 30 });
    expect(sourceFigures(stats, "stars")).toEqual({ total: 4, today: 4, week: 4 });
  });
});

describe("chartBars", () => {
  it("draws one bar per day, oldest first, scaled to the busiest day, zero days as a sliver", () => {
    const bars = chartBars(frame(30, (index) => (index === 10 ? 8 : index === 11 ? 2 : 0)).days, "likes");

    expect(bars).toHaveLength(30);
    expect(bars[10]).toMatchObject({ height: CHART.height, y: 0, value: 8, date: "2026-11-12" });
    expect(bars[11]).toMatchObject({ height: 25, y: CHART.height - 25, value: 2 });
    expect(bars[0]).toMatchObject({ height: 1, value: 0 });
    expect(bars.map((bar) => bar.x)).toEqual(bars.map((_, index) => index * CHART.slot + CHART.gap / 2));
    expect(bars.every((bar) => bar.x + bar.width <= 30 * CHART.slot)).toBe(true);
  });

  it("draws a month without anything as thirty slivers, not a division by zero", () => {
    expect(chartBars(frame(30, () => 0).days, "stars").every((bar) => bar.height === 1 && Number.isFinite(bar.y))).toBe(true);
  });
});

describe("topOf", () => {
  it("lists one source's items only, at most a few", () => {
    const stats = frame(1, () => 0);
    stats.top = [
      ...Array.from({ length: 7 }, (_, n) => ({ kind: "like" as const, title: `A${n}`, url: `https://qiita.com/${n}`, count: 10 - n })),
      { kind: "star", title: "me/tool", url: "https://github.com/me/tool", count: 3 },
    ];

    expect(topOf(stats, "likes").map((item) => item.title)).toEqual(["A0", "A1", "A2", "A3", "A4"]);
    expect(topOf(stats, "likes")).toHaveLength(TOP_SHOWN);
    expect(topOf(stats, "stars")).toEqual([{ kind: "star", title: "me/tool", url: "https://github.com/me/tool", count: 3 }]);
  });
});

describe("DashboardStats", () => {
  it("adds a live like or star to today, the totals and its item, once per id", () => {
    const model = new DashboardStats();
    model.received(frame(3, () => 1));

    expect(model.arrived(like("l1", 2))).toBe(true);
    expect(model.arrived(like("l1", 2))).toBe(false);
    expect(model.arrived(star("s1", 3))).toBe(true);
    expect(model.arrived({ type: "notification", id: "n1", title: "Deploy" })).toBe(false);

    expect(model.stats?.days.at(-1)).toEqual({ date: "2026-12-01", likes: 3, stars: 3 });
    expect(model.stats?.totals).toEqual({ likes: 5, stars: 3 });
    expect(model.stats?.top).toEqual([
      { kind: "star", title: "me/tool", url: "https://github.com/me/tool", count: 3 },
      { kind: "like", title: "An article", url: "https://qiita.com/me/items/a", count: 2 },
    ]);
  });

  it("adds to an item already in the top, under its newest title", () => {
    const model = new DashboardStats();
    const stats = frame(1, () => 4);
    stats.top = [{ kind: "like", title: "Old title", url: "https://qiita.com/me/items/a", count: 4 }];
    model.received(stats);

    model.arrived(like("l2", 1, "New title"));

    expect(model.stats?.top).toEqual([{ kind: "like", title: "New title", url: "https://qiita.com/me/items/a", count: 5 }]);
  });

  it("leaves a frame that arrived while a request was out to its answer, and never adds it later", () => {
    const model = new DashboardStats();
    model.received(frame(1, () => 0));
    model.asked();

    expect(model.arrived(like("l3", 1))).toBe(false);
    model.received(frame(1, () => 1));
    expect(model.arrived(like("l3", 1))).toBe(false);

    expect(model.stats?.totals.likes).toBe(1);
  });

  it("adds nothing before the first answer, nor a malformed delta", () => {
    const model = new DashboardStats();
    expect(model.arrived(like("l4", 1))).toBe(false);
    model.received(frame(1, () => 0));
    expect(model.arrived(like("l5", 0))).toBe(false);
    expect(model.arrived({ type: "like", id: "l6", delta: "2", title: "x", url: "https://qiita.com/x" })).toBe(false);
    expect(model.stats?.totals.likes).toBe(0);
  });
});

describe("shortDate", () => {
  it("names the day itself, whatever the reader's zone", () => {
    expect(shortDate("2026-12-01")).toBe("Dec 1");
    expect(shortDate("2026-01-31")).toBe("Jan 31");
  });
});
