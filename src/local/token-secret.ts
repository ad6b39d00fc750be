/**
 * The HMAC key for subscription tokens on this machine: TOKEN_SECRET when set, else one generated
 * on first use and kept in DATA_DIR/token-secret, so `npm start` and `npm run token` agree and
 * tokens survive a restart.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function resolveTokenSecret(options: { tokenSecret?: string; dataDir?: string }): string {
  if (options.tokenSecret) return options.tokenSecret;
  // In memory nothing is kept, so tokens are only good until the process stops.
  if (!options.dataDir) return randomBytes(32).toString("hex");
  const file = join(options.dataDir, "token-secret");
  try {
    const stored = readFileSync(file, "utf8").trim();
    if (stored) return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(options.dataDir, { recursive: true });
  const secret = randomBytes(32).toString("hex");
  // "wx": if another process created it first, use theirs rather than overwrite it.
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return readFileSync(file, "utf8").trim();
  }
}
