/**
 * One `npm start` per DATA_DIR: two on one folder would share a stream checkpoint and one
 * DynamoDB Local's files, and each would deliver part of the likes. `DATA_DIR/lock` holds
 * `{pid, port, startedAt}` of the holder, created exclusively and whole (written aside, then
 * hard-linked, which fails if the lock exists), so a reader never sees half a lock; a lock whose
 * process is no longer alive (a SIGKILL, a crash) is taken over.
 *
 * @example
 *   const lock = await lockDataDir(".live-likes", 3001); // SettingError naming the holder if taken
 *   await lock.setPort(3001);
 *   await lock.release();
 */
import { link, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SettingError } from "#domain/setting-error.ts";

export interface LockHolder {
  readonly pid: number;
  readonly port: number;
  readonly startedAt: string;
}

export interface DataDirLock {
  readonly file: string;
  /** Records the port once known (PORT=0 picks one at listen time). */
  setPort(port: number): Promise<void>;
  release(): Promise<void>;
}

export async function lockDataDir(dataDir: string, port: number): Promise<DataDirLock> {
  const file = join(dataDir, "lock");
  await mkdir(dataDir, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "EEXIST" || error.code === "ENOTDIR") {
      throw new SettingError(
        "DATA_DIR",
        `DATA_DIR=${dataDir} is not a folder: choose a folder (it is created if missing), e.g. DATA_DIR=.live-likes.`,
      );
    }
    throw error;
  });
  let holder: LockHolder = { pid: process.pid, port, startedAt: new Date().toISOString() };
  const aside = `${file}.${process.pid}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(aside, JSON.stringify(holder));
      await link(aside, file);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw error;
    } finally {
      await rm(aside, { force: true });
    }
    const other = await readHolder(file);
    if (other && isAlive(other.pid)) {
      throw new SettingError(
        "DATA_DIR",
        `DATA_DIR=${dataDir} is in use by another live-likes (pid ${other.pid}, PORT ${other.port}, since ${other.startedAt}): ` +
          `stop it first (kill ${other.pid}), or give this one a folder of its own, e.g. DATA_DIR=${dataDir}-2.`,
      );
    }
    // Left by a process that is gone: take it over (one retry, in case another start races us).
    await rm(file, { force: true });
  }
  let released = false;
  return {
    file,
    setPort: async (actual) => {
      holder = { ...holder, port: actual };
      await writeFile(aside, JSON.stringify(holder));
      await rename(aside, file);
    },
    release: async () => {
      if (released) return;
      released = true;
      // Only our own lock: never one a later start took over.
      if ((await readHolder(file))?.pid === process.pid) await rm(file, { force: true });
    },
  };
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, "utf8")) as Partial<LockHolder>;
    return typeof parsed.pid === "number" ? { pid: parsed.pid, port: Number(parsed.port), startedAt: String(parsed.startedAt) } : undefined;
  } catch {
    // Unreadable or half-written: nobody can be named, so it is treated as left over.
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, owned by someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
