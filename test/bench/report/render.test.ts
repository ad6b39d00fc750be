import { describe, expect, it } from "vitest";
import { groupBroadcastMarkdown, publishLatencyMarkdown, renderMarkdown } from "../../../bench/report/markdown.ts";
import { checkTargets } from "../../../bench/report/targets.ts";
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

describe("the group broadcast and publish latency sections", () => {
  const broadcast = {
    members: 500,
    connections: 5_000,
    project_ms: 900,
    sequential_ms: 9_000,
    transport_ms: 600,
    lost: { project: 0, sequential: 0, transport: 3 },
  };
  const published = {
    rate: 50,
    duration_s: 30,
    p50_ms: 180,
    p95_ms: 290,
    p99_ms: 340,
    max_ms: 400,
    sent: 1_500,
    accepted: 1_500,
    delivered: 1_500,
    lost: 0,
    duplicated: 0,
  };

  it("writes one row each, with the ratios against the sequential way and the transport floor", () => {
    // Act
    const markdown = renderMarkdown({ ...sampleResults(), group_broadcast: broadcast, publish_latency: published });

    // Assess
    expect(markdown).toContain("| 500 | 5,000 | 900 | 9000 | 600 | 10× | 1.5× | 3 |");
    expect(markdown).toContain("| 50 | 30 | 180 | 290 | 340 | 400 | 1500 | 1500 | 1500 | 0 | 0 |");
    expect(groupBroadcastMarkdown(broadcast)[0]).toMatch(/^## Group broadcast/);
    expect(publishLatencyMarkdown(published)[0]).toMatch(/^## Publish API/);
  });

  it("leaves both out of results from before them, and checks nothing lost when they are in", () => {
    // Act
    const before = renderMarkdown(sampleResults());
    const checks = checkTargets({
      ...sampleResults(),
      group_broadcast: { ...broadcast, lost: { ...broadcast.lost, project: 1 } },
      publish_latency: { ...published, accepted: 1_499 },
    });

    // Assess
    expect(before).not.toContain("## Group broadcast");
    expect(before).not.toContain("## Publish API");
    expect(checks.find((check) => check.target.startsWith("Group broadcast to 5,000"))?.reached).toBe(false);
    expect(checks.find((check) => check.target.startsWith("Publish API at 50"))?.reached).toBe(false);
    expect(checkTargets({ ...sampleResults(), group_broadcast: broadcast }).find((c) => c.target.startsWith("Group"))?.reached).toBe(true);
  });
});
