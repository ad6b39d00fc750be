import { describe, expect, it } from "vitest";
import type { PublicationStore } from "#domain/ports.ts";
import { releaseDueNotifications } from "#domain/publish/release-due-notifications.ts";

const T0 = Date.parse("2026-12-24T18:00:00.000Z");

/** The due index and the conditional release in memory, on a clock the test moves. */
class MemorySchedule implements Pick<PublicationStore, "due" | "release"> {
  readonly status = new Map<string, { dueAt: number; status: "scheduled" | "due" | "cancelled" }>();
  readonly releases: { id: string; atMs: number }[] = [];
  clock = T0;

  schedule(id: string, dueAt: number) {
    this.status.set(id, { dueAt, status: "scheduled" });
  }
  async due(untilMs: number, limit: number) {
    return [...this.status.entries()]
      .filter(([, item]) => item.status === "scheduled" && item.dueAt <= untilMs)
      .sort(([, a], [, b]) => a.dueAt - b.dueAt)
      .slice(0, limit)
      .map(([id, { dueAt }]) => ({ id, dueAt }));
  }
  async release(id: string, atMs: number) {
    const item = this.status.get(id);
    if (item?.status !== "scheduled") return false;
    item.status = "due";
    this.releases.push({ id, atMs });
    return true;
  }
}

const ports = (store: MemorySchedule) => ({
  store,
  nowMs: () => store.clock,
  sleepUntil: async (epochMs: number) => {
    store.clock = Math.max(store.clock, epochMs);
  },
});

describe("releaseDueNotifications", () => {
  it("releases what is due, earliest first, and leaves what is not", async () => {
    // Prepare
    const store = new MemorySchedule();
    store.schedule("later", T0 + 1);
    store.schedule("second", T0);
    store.schedule("first", T0 - 30_000);

    // Act
    const summary = await releaseDueNotifications(ports(store));

    // Assess
    expect(summary).toEqual({ released: ["first", "second"], taken: 0, more: false });
    expect(store.status.get("later")?.status).toBe("scheduled");
  });

  it("with a look-ahead, releases each at its sendAt, never before", async () => {
    // Prepare
    const store = new MemorySchedule();
    store.schedule("a", T0 + 20_000);
    store.schedule("b", T0 + 45_000);
    store.schedule("beyond", T0 + 61_000);

    // Act
    const summary = await releaseDueNotifications(ports(store), { lookaheadMs: 60_000 });

    // Assess
    expect(summary.released).toEqual(["a", "b"]);
    expect(store.releases).toEqual([
      { id: "a", atMs: T0 + 20_000 },
      { id: "b", atMs: T0 + 45_000 },
    ]);
  });

  it("releases each once when two schedulers run over the same items", async () => {
    // Prepare
    const store = new MemorySchedule();
    for (let i = 0; i < 50; i++) store.schedule(`n${i}`, T0 - i);

    // Act
    const [one, two] = await Promise.all([releaseDueNotifications(ports(store)), releaseDueNotifications(ports(store))]);

    // Assess
    expect(one.released.length + two.released.length).toBe(50);
    expect(new Set([...one.released, ...two.released]).size).toBe(50);
    expect(one.taken + two.taken).toBe(50);
    expect(store.releases).toHaveLength(50);
  });

  it("stops waiting when aborted, leaving the rest scheduled for the next run", async () => {
    // Prepare
    const store = new MemorySchedule();
    store.schedule("now", T0);
    store.schedule("soon", T0 + 10_000);
    const stop = new AbortController();

    // Act
    const summary = await releaseDueNotifications(
      {
        store,
        nowMs: () => store.clock,
        sleepUntil: async () => stop.abort(),
      },
      { lookaheadMs: 60_000, signal: stop.signal },
    );

    // Assess
    expect(summary.released).toEqual(["now"]);
    expect(store.status.get("soon")?.status).toBe("scheduled");
  });

  it("says more is waiting when a run read its maximum", async () => {
    const store = new MemorySchedule();
    for (let i = 0; i < 3; i++) store.schedule(`n${i}`, T0 - i);

    const first = await releaseDueNotifications(ports(store), { maxPerRun: 2 });
    const second = await releaseDueNotifications(ports(store), { maxPerRun: 2 });

    expect(first).toMatchObject({ more: true });
    expect(first.released).toHaveLength(2);
    expect(second).toEqual({ released: ["n0"], taken: 0, more: false });
  });
});
