import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseTtl, signToken, TokenInputError, verifyToken } from "#domain/token.ts";

const secret = "test-secret-0123456789";
const now = 1_800_000_000;

describe("signToken / verifyToken", () => {
  it("accepts a token it signed and returns its user and expiry", () => {
    // Prepare
    const token = signToken({ userId: "alice", expiresAt: now + 60 }, secret);

    // Act
    const check = verifyToken(token, secret, now);

    // Assess
    expect(check).toEqual({ ok: true, userId: "alice", expiresAt: now + 60 });
  });

  it("refuses a missing token", () => {
    expect(verifyToken(undefined, secret, now)).toEqual({ ok: false, reason: "missing" });
    expect(verifyToken("", secret, now)).toEqual({ ok: false, reason: "missing" });
  });

  it("refuses an expired token", () => {
    const token = signToken({ userId: "alice", expiresAt: now }, secret);

    expect(verifyToken(token, secret, now)).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses a token signed with another secret", () => {
    const token = signToken({ userId: "alice", expiresAt: now + 60 }, "another-secret");

    expect(verifyToken(token, secret, now)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("refuses a token whose user id was swapped for another", () => {
    const token = signToken({ userId: "alice", expiresAt: now + 60 }, secret);
    const [, expiry, signature] = token.split(".");
    const forged = `${Buffer.from("mallory").toString("base64url")}.${expiry}.${signature}`;

    expect(verifyToken(forged, secret, now)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("refuses a token whose expiry was extended", () => {
    const token = signToken({ userId: "alice", expiresAt: now + 60 }, secret);
    const [user, , signature] = token.split(".");

    expect(verifyToken(`${user}.${now + 999_999}.${signature}`, secret, now)).toEqual({
      ok: false,
      reason: "bad-signature",
    });
  });

  it.each(["abc", "a.b", "a.b.c.d", "YWxpY2U.-5.sig", "YWxpY2U.12x.sig", "YW+x.123.sig", "x".repeat(600)])(
    "refuses the malformed token %s",
    (token) => {
      expect(verifyToken(token, secret, now)).toMatchObject({ ok: false, reason: "malformed" });
    },
  );

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
    const token = signToken({ userId: "writer_1", expiresAt: now + 3_600 }, secret);
    fc.assert(
      fc.property(
        fc.nat({ max: token.length - 1 }),
        fc.constantFrom(..."ABCabc012-_.="),
        (position, replacement) => {
          fc.pre(token[position] !== replacement);
          const mutated = token.slice(0, position) + replacement + token.slice(position + 1);
          expect(verifyToken(mutated, secret, now).ok).toBe(false);
        },
      ),
      { numRuns: 1_000, seed: 7 },
    );
  });

  it("refuses another spelling of the same signature bytes", () => {
    const token = signToken({ userId: "alice", expiresAt: now + 60 }, secret);
    const last = token.at(-1) as string;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // The last of 43 base64url characters carries 4 bits; flipping a spare bit keeps the bytes.
    const sibling = alphabet[alphabet.indexOf(last) ^ 1] as string;

    expect(Buffer.from(token.slice(0, -1) + sibling, "utf8")).not.toEqual(Buffer.from(token));
    expect(verifyToken(token.slice(0, -1) + sibling, secret, now).ok).toBe(false);
  });

  it("rejects user ids it could not verify later", () => {
    expect(() => signToken({ userId: "has space", expiresAt: now }, secret)).toThrow(TokenInputError);
    expect(() => signToken({ userId: "", expiresAt: now }, secret)).toThrow(TokenInputError);
  });
});

describe("parseTtl", () => {
  it.each([
    ["45s", 45],
    ["90m", 5_400],
    ["12h", 43_200],
    ["30d", 2_592_000],
    ["600", 600],
  ])("reads %s as %i seconds", (text, seconds) => {
    expect(parseTtl(text)).toBe(seconds);
  });

  it.each(["", "0d", "-1h", "1w", "h", "1.5h"])("refuses %j with a message naming --ttl", (text) => {
    expect(() => parseTtl(text)).toThrow(/--ttl/);
  });
});
