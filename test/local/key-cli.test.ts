/**
 * `npm run --silent key -- create|revoke|list` against the DynamoDB of a running local runtime,
 * and the keys it prints used over real HTTP on the runtime's `/v1`.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect } from "vitest";
import { loadConfig } from "#local/config.ts";
import { runKeyCli } from "#local/key-cli.ts";
import { localRuntimeEnv } from "#test/support/local-runtime.ts";
import { QIITA_TOKEN, runtimeTest as it } from "#test/support/runtime-fixture.ts";

const run = promisify(execFile);

describe("publish keys CLI", () => {
  let env: Record<string, string>;
  let base: string;

  const npmKey = (...args: string[]) =>
    run("npm", ["run", "--silent", "key", "--", ...args], { env: { ...process.env, ...env }, encoding: "utf8" });
  const publishWith = async (key: string) =>
    (
      await fetch(`${base}/v1/notifications`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ to: "user:alice", title: "from the CLI's key" }),
      })
    ).status;

  it.beforeAll(async ({ local }) => {
    env = localRuntimeEnv({ QIITA_TOKEN, QIITA_BASE_URL: local.qiita.baseUrl });
    base = (await local.start(loadConfig(env))).httpUrl;
  });

  it("creates a key whose last stdout line works as a Bearer key, lists it, and revokes it", async () => {
    // Act
    const created = await npmKey("create", "ci");
    const key = created.stdout.trim().split("\n").at(-1) as string;

    // Assess
    expect(key).toMatch(/^llk_[A-Za-z0-9_-]{43}$/);
    expect(await publishWith(key)).toBe(202);
    const listed = await npmKey("list");
    expect(listed.stdout).toMatch(/^ci\tcreated \d{4}-\d{2}-\d{2}T[\d:.]+Z\n$/);
    expect(listed.stdout).not.toContain(key);

    await npmKey("revoke", "ci");
    expect(await publishWith(key)).toBe(401);
    expect((await npmKey("list")).stdout).toMatch(/^ci\tcreated \S+\trevoked \S+\n$/);
  });

  it("refuses a second live key of one name and a bad name with one line on stderr, nothing on stdout, exit code 2", async () => {
    await runKeyCli(["create", "batch"], env);

    for (const args of [
      ["create", "batch"],
      ["create", "no spaces"],
      ["revoke", "nobody"],
      ["rotate", "batch"],
    ]) {
      const failure = await npmKey(...args).then(
        () => undefined,
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      expect(failure).toMatchObject({ code: 2, stdout: "" });
      expect(failure?.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});
