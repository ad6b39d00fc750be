import { describe, expect, it } from "vitest";
import { createLimiter } from "#domain/concurrency.ts";

/** A task whose end the test decides, counting how many run at once. */
function probe() {
  let running = 0;
  let most = 0;
  const task = (value: number) => async () => {
    running++;
    most = Math.max(most, running);
    await new Promise((resolve) => setImmediate(resolve));
    running--;
    return value;
  };
  return { task, most: () => most };
}

describe("createLimiter", () => {
  it("never runs more than its limit at once, across every caller", async () => {
    // Prepare
    const limit = createLimiter(3);
    const { task, most } = probe();

    // Act: two callers share the limiter
    const [a, b] = await Promise.all([
      Promise.all([1, 2, 3, 4, 5].map((n) => limit(task(n)))),
      Promise.all([6, 7, 8, 9].map((n) => limit(task(n)))),
    ]);

    // Assess
    expect(most()).toBe(3);
    expect([a, b]).toEqual([
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9],
    ]);
  });

  it("frees its slot when a task fails", async () => {
    const limit = createLimiter(1);

    await expect(limit(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");

    expect(await limit(async () => "next")).toBe("next");
  });

  it.each([0, -1, 1.5])("refuses the limit %s", (bad) => {
    expect(() => createLimiter(bad)).toThrow(RangeError);
  });
});
