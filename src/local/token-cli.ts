/**
 * `npm run --silent token -- USER_ID [--ttl 30d]` prints one subscription token on stdout.
 * It signs with the same secret `npm start` uses (TOKEN_SECRET, else DATA_DIR/token-secret).
 */
import { parseArgs } from "node:util";
import { parseTtl, signToken } from "#domain/token.ts";
import { loadConfig } from "./config.ts";
import { resolveTokenSecret } from "./token-secret.ts";

const DEFAULT_TTL = "30d";

export function mintToken(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, nowMs: number): string {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { ttl: { type: "string", default: DEFAULT_TTL } },
    allowPositionals: true,
  });
  const userId = positionals[0];
  if (!userId || positionals.length > 1) {
    throw new Error("usage: npm run --silent token -- USER_ID [--ttl 30d]   (ttl in s, m, h or d)");
  }
  const config = loadConfig(env);
  const secret = resolveTokenSecret({ tokenSecret: config.tokenSecret, dataDir: config.dataDir });
  return signToken({ userId, expiresAt: Math.floor(nowMs / 1000) + parseTtl(values.ttl) }, secret);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.stdout.write(`${mintToken(process.argv.slice(2), process.env, Date.now())}\n`);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
}
