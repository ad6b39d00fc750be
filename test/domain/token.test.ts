import { describe, expect, it } from "vitest";
import { createHmac } from "node:crypto";
import fc from "fast-check";
import {
  isRevoked,
  MAX_TOKEN_LIFETIME_SECONDS,
  parseTtl,
  revocationSecond,
  signToken,
  TokenInputError,
  verifyToken,
} from "#domain/token.ts";

const secret = "test-secret-0123456789-0123456789";
const now = 1_800_000_000;
const issuedAt = now - 10;

describe("signToken / verifyToken", () => {
  it("accepts a token it signed and returns its user and expiry", () => {
    // Prepare
    const token = signToken({ userId: "alice", issuedAt, expiresAt: now + 60 }, secret);

    // Act
    const check = verifyToken(token, secret, now);

    // Assess
    expect(check).toEqual({ ok: true, userId: "alice", issuedAt, expiresAt: now + 60 });
  });

  it("refuses a missing token", () => {
    expect(verifyToken(undefined, secret, now)).toEqual({ ok: false, reason: "missing" });
    expect(verifyToken("", secret, now)).toEqual({ ok: false, reason: "missing" });
  });

  it("refuses an expired token", () => {
    const token = signToken({ userId: "alice", issuedAt, expiresAt: now }, secret);

    expect(verifyToken(token, secret, now)).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses a token signed with another secret", () => {
    const token = signToken({ userId: "alice", issuedAt, expiresAt: now + 60 }, "another-secret");

    expect(verifyToken(token, secret, now)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("refuses a token whose user id was swapped for another", () => {
    const token = signToken({ userId: "alice", issuedAt, expiresAt: now + 60 }, secret);
    const [, issued, expiry, signature] = token.split(".");
    const forged = `${Buffer.from("mallory").toString("base64url")}.${issued}.${expiry}.${signature}`;

    expect(verifyToken(forged, secret, now)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("refuses a token whose expiry was extended", () => {
    const token = signToken({ userId: "alice", issuedAt, expiresAt: now + 60 }, secret);
    const [user, issued, , signature] = token.split(".");

    expect(verifyToken(`${user}.${issued}.${now + 999_999}.${signature}`, secret, now)).toEqual({
      ok: false,
      reason: "bad-signature",
    });
  });

  it("refuses a token whose issue time was moved later (to escape a revocation)", () => {
    const token = signToken({ userId: "alice", issuedAt, expiresAt: now + 60 }, secret);
    const [user, , expiry, signature] = token.split(".");

    expect(verifyToken(`${user}.${now}.${expiry}.${signature}`, secret, now)).toEqual({
      ok: false,
      reason: "bad-signature",
    });
  });

  it("refuses a three-part token made by dropping the issue time of a four-part one", () => {
    const token = signToken({ userId: "alice", issuedAt, expiresAt: now + 60 }, secret);
    const [user, , expiry, signature] = token.split(".");

    expect(verifyToken(`${user}.${expiry}.${signature}`, secret, now)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it.each([
    "abc",
    "a.b",
    "a.b.c.d",
    "a.b.c.d.e",
    "YWxpY2U.-5.sig",
    "YWxpY2U.12x.sig",
    "YW+x.123.sig",
    "YWxpY2U.0.123.sig",
    "YWxpY2U.01.123.sig",
    "YWxpY2U..123.sig",
    "x".repeat(600),
  ])("refuses the malformed token %s", (token) => {
    expect(verifyToken(token, secret, now)).toMatchObject({ ok: false, reason: "malformed" });
  });

  it("never accepts an arbitrary string and never throws (fuzz)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 700 }), (token) => {
        const check = verifyToken(token, secret, now);
        expect(check.ok).toBe(false);
      }),
      { numRuns: 2_000, seed: 42 },
    );
  });

  it("refuses every single-character change of a valid token (fuzz)", () => {
    const token = signToken({ userId: "writer_1", issuedAt, expiresAt: now + 3_600 }, secret);
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(..."ABCabc012-_.="), (position, replacement) => {
        fc.pre(token[position] !== replacement);
        const mutated = token.slice(0, position) + replacement + token.slice(position + 1);
        expect(verifyToken(mutated, secret, now).ok).toBe(false);
      }),
      { numRuns: 1_000, seed: 7 },
    );
  });

  it("refuses another spelling of the same signature bytes", () => {
    const token = signToken({ userId: "alice", issuedAt, expiresAt: now + 60 }, secret);
    const last = token.at(-1) as string;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // The last of 43 base64url characters carries 4 bits; flipping a spare bit keeps the bytes.
    const sibling = alphabet[alphabet.indexOf(last) ^ 1] as string;

    expect(Buffer.from(token.slice(0, -1) + sibling, "utf8")).not.toEqual(Buffer.from(token));
    expect(verifyToken(token.slice(0, -1) + sibling, secret, now).ok).toBe(false);
  });

  it("still accepts a three-part token from before issue times, as issued at 0", () => {
    // Prepare: what signToken wrote before tokens carried an issue time.
    const token = signToken({ userId: "alice", expiresAt: now + 60 }, secret);

    // Act
    const check = verifyToken(token, secret, now);

    // Assess
    expect(token.split(".")).toHaveLength(3);
    expect(check).toEqual({ ok: true, userId: "alice", issuedAt: 0, expiresAt: now + 60 });
  });

  it("refuses a token meant to live longer than 90 days, even one signed with the secret", () => {
    // Prepare: a token built by hand, as an older signToken (or another tool) could have.
    const tooLong = signRaw(`${Buffer.from("alice").toString("base64url")}.${issuedAt}.${issuedAt + MAX_TOKEN_LIFETIME_SECONDS + 1}`);
    const atMost = signRaw(`${Buffer.from("alice").toString("base64url")}.${issuedAt}.${issuedAt + MAX_TOKEN_LIFETIME_SECONDS}`);

    expect(verifyToken(tooLong, secret, now)).toEqual({ ok: false, reason: "lifetime-too-long" });
    expect(verifyToken(atMost, secret, now)).toMatchObject({ ok: true });
  });

  it("refuses a 100-year three-part token minted before the maximum existed", () => {
    const hundredYears = signToken({ userId: "alice", expiresAt: now + 100 * 365 * 86_400 }, secret);

    expect(verifyToken(hundredYears, secret, now)).toEqual({ ok: false, reason: "lifetime-too-long" });
  });

  it("refuses to sign a lifetime over 90 days or an issue time not before the expiry", () => {
    expect(() => signToken({ userId: "alice", issuedAt: now, expiresAt: now + MAX_TOKEN_LIFETIME_SECONDS + 1 }, secret)).toThrow(
      /at most 90 days/,
    );
    expect(() => signToken({ userId: "alice", issuedAt: now, expiresAt: now }, secret)).toThrow(TokenInputError);
    expect(() => signToken({ userId: "alice", issuedAt: 0, expiresAt: now }, secret)).toThrow(TokenInputError);
  });

  it("rejects user ids it could not verify later", () => {
    expect(() => signToken({ userId: "has space", expiresAt: now }, secret)).toThrow(TokenInputError);
    expect(() => signToken({ userId: "", expiresAt: now }, secret)).toThrow(TokenInputError);
  });
});

describe("revocation", () => {
  it("refuses a token issued in the second the revocation was made, even just before it", () => {
    // Prepare: issued at 12:00:00.100, revoked at 12:00:00.900.
    const revokedAt = revocationSecond(now * 1000 + 900);

    expect(isRevoked(now, revokedAt)).toBe(true);
    expect(isRevoked(now - 86_400, revokedAt)).toBe(true);
  });

  it("accepts a token issued once the recorded second has begun, where revoke returns", () => {
    const revokedAt = revocationSecond(now * 1000 + 900);

    expect(revokedAt * 1000).toBeGreaterThan(now * 1000 + 900);
    expect(isRevoked(revokedAt, revokedAt)).toBe(false);
  });

  it("refuses every three-part token (issued at 0) of a revoked user, and nothing without a revocation", () => {
    expect(isRevoked(0, revocationSecond(1))).toBe(true);
    expect(isRevoked(0, undefined)).toBe(false);
  });

  it("records the next whole second even when the revocation falls on one exactly", () => {
    expect(revocationSecond(now * 1000)).toBe(now + 1);
  });
});

describe("parseTtl", () => {
  it.each([
    ["45s", 45],
    ["90m", 5_400],
    ["12h", 43_200],
    ["30d", 2_592_000],
    ["90d", 7_776_000],
    ["600", 600],
  ])("reads %s as %i seconds", (text, seconds) => {
    expect(parseTtl(text)).toBe(seconds);
  });

  it.each(["", "0d", "-1h", "1w", "h", "1.5h"])("refuses %j with a message naming --ttl", (text) => {
    expect(() => parseTtl(text)).toThrow(/--ttl/);
  });

  it.each(["91d", "100d", "2161h", "7776001"])("refuses %j as longer than 90 days", (text) => {
    expect(() => parseTtl(text)).toThrow(`--ttl "${text}" is longer than the maximum of 90 days`);
  });
});

function signRaw(payload: string): string {
  return `${payload}.${createHmac("sha256", secret).update(payload).digest("base64url")}`;
}
