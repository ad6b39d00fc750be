/** `npm start` refuses a bad setup with one line naming what to fix, and exits non-zero. */
import { execFile } from "node:child_process";
import { mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const tsx = "node_modules/.bin/tsx";

async function start(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  try {
    await run(tsx, ["src/local/main.ts"], { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 30_000 });
    return { code: 0, stderr: "" };
  } catch (error) {
    const failure = error as { code: number; stderr: string };
    return { code: failure.code, stderr: failure.stderr };
  }
}

describe("npm start with a bad setup", () => {
  it("names a wrong variable and how to fix it", async () => {
    // Act
    const result = await start({ LINE_MODE: "sometimes" });

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Cannot start: LINE_MODE is "sometimes": use one of fallback, always, off.');
  });

  it("says how to install Java when `java` is missing", async () => {
    // Prepare: a PATH holding node and nothing else (node and java share /usr/bin on Debian).
    const bin = mkdtempSync(join(tmpdir(), "live-likes-nojava-"));
    symlinkSync(process.execPath, join(bin, "node"));

    // Act
    const result = await start({ PATH: bin, PORT: "0", DYNAMODB_PORT: "0", DATA_DIR: "memory" });

    // Assess

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /Cannot start: `java` was not found on PATH\. DynamoDB Local needs Java 17.*apt-get install openjdk-17-jdk-headless/,
    );
  });
});
