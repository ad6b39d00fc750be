import { describe, expect, it } from "vitest";
import { tallyPublishLatency } from "../../../bench/publish-latency/tally.ts";

describe("tallyPublishLatency", () => {
  it("measures each request from its sending to its frame, whichever came back first", () => {
    // Prepare: b's frame arrived before a's, and before the bench even read b's 202
    const accepted = new Map([
      ["a", 1_000],
      ["b", 1_020],
    ]);
    const received = [
      { id: "b", at: 1_050 },
      { id: "a", at: 1_100 },
    ];

    // Act
    const row = tallyPublishLatency(50, 30, 2, accepted, received);

    // Assess
    expect(row).toEqual({
      rate: 50,
      duration_s: 30,
      p50_ms: 30,
      p95_ms: 100,
      p99_ms: 100,
      max_ms: 100,
      sent: 2,
      accepted: 2,
      delivered: 2,
      lost: 0,
      duplicated: 0,
    });
  });

  it("counts a refused request as sent but not accepted, a frame twice as a duplicate, a missing one as lost, other ids not at all", () => {
    // Prepare: 4 sent, 3 answered 202
    const accepted = new Map([
      ["a", 0],
      ["b", 10],
      ["c", 20],
    ]);
    const received = [
      { id: "warm-up", at: 1 },
      { id: "a", at: 40 },
      { id: "b", at: 30 },
      { id: "a", at: 90 },
    ];

    // Act
    const row = tallyPublishLatency(50, 10, 4, accepted, received);

    // Assess
    expect(row).toMatchObject({ sent: 4, accepted: 3, delivered: 2, lost: 1, duplicated: 1, p50_ms: 20, max_ms: 40 });
  });

  it("has no percentiles when nothing arrived", () => {
    // Act
    const row = tallyPublishLatency(50, 10, 1, new Map([["a", 0]]), []);

    // Assess
    expect(row).toMatchObject({ p50_ms: null, p99_ms: null, max_ms: null, delivered: 0, lost: 1 });
  });
});
