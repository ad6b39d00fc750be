import { describe, expect, it } from "vitest";
import {
  initialHealth,
  nextHealth,
  type PollOutcome,
  retryDelayMs,
  type SourceHealth,
  sourceStatus,
} from "#domain/collector/source-health.ts";
import { parseClientFrame, statusFrame } from "#domain/frames.ts";

const T0 = Date.parse("2026-11-30T10:42:00Z");
const down: PollOutcome = { kind: "failed", message: "Qiita is unavailable (connect ECONNREFUSED)" };

/** Feeds outcomes one after the other, `stepMs` apart, as polls at each retryAt would. */
function run(outcomes: readonly PollOutcome[], start: SourceHealth = initialHealth("qiita", T0)) {
  let health = start;
  let now = T0;
  return outcomes.map((outcome) => {
    now = health.retryAt ?? now + 60_000;
    const step = nextHealth(health, outcome, now);
    health = step.health;
    return { ...step, now };
  });
}

describe("source health", () => {
  it("says a state changed once when the source goes down, and only moves the retry while it stays down", () => {
    // Act
    const steps = run([{ kind: "ok" }, down, down, down, { kind: "ok" }, { kind: "ok" }]);

    // Assess
    expect(steps.map((step) => step.changed)).toEqual([undefined, "state", "retry", "retry", "state", undefined]);
    expect(steps.map((step) => step.health.state)).toEqual(["ok", "failing", "failing", "failing", "ok", "ok"]);
    expect(steps[3]?.health.since).toBe(steps[1]?.now);
    expect(steps[4]?.health).toMatchObject({ since: steps[4]?.now, failures: 0 });
    expect(steps[4]?.health.retryAt).toBeUndefined();
  });

  it("backs off exponentially from 5 s to at most 5 min while failing", () => {
    // Act
    const steps = run(Array.from({ length: 10 }, () => down));

    // Assess
    expect(steps.map((step) => (step.health.retryAt as number) - step.now)).toEqual([
      5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000, 300_000,
    ]);
    expect(retryDelayMs(1_000)).toBe(300_000);
  });

  it("waits the longest backoff at once when retrying soon cannot help (a refused token)", () => {
    // Act
    const [step] = run([{ kind: "failed", message: "Qiita refused the access token (HTTP 401)", lasting: true }]);

    // Assess
    expect((step?.health.retryAt as number) - (step?.now as number)).toBe(300_000);
  });

  it("waits for a rate limit's reset, and starts the backoff afresh after it", () => {
    // Prepare
    const reset = T0 + 30 * 60_000;

    // Act
    const steps = run([down, down, { kind: "rate-limited", until: reset, message: "over the limit" }, down]);

    // Assess
    expect(steps.map((step) => [step.changed, step.health.state])).toEqual([
      ["state", "failing"],
      ["retry", "failing"],
      ["state", "rate-limited"],
      ["state", "failing"],
    ]);
    expect(steps[2]?.health.retryAt).toBe(reset);
    expect((steps[3]?.health.retryAt as number) - (steps[3]?.now as number)).toBe(5_000);
  });

  it("never plans a retry in the past for a reset that already passed", () => {
    // Act
    const { health } = nextHealth(initialHealth("qiita", T0), { kind: "rate-limited", until: T0 - 1, message: "x" }, T0);

    // Assess
    expect(health.retryAt).toBe(T0);
  });
});

describe("status frame", () => {
  it("carries each source with ISO times, and a retry time only while not ok", () => {
    // Prepare
    const failing = nextHealth(initialHealth("qiita", T0), down, T0).health;
    const ok = initialHealth("github", T0);

    // Act
    const frame = JSON.parse(statusFrame([sourceStatus(failing), sourceStatus(ok)]));

    // Assess
    expect(frame).toEqual({
      type: "status",
      sources: [
        { name: "qiita", state: "failing", since: "2026-11-30T10:42:00.000Z", retryAt: "2026-11-30T10:42:05.000Z", message: down.message },
        { name: "github", state: "ok", since: "2026-11-30T10:42:00.000Z", message: "not polled yet" },
      ],
    });
  });

  it('is what a client asks for with {"action":"status"}', () => {
    expect(parseClientFrame('{"action":"status"}')).toEqual({ action: "status" });
  });
});
