/**
 * README's "Publish from another system" examples are docs/examples/publish-notification.sh and
 * publish-to-group.sh, run here with real curl against the local runtime, with a key from the
 * real `npm run key`.
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
const groupScript = new URL("../../docs/examples/publish-to-group.sh", import.meta.url);
const scheduleScript = new URL("../../docs/examples/schedule-notification.sh", import.meta.url);

describe("README publish example", () => {
  it.each([script, groupScript, scheduleScript])("shows %s verbatim from its first step on", (file) => {
    const text = readFileSync(file, "utf8");
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

    expect(readme).toContain(`\`\`\`sh\n${text.slice(text.indexOf("\n# 1.") + 1)}\`\`\``);
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

  it("puts alice and bob in a group, publishes to it, and reaches their tabs and no one else's", async ({ local }) => {
    // Prepare
    const env = localRuntimeEnv({ QIITA_TOKEN, QIITA_BASE_URL: local.qiita.baseUrl });
    const runtime = await local.start(loadConfig(env));
    const key = (await runKeyCli(["create", "readme"], env)).at(-1) as string;
    const [alice, bob, carol] = [await local.open("alice"), await local.open("bob"), await local.open("carol")];

    // Act
    const { stdout } = await run("sh", [groupScript.pathname], {
      env: { ...process.env, BASE: runtime.httpUrl, KEY: key },
      encoding: "utf8",
    });

    // Assess
    const [putAlice, putBob, members, answer, receipt] = stdout.trim().split("\n");
    expect([putAlice, putBob]).toEqual(["201", "201"]);
    expect(JSON.parse(members as string)).toEqual({ members: ["alice", "bob"] });
    const published = JSON.parse(answer as string) as Record<string, unknown>;
    expect(published).toEqual({ id: expect.stringMatching(/^\d{40}$/), status: "accepted" });
    expect(JSON.parse(receipt as string)).toMatchObject({ id: published.id, to: "group:release-team", title: "Release 2.4 is out" });
    for (const tab of [alice!, bob!]) {
      const frame = await waitFor(() =>
        tab.frames.map((f) => JSON.parse(f) as Record<string, unknown>).find((f) => f.type === "notification"),
      );
      expect(frame).toEqual({
        type: "notification",
        id: expect.stringMatching(/^\d{40}$/),
        to: "group:release-team",
        title: "Release 2.4 is out",
        url: "https://example.com/releases/2.4",
        at: expect.any(String),
      });
    }
    carol!.socket.send('{"action":"ping"}');
    await waitFor(() => (carol!.frames.some((f) => JSON.parse(f).type === "pong") ? true : undefined), { what: "pong" });
    expect(carol!.frames.map((f) => JSON.parse(f).type)).not.toContain("notification");
  });

  it("schedules a notification that reaches alice's tab at its sendAt, and cancels another that never does", async ({ local }) => {
    // Prepare
    const env = localRuntimeEnv({ QIITA_TOKEN, QIITA_BASE_URL: local.qiita.baseUrl });
    const runtime = await local.start(loadConfig(env));
    const key = (await runKeyCli(["create", "readme"], env)).at(-1) as string;
    const tab = await local.open("alice");
    const notifications = () => tab.frames.map((f) => JSON.parse(f) as Record<string, unknown>).filter((f) => f.type === "notification");

    // Act
    const { stdout } = await run("sh", [scheduleScript.pathname], {
      env: { ...process.env, BASE: runtime.httpUrl, KEY: key },
      encoding: "utf8",
    });

    // Assess
    const [answer, receipt, cancel, cancelled] = stdout.trim().split("\n");
    const scheduled = JSON.parse(answer as string) as Record<string, string>;
    expect(scheduled).toEqual({ id: expect.stringMatching(/^\d{40}$/), status: "scheduled", sendAt: expect.stringMatching(/Z$/) });
    expect(JSON.parse(receipt as string)).toMatchObject({ id: scheduled.id, status: "scheduled", sendAt: scheduled.sendAt });
    expect(cancel).toBe("204");
    expect(JSON.parse(cancelled as string)).toMatchObject({ title: "Cancelled meeting", status: "cancelled", sendAt: scheduled.sendAt });
    const [frame] = await waitFor(() => (notifications().length ? notifications() : undefined), { timeoutMs: 15_000, what: "frame" });
    expect(frame).toMatchObject({ id: scheduled.id, title: "Standup in 5 minutes", at: scheduled.sendAt });
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(scheduled.sendAt as string));
    await runtime.scheduler.runNow();
    await runtime.notificationsPoller.drained();
    tab.socket.send('{"action":"ping"}');
    await waitFor(() => (tab.frames.some((f) => JSON.parse(f).type === "pong") ? true : undefined), { what: "pong" });
    expect(notifications().map((f) => f.title)).toEqual(["Standup in 5 minutes"]);
  }, 30_000);
});
