/**
 * README's "Publish from another system" example is docs/examples/publish-notification.sh, run
 * here with real curl against the local runtime, with a key from the real `npm run key`.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect } from "vitest";
import { loadConfig } from "#local/config.ts";
import { runKeyCli } from "#local/key-cli.ts";
import { localRuntimeEnv } from "#test/support/local-runtime.ts";
import { QIITA_TOKEN, runtimeTest as it } from "#test/support/runtime-fixture.ts";
import { waitFor } from "#test/support/wait-for.ts";

const run = promisify(execFile);
const script = new URL("../../docs/examples/publish-notification.sh", import.meta.url);

describe("README publish example", () => {
  it("shows the script verbatim from its first step on", () => {
    const text = readFileSync(script, "utf8");
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

    expect(readme).toContain(text.slice(text.indexOf("# 1.")).trimEnd());
  });

  it("publishes to alice's open tab and prints the id, then the receipt", async ({ local }) => {
    // Prepare
    const env = localRuntimeEnv({ QIITA_TOKEN, QIITA_BASE_URL: local.qiita.baseUrl });
    const runtime = await local.start(loadConfig(env));
    const key = (await runKeyCli(["create", "readme"], env)).at(-1) as string;
    const tab = await local.open("alice");

    // Act
    const { stdout } = await run("sh", [script.pathname], { env: { ...process.env, BASE: runtime.httpUrl, KEY: key }, encoding: "utf8" });

    // Assess
    const [answer, receipt] = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(answer).toEqual({ id: expect.stringMatching(/^\d{40}$/), status: "accepted" });
    expect(receipt).toMatchObject({ id: answer?.id, to: "user:alice", title: "Build 1234 passed" });
    const frame = await waitFor(() =>
      tab.frames.map((f) => JSON.parse(f) as Record<string, unknown>).find((f) => f.type === "notification"),
    );
    expect(frame).toEqual({
      type: "notification",
      id: answer?.id,
      to: "user:alice",
      title: "Build 1234 passed",
      url: "https://ci.example.com/builds/1234",
      body: "All 212 tests green.",
      data: { build: 1234 },
      at: expect.any(String),
    });
  });
});
