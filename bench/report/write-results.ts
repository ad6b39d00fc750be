/** Writes latest.json, latest.md and latest.svg into bench/results/. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderMarkdown } from "./markdown.ts";
import type { BenchResults } from "./results.ts";
import { fanoutSvg } from "./svg-chart.ts";

export const resultsDir = fileURLToPath(new URL("../results/", import.meta.url));

export function writeResults(results: BenchResults, dir = resultsDir): string[] {
  mkdirSync(dir, { recursive: true });
  const files = {
    "latest.json": `${JSON.stringify(results, null, 2)}\n`,
    "latest.md": renderMarkdown(results),
    "latest.svg": fanoutSvg(results.fanout),
  };
  return Object.entries(files).map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
}
