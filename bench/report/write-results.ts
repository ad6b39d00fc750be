/** Writes `<name>.json`, `<name>.md` and `<name>.svg` into bench/results/ (latest: the full run). */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderMarkdown } from "./markdown.ts";
import type { BenchResults } from "./results.ts";
import { fanoutSvg } from "./svg-chart.ts";

export const resultsDir = fileURLToPath(new URL("../results/", import.meta.url));

export function writeResults(results: BenchResults, name = "latest", dir = resultsDir): string[] {
  mkdirSync(dir, { recursive: true });
  const files = {
    [`${name}.json`]: `${JSON.stringify(results, null, 2)}\n`,
    [`${name}.md`]: renderMarkdown(results).replace("(latest.svg)", `(${name}.svg)`),
    [`${name}.svg`]: fanoutSvg(results.fanout),
  };
  return Object.entries(files).map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
}
