/**
 * `npm start` with GITHUB_TOKEN as a user meets it (a real process, node --import tsx
 * src/local/main.ts, on the run's DynamoDB Local and the stand-in GitHub): the banner says whose
 * stars are watched and how often, GITHUB_TOKEN alone serves the GitHub login, a refused token
 * stops the start in one line, never a stack.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeGitHubServer } from "#test/fakes/fake-github-server.ts";
import { localRuntimeEnv } from "#test/support/local-runtime.ts";
import { killNpmStarts, startNpmStart } from "#test/support/npm-start-process.ts";
import { waitFor } from "#test/support/wait-for.ts";

let github: FakeGitHubServer;
let dataDir: string;

beforeEach(async () => {
  github = await FakeGitHubServer.start();
  github.addUser("octo-writer", "ghp_good");
  github.addRepo("octo-writer", "hello", { stars: 1 });
  dataDir = await mkdtemp(join(tmpdir(), "live-likes-github-"));
});

afterEach(async () => {
  killNpmStarts();
  await github.close();
  await rm(dataDir, { recursive: true, force: true });
});

function start(overrides: Record<string, string>) {
  return startNpmStart(localRuntimeEnv({ DATA_DIR: dataDir, GITHUB_API_BASE_URL: github.baseUrl, ...overrides }));
}

describe("npm start with GITHUB_TOKEN", () => {
  it("alone: serves the GitHub login, with a token for it and the stars line in the banner", async () => {
    // Act
    const started = start({ GITHUB_TOKEN: "ghp_good" });
    await waitFor(() => (/Press Ctrl-C to stop/.test(started.output.stdout) ? true : undefined), {
      timeoutMs: 20_000,
      what: `the banner (stdout: ${started.output.stdout}, stderr: ${started.output.stderr})`,
    });

    // Assess
    const { stdout, stderr } = started.output;
    expect(stdout).toContain('GitHub answered: watching the repositories of "octo-writer" for stars.');
    expect(stdout).toContain(`GitHub stars:       "octo-writer"'s repositories, polled every 60 s (an idle poll is all 304s)`);
    expect(stdout).toMatch(/Open in a browser: {2}http:\/\/localhost:\d+\/\?token=\S+/);
    expect(stdout).toContain("npm run --silent token -- octo-writer --ttl 30d");
    expect(stdout).toContain("live-likes is running");
    expect(stdout).toMatch(/— watching the GitHub stars of "octo-writer" \(no Qiita settings\)/);
    expect(stdout).not.toContain("demo mode");
    expect(stdout).not.toContain("Qiita writer");
    expect(stderr).toBe("");
    started.child.kill("SIGTERM");
    expect(await started.exited).toBe(0);
  });

  it("stops with one line naming GITHUB_TOKEN when GitHub refuses the token", async () => {
    const started = start({ GITHUB_TOKEN: "ghp_bogus" });
    const code = await started.exited;

    expect(code).toBe(1);
    expect(started.output.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^Cannot start: GitHub refused the token \(HTTP 401: Bad credentials\)\. Check GITHUB_TOKEN/),
    ]);
  });
});
