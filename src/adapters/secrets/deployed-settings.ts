/**
 * Settings of the deployed stack that are secret: read at run time from Secrets Manager through
 * Powertools Parameters (cached across warm invocations), never from plain environment values.
 * The environment only carries the secret *names*, set by the CDK app.
 *
 * @example
 *   const accounts = await readAccounts(); // [{ userId: "alice", qiitaToken: "…", lineTo: "U…" }]
 */
import { getSecret } from "@aws-lambda-powertools/parameters/secrets";

/** One writer whose articles are watched. */
export interface Account {
  /** The writer's Qiita user id; also the id their subscription tokens are minted for. */
  readonly userId: string;
  readonly qiitaToken: string;
  /** LINE user, group or room id to push to; absent: no LINE for this writer. */
  readonly lineTo?: string;
}

/** Secrets change rarely; five minutes keeps Secrets Manager calls (and cost) negligible. */
const CACHE_SECONDS = 300;

export class SettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingError";
  }
}

function secretName(envVar: string): string {
  const name = process.env[envVar];
  if (!name) throw new SettingError(`${envVar} is not set: the CDK stack sets it to the secret's name.`);
  return name;
}

async function readString(envVar: string): Promise<string> {
  const value = await getSecret(secretName(envVar), { maxAge: CACHE_SECONDS });
  if (typeof value !== "string" || value.length === 0) {
    throw new SettingError(`The secret named by ${envVar} is empty: put its value with \`aws secretsmanager put-secret-value\`.`);
  }
  return value;
}

/** The HMAC key that signs subscription tokens (secret named by TOKEN_SECRET_NAME). */
export function readTokenSecret(): Promise<string> {
  return readString("TOKEN_SECRET_NAME");
}

/** The LINE channel access token (secret named by LINE_SECRET_NAME); undefined when not set up. */
export async function readLineChannelToken(): Promise<string | undefined> {
  const value = await getSecret(secretName("LINE_SECRET_NAME"), { maxAge: CACHE_SECONDS });
  return typeof value === "string" && value.length > 0 && value !== "unset" ? value : undefined;
}

/** The watched accounts (secret named by ACCOUNTS_SECRET_NAME): a JSON list of Account. */
export async function readAccounts(): Promise<Account[]> {
  const raw = await readString("ACCOUNTS_SECRET_NAME");
  return parseAccounts(raw);
}

export function parseAccounts(raw: string): Account[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new SettingError('The accounts secret is not JSON: store a list like [{"userId":"alice","qiitaToken":"…","lineTo":"U…"}].');
  }
  if (!Array.isArray(parsed)) {
    throw new SettingError('The accounts secret must be a JSON list of {"userId","qiitaToken","lineTo"}.');
  }
  return parsed.map((entry, index) => {
    const { userId, qiitaToken, lineTo } = (entry ?? {}) as Record<string, unknown>;
    if (typeof userId !== "string" || !userId || typeof qiitaToken !== "string" || !qiitaToken) {
      throw new SettingError(`Account ${index} in the accounts secret needs a non-empty "userId" and "qiitaToken".`);
    }
    if (lineTo !== undefined && typeof lineTo !== "string") {
      throw new SettingError(`Account ${index} in the accounts secret has a "lineTo" that is not a string.`);
    }
    return lineTo ? { userId, qiitaToken, lineTo } : { userId, qiitaToken };
  });
}
