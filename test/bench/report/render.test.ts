import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../../../bench/report/markdown.ts";
import { fanoutSvg } from "../../../bench/report/svg-chart.ts";
import { sampleResults } from "./sample-results.ts";

describe("renderMarkdown", () => {
  it("names the machine and writes one table row per measured size, with the ratios", () => {
    // Act
    const markdown = renderMarkdown(sampleResults());

    // Assess
    expect(markdown).toContain("Test CPU, 2 cores");
    expect(markdown).toContain("| 1,000 | 100 | 1500 | 120 | 80 | 10 | 15× | 1.3× | 0 |");
    expect(markdown).toContain("| 5,000 | 400 | 7000 | — | 350 | 40 | 18× | 1.1× | 12 |");
    expect(markdown).toContain("| 1,000 | 10 ms | 300 | 12000 | 350 | 250 | 40× | 1.2× | 0 |");
    expect(markdown).toContain("| stream | 307,200 (300 KB) | 45 |");
    expect(markdown).toMatch(/Every handler bundle ≤ 200 KB \| \*\*no\*\*/);
  });
});

describe("fanoutSvg", () => {
  it("draws one line per variant with a point per measured size, skipping missing figures", () => {
    // Act
    const svg = fanoutSvg(sampleResults().fanout);

    // Assess
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(5);
    // 3 sizes × 5 variants, less the one unbounded figure that never completed.
    expect(svg.match(/<circle /g)).toHaveLength(14);
    expect(svg).toContain("raw ws.send ceiling");
  });

  it("escapes the title", () => {
    // Act
    const svg = fanoutSvg(sampleResults().fanout, "a < b & c");

    // Assess
    expect(svg).toContain("a &lt; b &amp; c");
  });
});
