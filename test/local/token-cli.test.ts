import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { MIN_TOKEN_SECRET_LENGTH, verifyToken } from "#domain/token.ts";
import { SettingError } from "#domain/setting-error.ts";
import { mintToken } from "#local/token-cli.ts";
import { resolveTokenSecret } from "#local/token-secret.ts";
import { localRuntimeEnv } from "#test/support/local-runtime.ts";

const now = 1_800_000_000_000;
const secret = "a-long-enough-secret-0123456789abcdef";
const run = promisify(execFile);

/** This process's environment without TOKEN_SECRET, so the secret comes from DATA_DIR. */
const { TOKEN_SECRET: _inherited, ...parentEnv } = process.env;
const freshDataDir = () => mkdtempSync(join(tmpdir(), "live-likes-token-"));

describe("token CLI: minting", () => {
  it("signs with TOKEN_SECRET, issued now, expiring after the --ttl given", () => {
    // Act
    const token = mintToken(["alice", "--ttl", "2h"], { TOKEN_SECRET: secret }, now);

    // Assess
    expect(verifyToken(token, secret, now / 1000)).toEqual({
      ok: true,
      userId: "alice",
      issuedAt: now / 1000,
      expiresAt: now / 1000 + 7_200,
    });
  });

  it("takes 90 days and refuses anything longer, naming the maximum", () => {
    const token = mintToken(["alice", "--ttl", "90d"], { TOKEN_SECRET: secret }, now);

    expect(verifyToken(token, secret, now / 1000)).toMatchObject({ ok: true, expiresAt: now / 1000 + 90 * 86_400 });
    expect(() => mintToken(["alice", "--ttl", "100d"], { TOKEN_SECRET: secret }, now)).toThrow(
      '--ttl "100d" is longer than the maximum of 90 days: use 90d or less, and mint a new token when it runs out',
    );
  });

  it("without TOKEN_SECRET uses the secret kept in DATA_DIR, creating it once: 0600, 32 random bytes, no leftovers", () => {
    // Prepare
    const dataDir = freshDataDir();

    // Act
    const first = mintToken(["alice"], { DATA_DIR: dataDir }, now);
    const stored = readFileSync(join(dataDir, "token-secret"), "utf8");
    const second = mintToken(["bob"], { DATA_DIR: dataDir }, now);

    // Assess
    expect(stored).toMatch(/^[0-9a-f]{64}\n$/);
    expect(statSync(join(dataDir, "token-secret")).mode & 0o777).toBe(0o600);
    expect(readdirSync(dataDir)).toEqual(["token-secret"]);
    expect(verifyToken(first, stored.trim(), now / 1000)).toMatchObject({ ok: true, userId: "alice", expiresAt: now / 1000 + 30 * 86_400 });
    expect(verifyToken(second, stored.trim(), now / 1000)).toMatchObject({ ok: true, userId: "bob" });
  });

  it("never replaces a secret already there", () => {
    const dataDir = freshDataDir();
    const theirs = "x".repeat(MIN_TOKEN_SECRET_LENGTH);
    writeFileSync(join(dataDir, "token-secret"), `${theirs}\n`);

    expect(resolveTokenSecret({ dataDir })).toBe(theirs);
    expect(readFileSync(join(dataDir, "token-secret"), "utf8")).toBe(`${theirs}\n`);
  });

  it("gives every process racing to create the secret the same one", async () => {
    // Prepare
    const dataDir = freshDataDir();
    const script = `import { resolveTokenSecret } from "./src/local/token-secret.ts"; process.stdout.write(resolveTokenSecret({ dataDir: ${JSON.stringify(dataDir)} }));`;

    // Act: six processes at once, each creating the file if it finds none.
    const outputs = await Promise.all(
      Array.from({ length: 6 }, () =>
        run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" }),
      ),
    );

    // Assess
    const stored = readFileSync(join(dataDir, "token-secret"), "utf8").trim();
    expect(outputs.map((output) => output.stdout)).toEqual(Array(6).fill(stored));
    expect(readdirSync(dataDir)).toEqual(["token-secret"]);
  });

  it.each([
    ["", 0, "0 characters"],
    ["k", 1, "1 character"],
    ["k".repeat(MIN_TOKEN_SECRET_LENGTH - 1), MIN_TOKEN_SECRET_LENGTH - 1, `${MIN_TOKEN_SECRET_LENGTH - 1} characters`],
  ])("stops on a stored secret of %j, naming the file and what to do, and leaves it alone", (content, _length, held) => {
    // Prepare: what a crash between creating and writing the file, or a hand edit, leaves.
    const dataDir = freshDataDir();
    const file = join(dataDir, "token-secret");
    writeFileSync(file, content);

    // Act
    const attempt = () => mintToken(["alice"], { DATA_DIR: dataDir }, now);

    // Assess
    expect(attempt).toThrow(SettingError);
    expect(attempt).toThrow(
      `${file} holds ${held}; a secret needs at least 32: delete the file to have a new one generated ` +
        "(every token issued so far stops working) or put a longer one in it.",
    );
    expect(readFileSync(file, "utf8")).toBe(content);
  });

  it("refuses to mint with DATA_DIR=memory and no TOKEN_SECRET: npm start would never accept the token", () => {
    expect(() => mintToken(["alice"], { DATA_DIR: "memory" }, now)).toThrow(/set TOKEN_SECRET/);
  });

  it.each([[[]], [["a", "b"]]])("explains its usage when given %j", (argv) => {
    expect(() => mintToken(argv, { TOKEN_SECRET: secret }, now)).toThrow(/usage: npm run --silent token -- USER_ID/);
  });

  it("prints only the token on stdout through npm", () => {
    const out = execFileSync("npm", ["run", "--silent", "token", "--", "carol", "--ttl", "1d"], {
      env: { ...process.env, TOKEN_SECRET: secret },
      encoding: "utf8",
    });

    expect(out).toMatch(/^[A-Za-z0-9_-]+\.\d+\.\d+\.[A-Za-z0-9_-]+\n$/);
    expect(verifyToken(out.trim(), secret, Date.now() / 1000)).toMatchObject({ ok: true, userId: "carol" });
  });

  it("through npm, refuses --ttl 100d with one line on stderr, nothing on stdout and exit code 2", async () => {
    const attempt = run("npm", ["run", "--silent", "token", "--", "carol", "--ttl", "100d"], {
      env: { ...process.env, TOKEN_SECRET: secret },
      encoding: "utf8",
    });

    await expect(attempt).rejects.toMatchObject({
      code: 2,
      stdout: "",
      stderr: '--ttl "100d" is longer than the maximum of 90 days: use 90d or less, and mint a new token when it runs out\n',
    });
  });

  it("through npm, stops on a one-character secret file with that one line", async () => {
    const dataDir = freshDataDir();
    writeFileSync(join(dataDir, "token-secret"), "k\n");

    const attempt = run("npm", ["run", "--silent", "token", "--", "carol"], {
      env: { ...parentEnv, DATA_DIR: dataDir },
      encoding: "utf8",
    });

    await expect(attempt).rejects.toMatchObject({
      code: 2,
      stdout: "",
      stderr: expect.stringMatching(/^\S+token-secret holds 1 character; a secret needs at least 32: delete the file[^\n]*\n$/),
    });
  });
});

describe("npm start with a short token secret", () => {
  it("stops before serving anything, with one line naming the file", async () => {
    // Prepare: the runtime's test environment, but the secret from a one-character file.
    const dataDir = freshDataDir();
    writeFileSync(join(dataDir, "token-secret"), "k");
    const { TOKEN_SECRET: _unused, ...env } = localRuntimeEnv({ DATA_DIR: dataDir });

    // Act
    const attempt = run(process.execPath, ["--import", "tsx", "src/local/main.ts"], {
      env: { ...parentEnv, ...env },
      encoding: "utf8",
      // Were it to start after all, it would serve forever.
      timeout: 20_000,
    });

    // Assess: Node 20 adds the AWS SDK's own NodeVersionSupportWarning above; ours is one line.
    const failure = (await attempt.then(
      () => undefined,
      (error: unknown) => error,
    )) as { code: number; stdout: string; stderr: string };
    expect(failure.code).toBe(1);
    expect(failure.stderr.match(/^Cannot start: .*$/gm)).toEqual([
      `Cannot start: ${join(dataDir, "token-secret")} holds 1 character; a secret needs at least 32: delete the file to have a new one generated (every token issued so far stops working) or put a longer one in it.`,
    ]);
    expect(failure.stderr.endsWith("put a longer one in it.\n")).toBe(true);
  });
});
