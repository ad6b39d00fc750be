/**
 * Subscription tokens: `<base64url(userId)>.<expiry epoch seconds>.<base64url(HMAC-SHA256)>`.
 * The HMAC covers the first two parts with TOKEN_SECRET; verification compares in constant time.
 *
 * @example
 *   const token = signToken({ userId: "alice", expiresAt: nowSeconds + 86_400 }, secret);
 *   verifyToken(token, secret, nowSeconds); // { ok: true, userId: "alice", expiresAt: … }
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export type TokenCheck =
  | { readonly ok: true; readonly userId: string; readonly expiresAt: number }
  | { readonly ok: false; readonly reason: "missing" | "malformed" | "bad-signature" | "expired" };

/** Qiita user ids are short ASCII; anything else in a token is an attack or a typo. */
const USER_ID = /^[A-Za-z0-9_.@-]{1,64}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const MAX_TOKEN_LENGTH = 512;

export function signToken(claims: { userId: string; expiresAt: number }, secret: string): string {
  if (!USER_ID.test(claims.userId)) {
    throw new TokenInputError(`user id "${claims.userId}" must be 1-64 characters of A-Z a-z 0-9 _ . @ -`);
  }
  if (!Number.isSafeInteger(claims.expiresAt) || claims.expiresAt <= 0) {
    throw new TokenInputError("expiresAt must be a positive whole number of epoch seconds");
  }
  const payload = `${Buffer.from(claims.userId, "utf8").toString("base64url")}.${claims.expiresAt}`;
  return `${payload}.${mac(payload, secret).toString("base64url")}`;
}

export function verifyToken(token: string | undefined | null, secret: string, nowSeconds: number): TokenCheck {
  if (!token) return { ok: false, reason: "missing" };
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: "malformed" };
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "malformed" };
  const [encodedUser, expiry, signature] = parts as [string, string, string];
  if (!BASE64URL.test(encodedUser) || !/^[1-9]\d{0,15}$/.test(expiry) || !BASE64URL.test(signature)) {
    return { ok: false, reason: "malformed" };
  }
  // Compare the canonical text, not decoded bytes: base64 decoding ignores a last character's
  // spare bits, which would let several spellings of one signature pass.
  const expected = Buffer.from(mac(`${encodedUser}.${expiry}`, secret).toString("base64url"));
  const given = Buffer.from(signature);
  // timingSafeEqual needs equal lengths; a length mismatch reveals nothing about the secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: "bad-signature" };
  }
  const userId = Buffer.from(encodedUser, "base64url").toString("utf8");
  if (!USER_ID.test(userId)) return { ok: false, reason: "malformed" };
  const expiresAt = Number(expiry);
  if (expiresAt <= nowSeconds) return { ok: false, reason: "expired" };
  return { ok: true, userId, expiresAt };
}

/** Parses a time-to-live like `30d`, `12h`, `90m`, `45s` or a bare number of seconds. */
export function parseTtl(text: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  const unit = { "": 1, s: 1, m: 60, h: 3_600, d: 86_400 } as const;
  const seconds = match ? Number(match[1]) * unit[match[2] as keyof typeof unit] : NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new TokenInputError(`--ttl "${text}" is not a duration: use a number with s, m, h or d, like 30d`);
  }
  return seconds;
}

export class TokenInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TokenInputError";
  }
}

function mac(payload: string, secret: string): Buffer {
  return createHmac("sha256", secret).update(payload).digest();
}
