/**
 * The AWS emulators are a product of their own: nothing under src/local/aws imports live-likes
 * code (no `#domain/…`, no `../config.ts`), only Node built-ins, npm packages and each other.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../src/local/aws/", import.meta.url));
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']([^"']+)["']/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** What a file imports from outside src/local/aws, as "file: specifier". */
function importsLeavingTheFolder(file: string, text = readFileSync(file, "utf8")): string[] {
  return [...text.matchAll(IMPORT)]
    .map((match) => match[1] as string)
    .filter((specifier) => {
      if (specifier.startsWith("node:")) return false;
      if (specifier.startsWith(".")) return !resolve(dirname(file), specifier).startsWith(root);
      // "#…" aliases and absolute paths point into this repository; anything else is a package.
      return specifier.startsWith("#") || specifier.startsWith("/");
    })
    .map((specifier) => `${relative(root, file).split(sep).join("/")}: ${specifier}`);
}

describe("src/local/aws", () => {
  it("imports nothing from outside its own folder but Node built-ins and npm packages", () => {
    // Prepare
    const files = sourceFiles(root);

    // Act
    const leaving = files.flatMap((file) => importsLeavingTheFolder(file));

    // Assess
    expect(files.length).toBeGreaterThan(10);
    expect(leaving).toEqual([]);
  });

  it("catches an import that leaves the folder (the check itself works)", () => {
    // Prepare: text as a file in the folder would have it
    const file = join(root, "probe.ts");
    const text = 'import { ConfigError } from "../config-error.ts";\nimport { x } from "#domain/token.ts";';

    // Act
    const found = importsLeavingTheFolder(file, `${text}\nimport { spawn } from "node:child_process";\nimport "./sibling.ts";`);

    // Assess
    expect(found).toEqual(["probe.ts: ../config-error.ts", "probe.ts: #domain/token.ts"]);
  });
});
