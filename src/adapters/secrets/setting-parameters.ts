/**
 * The deployed stack's secret settings, one SSM Parameter Store SecureString each, described once
 * for the CDK app (which grants each function only its own) and for deployed-settings.ts (which
 * reads them). Plain data: no SDK or CDK import.
 *
 * One parameter per reader instead of one document for all: the stream function can read the LINE
 * token and recipients but never a Qiita token, and the collector never the LINE token.
 *
 * @example
 *   parameterName(settingParameters.qiitaAccounts, "/live-likes") // "/live-likes/qiita-accounts"
 */

export interface SettingParameter {
  /** Last segment of the parameter's name, under the deployment's prefix. */
  readonly name: string;
  /** The function's environment variable that carries the full parameter name (never the value). */
  readonly envVar: string;
  /** What the operator puts there, shown in the stack outputs and DEPLOY.md. */
  readonly description: string;
}

export const settingParameters = {
  tokenSecret: {
    name: "token-secret",
    envVar: "TOKEN_SECRET_PARAMETER",
    description: "HMAC key signing subscription tokens: at least 32 random characters (openssl rand -base64 48)",
  },
  lineChannelToken: {
    name: "line-channel-token",
    envVar: "LINE_CHANNEL_TOKEN_PARAMETER",
    description: "LINE Messaging API channel access token; absent: no LINE pushes",
  },
  lineRecipients: {
    name: "line-recipients",
    envVar: "LINE_RECIPIENTS_PARAMETER",
    description: 'JSON object from writer to LINE "to": {"alice":"U0123..."}; absent: nobody gets LINE',
  },
  qiitaAccounts: {
    name: "qiita-accounts",
    envVar: "QIITA_ACCOUNTS_PARAMETER",
    description:
      'JSON list of watched writers: [{"userId":"alice","qiitaToken":"...","githubLogin":"alice-gh"}] (either source may be left out); absent: nothing is polled',
  },
  githubToken: {
    name: "github-token",
    envVar: "GITHUB_TOKEN_PARAMETER",
    description: "GitHub personal access token whose user's repositories are watched for stars (no scope needed); absent: no stars",
  },
} as const satisfies Record<string, SettingParameter>;

export const DEFAULT_PARAMETER_PREFIX = "/live-likes";

/** The full parameter name under `prefix` (a path such as "/live-likes" or "/live-likes/staging"). */
export function parameterName(parameter: SettingParameter, prefix: string = DEFAULT_PARAMETER_PREFIX): string {
  return `${prefix}/${parameter.name}`;
}
