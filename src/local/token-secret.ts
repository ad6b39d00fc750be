/**
 * The HMAC key for subscription tokens on this machine: TOKEN_SECRET when set, else one generated
 * on first use and kept in DATA_DIR/token-secret, so `npm start` and `npm run token` agree and
 * tokens survive a restart.
 *
 * @example
 *   resolveTokenSecret({ dataDir: ".live-likes" }); // 64 hex characters, the same on every call
 */
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { MIN_TOKEN_SECRET_LENGTH } from "#domain/token.ts";
import { SettingError } from "#domain/setting-error.ts";

export const TOKEN_SECRET_FILE = "token-secret";

export function resolveTokenSecret(options: { tokenSecret?: string; dataDir?: string }): string {
  if (options.tokenSecret) return options.tokenSecret;
  // In memory nothing is kept, so tokens are only good until the process stops.
  if (!options.dataDir) return newSecret();
  const file = join(options.dataDir, TOKEN_SECRET_FILE);
  return readSecret(file) ?? createSecret(options.dataDir, file);
}

/** 32 random bytes, as 64 hex characters so the file stays printable. */
function newSecret(): string {
  return randomBytes(32).toString("hex");
}

/** The stored secret, undefined when there is no file; a short one stops everything. */
function readSecret(file: string): string | undefined {
  let stored: string;
  try {
    stored = readFileSync(file, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  // An empty or one-character key makes every token forgeable; never sign or verify with it.
  if (stored.length < MIN_TOKEN_SECRET_LENGTH) {
    throw new SettingError(
      "DATA_DIR",
      `${file} holds ${stored.length} character${stored.length === 1 ? "" : "s"}; a secret needs at least ${MIN_TOKEN_SECRET_LENGTH}: ` +
        "delete the file to have a new one generated (every token issued so far stops working) or put a longer one in it.",
    );
  }
  return stored;
}

/**
 * Written whole to a temporary file, flushed, then linked into place: a crash leaves either no
 * file or a complete one, and link (unlike rename) never replaces a file another process put
 * there first; then theirs is the one everybody uses.
 */
function createSecret(dataDir: string, file: string): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = newSecret();
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const fd = openSync(temporary, "wx", 0o600);
  try {
    writeSync(fd, `${secret}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") {
      unlinkSync(temporary);
      return readSecret(file) as string;
    }
    // Some file systems (FAT, a few network mounts) have no hard links: rename is still atomic.
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "ENOSYS") throw error;
    renameSync(temporary, file);
    syncDirectory(dataDir);
    return secret;
  }
  unlinkSync(temporary);
  syncDirectory(dataDir);
  return secret;
}

/** Makes the new directory entry itself survive a power cut. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Not every platform can fsync a directory (Windows); the file's own data is already flushed.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
