import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { verifyToken } from "#domain/token.ts";
import { mintToken } from "#local/token-cli.ts";

const now = 1_800_000_000_000;

describe("token CLI", () => {
  it("signs with TOKEN_SECRET and the --ttl given", () => {
    // Act
    const token = mintToken(["alice", "--ttl", "2h"], { TOKEN_SECRET: "a-long-enough-secret" }, now);

    // Assess
    expect(verifyToken(token, "a-long-enough-secret", now / 1000)).toEqual({
      ok: true,
      userId: "alice",
      expiresAt: now / 1000 + 7_200,
    });
  });

  it("without TOKEN_SECRET uses the secret kept in DATA_DIR, creating it once", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "live-likes-token-"));

    const first = mintToken(["alice"], { DATA_DIR: dataDir }, now);
    const secret = readFileSync(join(dataDir, "token-secret"), "utf8").trim();
    const second = mintToken(["bob"], { DATA_DIR: dataDir }, now);

    expect(verifyToken(first, secret, now / 1000)).toMatchObject({ ok: true, userId: "alice", expiresAt: now / 1000 + 30 * 86_400 });
    expect(verifyToken(second, secret, now / 1000)).toMatchObject({ ok: true, userId: "bob" });
  });

  it.each([[[]], [["a", "b"]]])("explains its usage when given %j", (argv) => {
    expect(() => mintToken(argv, { TOKEN_SECRET: "a-long-enough-secret" }, now)).toThrow(/usage: npm run --silent token -- USER_ID/);
  });

  it("prints only the token on stdout through npm", () => {
    const out = execFileSync("npm", ["run", "--silent", "token", "--", "carol", "--ttl", "1d"], {
      env: { ...process.env, TOKEN_SECRET: "a-long-enough-secret" },
      encoding: "utf8",
    });

    expect(out).toMatch(/^[A-Za-z0-9_-]+\.\d+\.[A-Za-z0-9_-]+\n$/);
    expect(verifyToken(out.trim(), "a-long-enough-secret", Date.now() / 1000)).toMatchObject({ ok: true, userId: "carol" });
  });
});
