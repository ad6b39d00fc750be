/**
 * Subscription tokens: `<base64url(userId)>.<issued-at epoch s>.<expiry epoch s>.<base64url(HMAC-SHA256)>`.
 * The HMAC covers everything before the signature; verification compares in constant time.
 * The issue time is what revocation compares against (see `isRevoked`). A token of the older
 * three-part format (`<user>.<expiry>.<sig>`) has no issue time: it counts as issued at 0, so
 * any revocation of its user refuses it.
 *
 * @example
 *   const token = signToken({ userId: "alice", issuedAt: nowSeconds, expiresAt: nowSeconds + 86_400 }, secret);
 *   verifyToken(token, secret, nowSeconds); // { ok: true, userId: "alice", issuedAt: …, expiresAt: … }
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** An HMAC key shorter than this is guessable or a sign of a truncated file; one minimum everywhere. */
export const MIN_TOKEN_SECRET_LENGTH = 32;
/** No token lives longer than 90 days: a leaked one stops working by itself within that time. */
export const MAX_TOKEN_LIFETIME_SECONDS = 90 * 86_400;

export type TokenCheck =
  | {
      readonly ok: true;
      readonly userId: string;
      /** Epoch seconds; 0 for a token of the three-part format, which carries no issue time. */
      readonly issuedAt: number;
      readonly expiresAt: number;
    }
  | {
      readonly ok: false;
      readonly reason: "missing" | "malformed" | "bad-signature" | "expired" | "lifetime-too-long";
    };

/** Qiita user ids are short ASCII; anything else in a token is an attack or a typo. */
export const USER_ID = /^[A-Za-z0-9_.@-]{1,64}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const EPOCH_SECONDS = /^[1-9]\d{0,15}$/;
const MAX_TOKEN_LENGTH = 512;

export interface TokenClaims {
  readonly userId: string;
  /**
   * Epoch seconds. Left out, the token is written in the older three-part format, which counts
   * as issued at 0: any revocation of the user refuses it, even one made before it was minted.
   * Every caller should pass it; leaving it out is kept only so older callers still compile.
   */
  readonly issuedAt?: number;
  readonly expiresAt: number;
}

/** Throws TokenInputError unless `userId` is one a token can carry. */
export function assertUserId(userId: string): void {
  if (!USER_ID.test(userId)) {
    throw new TokenInputError(`user id "${userId}" must be 1-64 characters of A-Z a-z 0-9 _ . @ -`);
  }
}

export function signToken(claims: TokenClaims, secret: string): string {
  assertUserId(claims.userId);
  if (!Number.isSafeInteger(claims.expiresAt) || claims.expiresAt <= 0) {
    throw new TokenInputError("expiresAt must be a positive whole number of epoch seconds");
  }
  const user = Buffer.from(claims.userId, "utf8").toString("base64url");
  let payload = `${user}.${claims.expiresAt}`;
  if (claims.issuedAt !== undefined) {
    if (!Number.isSafeInteger(claims.issuedAt) || claims.issuedAt <= 0 || claims.issuedAt >= claims.expiresAt) {
      throw new TokenInputError("issuedAt must be a positive whole number of epoch seconds before expiresAt");
    }
    if (claims.expiresAt - claims.issuedAt > MAX_TOKEN_LIFETIME_SECONDS) {
      throw new TokenInputError(
        `a token may live at most ${MAX_TOKEN_LIFETIME_SECONDS / 86_400} days; this one would live ${Math.ceil((claims.expiresAt - claims.issuedAt) / 86_400)}`,
      );
    }
    payload = `${user}.${claims.issuedAt}.${claims.expiresAt}`;
  }
  return `${payload}.${mac(payload, secret).toString("base64url")}`;
}

export function verifyToken(token: string | undefined | null, secret: string, nowSeconds: number): TokenCheck {
  if (!token) return { ok: false, reason: "missing" };
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: "malformed" };
  const parts = token.split(".");
  // Four parts: user.issuedAt.expiresAt.sig; three: the older user.expiresAt.sig. The payloads
  // differ in their number of dots, so a signature of one format never verifies as the other.
  if (parts.length !== 3 && parts.length !== 4) return { ok: false, reason: "malformed" };
  const encodedUser = parts[0] as string;
  const signature = parts.at(-1) as string;
  const times = parts.slice(1, -1);
  if (!BASE64URL.test(encodedUser) || !times.every((t) => EPOCH_SECONDS.test(t)) || !BASE64URL.test(signature)) {
    return { ok: false, reason: "malformed" };
  }
  // Compare the canonical text, not decoded bytes: base64 decoding ignores a last character's
  // spare bits, which would let several spellings of one signature pass.
  const expected = Buffer.from(mac(parts.slice(0, -1).join("."), secret).toString("base64url"));
  const given = Buffer.from(signature);
  // timingSafeEqual needs equal lengths; a length mismatch reveals nothing about the secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: "bad-signature" };
  }
  const userId = Buffer.from(encodedUser, "base64url").toString("utf8");
  if (!USER_ID.test(userId)) return { ok: false, reason: "malformed" };
  const issuedAt = times.length === 2 ? Number(times[0]) : 0;
  const expiresAt = Number(times.at(-1));
  if (expiresAt <= nowSeconds) return { ok: false, reason: "expired" };
  // Signed by a secret holder, so only a caller bypassing signToken (or an older version of it,
  // which minted 100-year tokens) gets here. A three-part token has no issue time: what is left
  // of its life must fit the maximum.
  const lifetime = issuedAt > 0 ? expiresAt - issuedAt : expiresAt - nowSeconds;
  if (lifetime > MAX_TOKEN_LIFETIME_SECONDS) return { ok: false, reason: "lifetime-too-long" };
  return { ok: true, userId, issuedAt, expiresAt };
}

/**
 * Whether a token issued at `issuedAt` is refused by a revocation recorded as `revokedAt`
 * (both epoch seconds). A revocation made at `t` ms is recorded as the next whole second,
 * `revocationSecond(t)`, and `revoke` returns only once that second has begun: every token
 * issued before the revocation is refused, and every token minted after `revoke` returns works.
 */
export function isRevoked(issuedAt: number, revokedAt: number | undefined): boolean {
  return revokedAt !== undefined && issuedAt < revokedAt;
}

/** The `revokedAt` to record for a revocation made at `nowMs` (see `isRevoked`). */
export function revocationSecond(nowMs: number): number {
  return Math.floor(nowMs / 1000) + 1;
}

/** Parses a time-to-live like `30d`, `12h`, `90m`, `45s` or a bare number of seconds, at most 90 days. */
export function parseTtl(text: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  const unit = { "": 1, s: 1, m: 60, h: 3_600, d: 86_400 } as const;
  const seconds = match ? Number(match[1]) * unit[match[2] as keyof typeof unit] : NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new TokenInputError(`--ttl "${text}" is not a duration: use a number with s, m, h or d, like 30d`);
  }
  if (seconds > MAX_TOKEN_LIFETIME_SECONDS) {
    throw new TokenInputError(
      `--ttl "${text}" is longer than the maximum of ${MAX_TOKEN_LIFETIME_SECONDS / 86_400} days: ` +
        "use 90d or less, and mint a new token when it runs out",
    );
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
