/**
 * `npm start` as a user meets it, with real processes (node --import tsx src/local/main.ts, so the
 * pid is main's own) on the run's DynamoDB Local: one start per DATA_DIR, a stale lock taken over,
 * Qiita unreachable at start, a refused token — each one line, never a stack.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FakeQiitaServer } from "#test/fakes/fake-qiita-server.ts";
import { localRuntimeEnv } from "#test/support/local-runtime.ts";
import { type NpmStart, freePort, killNpmStarts, startNpmStart } from "#test/support/npm-start-process.ts";
import { waitFor } from "#test/support/wait-for.ts";

/** Waits for the banner and returns the port the page is on. */
async function running({ output }: NpmStart): Promise<number> {
  const url = await waitFor(() => /Open in a browser: {2}http:\/\/localhost:(\d+)\//.exec(output.stdout)?.[1], {
    timeoutMs: 20_000,
    what: `the banner (stdout: ${output.stdout}, stderr: ${output.stderr})`,
  });
  return Number(url);
}

const stack = /^\s+at /m;
let qiita: FakeQiitaServer;
let dataDir: string;

beforeAll(async () => {
  qiita = await FakeQiitaServer.start();
  qiita.addUser("writer", "qiita-token");
});
afterAll(async () => {
  await qiita.close();
});
afterEach(async () => {
  killNpmStarts();
  await rm(dataDir, { recursive: true, force: true });
});

const env = (overrides: Record<string, string> = {}) =>
  localRuntimeEnv({ DATA_DIR: dataDir, QIITA_TOKEN: "qiita-token", QIITA_BASE_URL: qiita.baseUrl, ...overrides });

describe("npm start and its DATA_DIR", () => {
  it("refuses a second start on the same DATA_DIR in one line naming the first (pid, port), and frees the folder on stop", async () => {
    // Prepare
    dataDir = await mkdtemp(join(tmpdir(), "live-likes-lock-"));
    const first = startNpmStart(env());
    const port = await running(first);

    // Act
    const second = startNpmStart(env());
    const code = await second.exited;

    // Assess
    expect(code).toBe(1);
    expect(second.output.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Cannot start: DATA_DIR=.* is in use by another live-likes \\(pid ${first.child.pid}, PORT ${port}, since .*\\): stop it first \\(kill ${first.child.pid}\\)`,
        ),
      ),
    ]);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(existsSync(join(dataDir, "lock"))).toBe(false);
  });

  it("takes over the lock of a start that was killed (SIGKILL)", async () => {
    // Prepare
    dataDir = await mkdtemp(join(tmpdir(), "live-likes-lock-"));
    const killed = startNpmStart(env());
    await running(killed);
    killed.child.kill("SIGKILL");
    await killed.exited;

    // Act
    const next = startNpmStart(env());

    // Assess
    expect(await running(next)).toBeGreaterThan(0);
    expect(next.output.stderr).toBe("");
  });
});

describe("npm start and a DATA_DIR that is a file", () => {
  it("stops with one line naming DATA_DIR, not an ENOTDIR stack", async () => {
    // Prepare
    dataDir = await mkdtemp(join(tmpdir(), "live-likes-file-"));
    const file = join(dataDir, "README.md");
    await writeFile(file, "not a folder");

    // Act
    const started = startNpmStart(env({ DATA_DIR: file }));
    const code = await started.exited;

    // Assess
    expect(code).toBe(1);
    expect(started.output.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^Cannot start: DATA_DIR=\S*README\.md /)]);
  });
});

describe("npm start and Qiita", () => {
  it("starts while Qiita is unreachable, says so in one line and how to get a token, without a stack or the SDK's Node notice", async () => {
    // Prepare
    dataDir = await mkdtemp(join(tmpdir(), "live-likes-unreachable-"));
    const port = await freePort();

    // Act
    const started = startNpmStart(env({ QIITA_BASE_URL: `http://127.0.0.1:${port}` }));
    await running(started);

    // Assess
    const { stdout, stderr } = started.output;
    expect(stdout).toMatch(
      new RegExp(`\\] Qiita unreachable \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\): starting anyway; retrying in 5 s\\n`),
    );
    expect(stdout).toContain("Qiita has not answered yet");
    expect(stdout).toContain("with TOKEN from: npm run --silent token -- YOUR_QIITA_USER_ID");
    expect(stdout).not.toMatch(stack);
    expect(stderr).toBe("");
  });

  it("stops with one line saying what to do when Qiita refuses the token", async () => {
    // Prepare
    dataDir = await mkdtemp(join(tmpdir(), "live-likes-badtoken-"));

    // Act
    const started = startNpmStart(env({ QIITA_TOKEN: "bogus" }));
    const code = await started.exited;

    // Assess
    expect(code).toBe(1);
    expect(started.output.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^Cannot start: Qiita refused the access token \(HTTP 401\)\. Check QIITA_TOKEN .*read_qiita scope/),
    ]);
    expect(existsSync(join(dataDir, "lock"))).toBe(false);
  });
});
