import { describe, expect, it } from "vitest";
import { median, percentile, percentiles } from "./statistics.ts";

describe("percentile", () => {
  it("takes the nearest rank, so p99 of 100 values is the 99th smallest", () => {
    // Prepare
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);

    // Act
    const p99 = percentile(values, 99);

    // Assess
    expect(p99).toBe(99);
  });

  it("gives the smallest for p0 and the largest for p100", () => {
    // Prepare
    const values = [7, 3, 9];

    // Act / Assess
    expect(percentile(values, 0)).toBe(3);
    expect(percentile(values, 100)).toBe(9);
  });

  it("answers undefined for no values and refuses a percentile outside 0..100", () => {
    // Act / Assess
    expect(percentile([], 50)).toBeUndefined();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe("median", () => {
  it("averages the two middle values of an even count", () => {
    // Act / Assess
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([])).toBeUndefined();
  });
});

describe("percentiles", () => {
  it("takes the nearest rank, numerically sorted", () => {
    // Prepare
    const values = Array.from({ length: 100 }, (_, index) => 100 - index);

    // Act
    const result = percentiles(values);

    // Assess
    expect(result).toEqual({ p50: 50, p95: 95, p99: 99, max: 100 });
  });

  it("is all zero when nothing arrived", () => {
    expect(percentiles([])).toEqual({ p50: 0, p95: 0, p99: 0, max: 0 });
  });
});
