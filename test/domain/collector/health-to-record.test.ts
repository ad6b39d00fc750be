import { describe, expect, it } from "vitest";
import { healthToRecord, initialHealth, rateLimitMessage, type SourceHealth } from "#domain/collector/source-health.ts";

const t0 = Date.parse("2026-11-30T10:00:00Z");
const every = { baseMs: 300_000, capMs: 300_000 };
const down = { kind: "failed", message: "Qiita unreachable (HTTP 503)" } as const;
const limited = (until: number) => ({ kind: "rate-limited", until, message: rateLimitMessage("qiita", until) }) as const;

/** Runs outcomes through healthToRecord as the collector does, one minute apart; answers what was written. */
function writes(outcomes: Parameters<typeof healthToRecord>[2][], stored?: SourceHealth): SourceHealth[] {
  const written: SourceHealth[] = [];
  let current = stored;
  outcomes.forEach((outcome, n) => {
    const { health, write } = healthToRecord(current, "qiita", outcome, t0 + n * 60_000, every);
    if (write) {
      written.push(health);
      current = health;
    }
  });
  return written;
}

describe("healthToRecord", () => {
  it("writes the first outcome ever, then nothing while the source stays ok", () => {
    expect(writes([{ kind: "ok" }, { kind: "ok" }, { kind: "ok" }]).map((h) => h.state)).toEqual(["ok"]);
  });

  it("writes failing once however long the outage (its retry the next run), and ok when it ends", () => {
    // Act
    const written = writes([{ kind: "ok" }, down, down, down, { kind: "ok" }]);

    // Assess
    expect(written.map((h) => h.state)).toEqual(["ok", "failing", "ok"]);
    expect(written[1]).toMatchObject({ since: t0 + 60_000, retryAt: t0 + 60_000 + 300_000 });
  });

  it("writes a rate limit once per reset: not again while it holds, again for a new reset", () => {
    // Prepare
    const first = t0 + 600_000;
    const second = t0 + 3_600_000;

    // Act
    const written = writes([{ kind: "ok" }, limited(first), limited(first), limited(second), { kind: "ok" }]);

    // Assess
    expect(written.map((h) => [h.state, h.retryAt])).toEqual([
      ["ok", undefined],
      ["rate-limited", first],
      ["rate-limited", second],
      ["ok", undefined],
    ]);
  });

  it("judges against what is stored, not a default: a stored failing source that answers is written ok", () => {
    // Prepare
    const stored: SourceHealth = { ...initialHealth("qiita", t0), state: "failing", retryAt: t0 + 5_000, message: "down", failures: 1 };

    // Act / Assess
    expect(writes([{ kind: "ok" }], stored).map((h) => h.state)).toEqual(["ok"]);
    expect(writes([down], stored)).toEqual([]);
  });

  it("says a rate limit in the laptop's words for each source", () => {
    expect(rateLimitMessage("qiita", t0)).toBe(
      "Qiita's rate limit is spent until 2026-11-30T10:00:00.000Z; polls resume then, nothing is lost.",
    );
    expect(rateLimitMessage("github", t0)).toBe("GitHub asks to wait until 2026-11-30T10:00:00.000Z; stars resume then, nothing is lost.");
  });
});
