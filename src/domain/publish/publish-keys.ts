/**
 * Publish keys: what another system holds to call `/v1`. A key is random, shown once, and kept
 * only as its SHA-256 hash under a name chosen by whoever created it (`npm run key -- create NAME`).
 *
 * @example
 *   const key = newPublishKey(randomBytes);   // "llk_…", printed once
 *   await keys.create("ci", hashPublishKey(key), Date.now());
 *   const found = await keys.findByHash(hashPublishKey(bearerFromHeader)); // { name } or undefined
 */
import { createHash } from "node:crypto";

/** Names of keys: short, printable, safe in a table key and a log line. */
export const KEY_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
/** Recognisable in a log or a leaked-secret scan. */
const KEY_PREFIX = "llk_";

export class KeyInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyInputError";
  }
}

export function assertKeyName(name: string): void {
  if (!KEY_NAME.test(name)) throw new KeyInputError(`key name "${name}" must be 1-64 characters of A-Z a-z 0-9 _ . -`);
}

/** 32 random bytes, base64url: 256 bits, so the hash alone is safe to store without a salt. */
export function newPublishKey(randomBytes: (size: number) => Uint8Array): string {
  return `${KEY_PREFIX}${Buffer.from(randomBytes(32)).toString("base64url")}`;
}

export function hashPublishKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** The key of an `Authorization: Bearer KEY` header, or undefined when there is none. */
export function bearerKey(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  return match?.[1];
}
