/**
 * Each deployed entry (src/lambda/<name>.ts, what infra/live-likes-function.ts bundles) bundled
 * as Lambda gets it, with the same esbuild settings: its size in bytes, and the median time to
 * import it in a fresh Node process.
 */
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { tablesByRole } from "#adapters/dynamodb/table-definitions.ts";
import type { BundleRow } from "../report/results.ts";
import { median, round1 } from "#test/support/statistics.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const entriesDir = join(root, "src/lambda");
const outRoot = join(root, "bench/.build");

export interface BundleOptions {
  readonly imports: number;
  readonly log: (line: string) => void;
}

export async function benchBundles(options: BundleOptions): Promise<BundleRow[]> {
  rmSync(outRoot, { recursive: true, force: true });
  const rows: BundleRow[] = [];
  // An entry is a file that exports the `handler` Lambda calls; the rest are what entries share.
  const entries = readdirSync(entriesDir).filter(
    (name) => name.endsWith(".ts") && /^export const handler\b/m.test(readFileSync(join(entriesDir, name), "utf8")),
  );
  for (const file of entries.sort()) {
    const handler = file.replace(/\.ts$/, "");
    const outfile = await bundle(file, join(outRoot, handler), []);
    // The same, but with the SDK that the Lambda runtime ships instead of a bundled copy.
    const slimfile = await bundle(file, join(outRoot, `${handler}-runtime-sdk`), ["@aws-sdk/*"]);
    const times = Array.from({ length: options.imports }, () => importMs(outfile));
    const slimTimes = Array.from({ length: options.imports }, () => importMs(slimfile));
    const row = {
      handler,
      bytes: statSync(outfile).size,
      import_ms: round1(median(times) as number),
      runtime_sdk_bytes: statSync(slimfile).size,
      runtime_sdk_import_ms: round1(median(slimTimes) as number),
    };
    options.log(
      `bundle ${handler}: ${row.bytes} bytes, import ${row.import_ms} ms; with the runtime's SDK ${row.runtime_sdk_bytes} bytes, ${row.runtime_sdk_import_ms} ms`,
    );
    rows.push(row);
  }
  return rows;
}

async function bundle(file: string, outDir: string, external: string[]): Promise<string> {
  const outfile = join(outDir, "index.mjs");
  mkdirSync(outDir, { recursive: true });
  // Mirrors the NodejsFunction bundling props of infra/live-likes-function.ts.
  await build({
    entryPoints: [join(entriesDir, file)],
    outfile,
    external,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    mainFields: ["module", "main"],
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    minify: true,
    sourcemap: "external",
    sourcesContent: false,
    logLevel: "silent",
  });
  return outfile;
}

/**
 * What the stack sets on its functions (infra/: bindTable, bindReleaseAlarm), with placeholder
 * values: entries that require their settings at start (the publish and release functions) refuse
 * to load without them, as they should when deployed.
 */
const DEPLOYED_ENV: Record<string, string> = {
  ...Object.fromEntries(Object.values(tablesByRole).map((table) => [table.envVar, `bench-${table.envVar.toLowerCase()}`])),
  RELEASE_SCHEDULE_GROUP: "bench-release",
  RELEASE_SCHEDULER_ROLE_ARN: "arn:aws:iam::000000000000:role/bench-scheduler",
  RELEASE_FUNCTION_ARN: "arn:aws:lambda:local:000000000000:function:bench-release",
};

/** Import time in a fresh process, as a cold start pays it (the handler module's own top level included). */
function importMs(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    env: { ...process.env, ...DEPLOYED_ENV, NODE_OPTIONS: "" },
    encoding: "utf8",
  });
  return Number(out);
}
