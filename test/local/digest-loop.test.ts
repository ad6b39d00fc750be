import { describe, expect, it } from "vitest";
import type { DigestSummary } from "#domain/digest/send-digests.ts";
import { startDigestLoop } from "#local/digest-loop.ts";
import { RecordingLogger } from "#test/support/recording-logger.ts";
import { waitFor } from "#test/support/wait-for.ts";

const waiting = (userId: string): DigestSummary => ({
  digests: 0,
  pushes: 0,
  dropped: 0,
  problems: [{ message: "line digest not sent; the next run tries again", channel: "line", userId, error: new Error("limit used up") }],
});

describe("startDigestLoop", () => {
  it("runs at start, never two runs at once, and says a problem that repeats run after run once", async () => {
    // Prepare
    const logger = new RecordingLogger();
    const results = [
      waiting("alice"),
      waiting("alice"),
      { ...waiting("alice"), problems: [...waiting("alice").problems, ...waiting("bob").problems] },
    ];
    let runs = 0;
    let running = 0;
    let overlapped = false;
    const loop = startDigestLoop({
      run: async () => {
        running++;
        overlapped ||= running > 1;
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        return results[Math.min(runs++, results.length - 1)] as DigestSummary;
      },
      logger,
      intervalMs: 3_600_000,
    });

    // Act
    await waitFor(() => (runs >= 1 ? true : undefined), { what: "the run at start" });
    await Promise.all([loop.runNow(), loop.runNow()]);
    await loop.stop();

    // Assess
    expect(runs).toBe(3);
    expect(overlapped).toBe(false);
    const warned = logger.lines.filter((line) => line.level === "warn").map((line) => (line.attributes as { userId: string }).userId);
    expect(warned).toEqual(["alice", "bob"]);
  });
});
