/**
 * Secret settings of the deployed stack, read at run time from SSM Parameter Store SecureStrings
 * through Powertools Parameters (decrypted, cached across warm invocations). The environment only
 * carries each parameter's NAME (set by the CDK app), and each function may read only its own.
 *
 * @example
 *   const accounts = await readAccounts();          // collector: [{ userId: "alice", qiitaToken: "…" }]
 *   const recipients = await readLineRecipients();  // stream: Map { "alice" => "U0123…" }
 */
import { getParameter } from "@aws-lambda-powertools/parameters/ssm";
import { z } from "zod";
import { SettingError } from "#domain/setting-error.ts";
import { MIN_TOKEN_SECRET_LENGTH } from "#domain/token.ts";
import { settingParameters, type SettingParameter } from "./setting-parameters.ts";

/** One writer whose articles are watched: what the collector needs, nothing about LINE. */
export interface Account {
  /** The writer's Qiita user id; also the id their subscription tokens are minted for. */
  readonly userId: string;
  readonly qiitaToken: string;
}

/** The one settings error of the project (laptop and deployed); `variable` names the parameter. */
export { SettingError };

/** Reads one parameter's decrypted value; undefined when the parameter does not exist. */
export type ParameterSource = (name: string) => Promise<string | undefined>;

/** Settings change rarely; five minutes keeps SSM and KMS calls (and their cost) negligible. */
const CACHE_SECONDS = 300;

/** Powertools' cached, decrypting SSM read; a missing parameter reads as undefined. */
export const ssmParameterSource: ParameterSource = async (name) => {
  try {
    const value = await getParameter(name, { decrypt: true, maxAge: CACHE_SECONDS });
    return typeof value === "string" ? value : undefined;
  } catch (error) {
    // Powertools wraps the SDK's error; the cause names it.
    const cause = (error as { cause?: { name?: string } }).cause;
    if (cause?.name === "ParameterNotFound") return undefined;
    throw error;
  }
};

const tokenSecretSchema = z.string().min(MIN_TOKEN_SECRET_LENGTH);
// An account watches Qiita (qiitaToken), GitHub stars (githubLogin: the github-token's user), or both.
const accountsSchema = z.array(
  z
    .object({ userId: z.string().min(1), qiitaToken: z.string().min(1).optional(), githubLogin: z.string().min(1).optional() })
    .refine((account) => account.qiitaToken !== undefined || account.githubLogin !== undefined, "needs qiitaToken, githubLogin or both"),
);
const recipientsSchema = z.record(z.string().min(1), z.string().min(1));

/**
 * The deployed settings over any ParameterSource, so tests need no AWS. Each read names its
 * parameter from the environment at call time.
 */
export function createDeployedSettings(
  source: ParameterSource = ssmParameterSource,
  env: Readonly<Record<string, string | undefined>> = process.env,
) {
  const nameOf = (parameter: SettingParameter): string => {
    const name = env[parameter.envVar];
    if (!name) {
      throw new SettingError(
        parameter.envVar,
        `${parameter.envVar} is not set: the CDK stack sets it to the name of the ${parameter.name} parameter.`,
      );
    }
    return name;
  };
  const read = async (parameter: SettingParameter): Promise<{ name: string; value: string | undefined }> => {
    const name = nameOf(parameter);
    const value = await source(name);
    return { name, value: value === undefined || value.trim() === "" ? undefined : value };
  };

  const readAccountList = async () => {
    const { name, value } = await read(settingParameters.qiitaAccounts);
    if (value === undefined) return [];
    const example = '[{"userId":"alice","qiitaToken":"…","githubLogin":"alice-gh"}]';
    const parsed = accountsSchema.safeParse(parseJson(name, value, example));
    if (!parsed.success) {
      throw new SettingError(name, `The parameter ${name} must be a JSON list like ${example}: ${describe(parsed.error)}.`);
    }
    return parsed.data;
  };

  return {
    /** The HMAC key that signs subscription tokens: required, at least 32 characters. */
    async readTokenSecret(): Promise<string> {
      const { name, value } = await read(settingParameters.tokenSecret);
      const parsed = tokenSecretSchema.safeParse(value);
      if (!parsed.success) {
        throw new SettingError(
          name,
          `The parameter ${name} is ${value === undefined ? "missing" : `shorter than ${MIN_TOKEN_SECRET_LENGTH} characters`}: put a random key with \`openssl rand -base64 48 | tr -d '\\n' > key.txt && aws ssm put-parameter --type SecureString --overwrite --name ${name} --value file://key.txt\`.`,
        );
      }
      return parsed.data;
    },

    /** The LINE channel access token; undefined when LINE is not set up. */
    async readLineChannelToken(): Promise<string | undefined> {
      return (await read(settingParameters.lineChannelToken)).value;
    },

    /** Writer (userId) → LINE "to" (a user, group or room id); empty when nobody gets LINE. */
    async readLineRecipients(): Promise<ReadonlyMap<string, string>> {
      const { name, value } = await read(settingParameters.lineRecipients);
      if (value === undefined) return new Map();
      const parsed = recipientsSchema.safeParse(parseJson(name, value, '{"alice":"U0123…"}'));
      if (!parsed.success) {
        throw new SettingError(
          name,
          `The parameter ${name} must be a JSON object from writer to LINE "to", like {"alice":"U0123…"}: ${describe(parsed.error)}.`,
        );
      }
      return new Map(Object.entries(parsed.data));
    },

    /** The watched writers (those with a qiitaToken); empty until the operator puts the parameter. */
    async readAccounts(): Promise<Account[]> {
      return (await readAccountList()).flatMap(({ userId, qiitaToken }) => (qiitaToken ? [{ userId, qiitaToken }] : []));
    },

    /** GitHub login (lower case: logins are case-insensitive) → the user its stars go to, from the accounts' `githubLogin`. */
    async readGitHubLogins(): Promise<ReadonlyMap<string, string>> {
      return new Map(
        (await readAccountList()).flatMap(({ userId, githubLogin }) => (githubLogin ? [[githubLogin.toLowerCase(), userId] as const] : [])),
      );
    },

    /** The GitHub token whose user's repositories are watched for stars; undefined when not set up. */
    async readGitHubToken(): Promise<string | undefined> {
      return (await read(settingParameters.githubToken)).value?.trim();
    },
  };
}

export type DeployedSettings = ReturnType<typeof createDeployedSettings>;

function parseJson(name: string, value: string, example: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new SettingError(name, `The parameter ${name} is not JSON: store something like ${example}.`);
  }
}

/** Where the value is wrong, without echoing it (it may hold a token). */
function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "value"}: ${issue.message}`).join("; ");
}

const deployed = createDeployedSettings();

/** The HMAC key that signs subscription tokens (parameter named by TOKEN_SECRET_PARAMETER). */
export const readTokenSecret = (): Promise<string> => deployed.readTokenSecret();
/** The LINE channel access token (LINE_CHANNEL_TOKEN_PARAMETER); undefined when not set up. */
export const readLineChannelToken = (): Promise<string | undefined> => deployed.readLineChannelToken();
/** Writer → LINE "to" (LINE_RECIPIENTS_PARAMETER); the stream function's only view of writers. */
export const readLineRecipients = (): Promise<ReadonlyMap<string, string>> => deployed.readLineRecipients();
/** The watched writers and their Qiita tokens (QIITA_ACCOUNTS_PARAMETER); the collector's only. */
export const readAccounts = (): Promise<Account[]> => deployed.readAccounts();
/** GitHub login → user, from the same accounts parameter (its `githubLogin`s); the collector's only. */
export const readGitHubLogins = (): Promise<ReadonlyMap<string, string>> => deployed.readGitHubLogins();
/** The GitHub token (GITHUB_TOKEN_PARAMETER); undefined when stars are not set up. */
export const readGitHubToken = (): Promise<string | undefined> => deployed.readGitHubToken();
