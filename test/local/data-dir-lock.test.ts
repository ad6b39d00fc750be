/** The DATA_DIR lock on its own: who holds it, taking over a dead holder's, releasing only one's own. */
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lockDataDir } from "#local/data-dir-lock.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "live-likes-lock-unit-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The pid of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", ""]).pid as number;
}

describe("DATA_DIR lock", () => {
  it("holds the pid, the port once known and the start time, and leaves nothing on release", async () => {
    // Act
    const lock = await lockDataDir(dir, 0);
    await lock.setPort(3001);
    const held = JSON.parse(await readFile(join(dir, "lock"), "utf8"));
    await lock.release();

    // Assess
    expect(held).toEqual({ pid: process.pid, port: 3001, startedAt: expect.any(String) });
    expect(await readFile(join(dir, "lock"), "utf8").catch(() => "gone")).toBe("gone");
  });

  it("refuses while its holder lives, naming the holder", async () => {
    // Prepare
    await lockDataDir(dir, 3001);

    // Act
    const refused = await lockDataDir(dir, 3002).catch((error: Error) => error);

    // Assess
    expect(refused).toMatchObject({ name: "SettingError", variable: "DATA_DIR" });
    expect((refused as Error).message).toContain(`(pid ${process.pid}, PORT 3001, since `);
  });

  it("takes over the lock of a process that is gone, and an unreadable one", async () => {
    for (const left of [JSON.stringify({ pid: deadPid(), port: 3001, startedAt: "2026-01-01T00:00:00Z" }), "{"]) {
      // Prepare
      await writeFile(join(dir, "lock"), left);

      // Act
      const lock = await lockDataDir(dir, 3002);

      // Assess
      expect(JSON.parse(await readFile(join(dir, "lock"), "utf8"))).toMatchObject({ pid: process.pid, port: 3002 });
      await lock.release();
    }
  });

  it("does not remove a lock another start took over", async () => {
    // Prepare: ours, then replaced by another (live) holder
    const lock = await lockDataDir(dir, 3001);
    const other = JSON.stringify({ pid: process.ppid, port: 3005, startedAt: "2026-01-01T00:00:00Z" });
    await writeFile(join(dir, "lock"), other);

    // Act
    await lock.release();

    // Assess
    expect(await readFile(join(dir, "lock"), "utf8")).toBe(other);
  });
});
