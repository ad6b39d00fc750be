import { describe, expect, it } from "vitest";
import { tallyDeliveries } from "../../../bench/e2e/tally.ts";

describe("tallyDeliveries", () => {
  it("measures each delay from its write to the first arrival of its frame", () => {
    // Prepare
    const sent = new Map([
      ["a:1", 1_000],
      ["b:1", 1_010],
    ]);
    const received = [
      { key: "b:1", at: 1_110 },
      { key: "a:1", at: 1_050 },
    ];

    // Act
    const row = tallyDeliveries(100, 30, sent, received);

    // Assess
    expect(row).toMatchObject({ rate: 100, p50_ms: 50, max_ms: 100, sent: 2, delivered: 2, lost: 0, duplicated: 0, duration_s: 30 });
  });

  it("counts a frame that arrives twice as one delivery and one duplicate, and a missing one as lost", () => {
    // Prepare
    const sent = new Map([
      ["a:1", 0],
      ["a:2", 10],
      ["b:1", 20],
    ]);
    const received = [
      { key: "a:1", at: 5 },
      { key: "a:2", at: 30 },
      { key: "a:1", at: 40 },
    ];

    // Act
    const row = tallyDeliveries(10, 10, sent, received);

    // Assess
    expect(row).toMatchObject({ sent: 3, delivered: 2, lost: 1, duplicated: 1, max_ms: 20 });
  });

  it("ignores frames of writes it did not send", () => {
    // Act
    const row = tallyDeliveries(10, 10, new Map([["a:1", 0]]), [{ key: "zzz:9", at: 1 }]);

    // Assess
    expect(row).toMatchObject({ delivered: 0, lost: 1, duplicated: 0, p50_ms: null });
  });
});
