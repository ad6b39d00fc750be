/**
 * The access key id that keeps strangers out of DynamoDB Local. Without `-sharedDb` the jar keeps
 * one database per access key id and region (`<accessKeyId>_<region>.db`) and ignores the secret,
 * so a random key id known only to this installation works as a password: a client signing with
 * any other id sees an empty database of its own.
 *
 * @example
 * const credentials = readOrCreateCredentials(".data/dynamodb");
 * new DynamoDBClient({ endpoint, region: DYNAMODB_LOCAL_REGION, credentials });
 */
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import { DynamoDbLocalError } from "./dynamodb-local-error.ts";

export interface DynamoDbLocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** The region every client of the launcher signs with; the database file name includes it. */
export const DYNAMODB_LOCAL_REGION = "local";

export const CREDENTIALS_FILE_NAME = "dynamodb-credentials.json";

/** "LL" and 32 characters of A–Z, 2–7: 160 random bits, and a safe file name for the jar. */
const ACCESS_KEY_ID = /^LL[A-Z2-7]{32}$/;
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function randomCredentials(): DynamoDbLocalCredentials {
  const bytes = randomBytes(32);
  const id = [...bytes].map((byte) => BASE32[byte & 31]).join("");
  return { accessKeyId: `LL${id}`, secretAccessKey: randomBytes(30).toString("base64url") };
}

/**
 * The credentials kept in `dir/dynamodb-credentials.json` (mode 0600), created on first use.
 * Written to a temporary file, flushed and renamed, so a crash never leaves a half-written key
 * (which would lock the installation out of its own tables).
 */
export function readOrCreateCredentials(dir: string): DynamoDbLocalCredentials {
  const path = join(dir, CREDENTIALS_FILE_NAME);
  let text: string | undefined;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (text !== undefined) return parseCredentials(text, path);
  const created = randomCredentials();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, "w", 0o600);
  try {
    writeSync(fd, `${JSON.stringify(created, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  return created;
}

function parseCredentials(text: string, path: string): DynamoDbLocalCredentials {
  let parsed: Partial<DynamoDbLocalCredentials> | undefined;
  try {
    parsed = JSON.parse(text) as Partial<DynamoDbLocalCredentials>;
  } catch {
    parsed = undefined;
  }
  const { accessKeyId, secretAccessKey } = parsed ?? {};
  if (typeof accessKeyId !== "string" || !ACCESS_KEY_ID.test(accessKeyId) || typeof secretAccessKey !== "string") {
    throw new DynamoDbLocalError(
      `${path} does not hold DynamoDB Local credentials this launcher wrote. Restore it from a backup, ` +
        "or delete it to get new ones (the tables kept under the old key are then no longer visible).",
    );
  }
  return { accessKeyId, secretAccessKey };
}
