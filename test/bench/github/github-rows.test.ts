import { describe, expect, it } from "vitest";
import { counted, githubMarkdown, pollsPerHour } from "../../../bench/github/github-rows.ts";

const idle = { requests: 11, notModified: 11, readUnits: 4, writeUnits: 0 };
const without = { requests: 10, notModified: 0, readUnits: 40, writeUnits: 0 };

describe("GitHub bench rows", () => {
  it("counts only the requests GitHub counts: a 304 is free", () => {
    expect(counted(idle)).toBe(0);
    expect(counted(without)).toBe(10);
  });

  it("says how many polls an hour GitHub's 5,000 allow", () => {
    expect(pollsPerHour(idle)).toBe("unlimited");
    expect(pollsPerHour(without)).toBe(500);
  });

  it("renders one table line per account size", () => {
    const lines = githubMarkdown([{ repositories: 1_000, ours: idle, withoutEtags: without }]);

    expect(lines).toContain("| 1,000 | 11 (11 × 304) | 0 | 4 / 0 | unlimited | 10 (0 × 304) | 10 | 40 / 0 | 500 |");
  });
});
