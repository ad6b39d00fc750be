/**
 * The one place that builds what the deployed handlers depend on: settings read once from the
 * environment the CDK stack sets, the AWS SDK clients, the adapters. Each entry file in this
 * folder takes what it needs, once per Lambda instance; the PURE marks let the bundler leave out
 * what an entry does not use (the connect function carries no LINE client).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { z } from "zod";
import { ManagementApiPoster } from "#adapters/apigateway/management-api-poster.ts";
import { DynamoDBArticleStore } from "#adapters/dynamodb/dynamodb-article-store.ts";
import { DynamoDbConnectionStore } from "#adapters/dynamodb/dynamodb-connection-store.ts";
import { DynamoDbDeliveryLedger } from "#adapters/dynamodb/dynamodb-delivery-ledger.ts";
import { DynamoDbEventLog } from "#adapters/dynamodb/dynamodb-event-log.ts";
import { DynamoDbRevocationStore } from "#adapters/dynamodb/dynamodb-revocation-store.ts";
import { articlesTable, tableName } from "#adapters/dynamodb/table-definitions.ts";
import { MessagingApiLineSender } from "#adapters/line/messaging-api-line-sender.ts";
import { readLineChannelToken, readLineRecipients } from "#adapters/secrets/deployed-settings.ts";
import type { LineTarget } from "#domain/delivery/deliver-batch.ts";
import { LINE_MODES } from "#domain/line-mode.ts";
import { SettingError } from "#domain/setting-error.ts";
import { DEFAULT_MAX_CONNECTIONS_PER_USER } from "#handlers/connect.handler.ts";

const environment = z.object({
  LINE_MODE: z.enum(LINE_MODES as [string, ...string[]]).default("fallback"),
  MANAGEMENT_API_ENDPOINT: z.string().url().optional(),
  MAX_CONNECTIONS_PER_USER: z.coerce.number().int().positive().default(DEFAULT_MAX_CONNECTIONS_PER_USER),
});

/** The deployed settings, checked once: a wrong one fails every invocation with one clear line. */
export function deployedSettings(env: NodeJS.ProcessEnv = process.env) {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    throw new SettingError(name, `${name} is "${env[name]}": ${issue.message}; fix it in the stack's deploy settings.`);
  }
  return { ...parsed.data, lineMode: parsed.data.LINE_MODE as (typeof LINE_MODES)[number] };
}

export const logger = /* @__PURE__ */ new Logger();
export const metrics = /* @__PURE__ */ new Metrics();
export const connections = /* @__PURE__ */ new DynamoDbConnectionStore();
export const events = /* @__PURE__ */ new DynamoDbEventLog();
export const ledger = /* @__PURE__ */ new DynamoDbDeliveryLedger();
export const revocations = /* @__PURE__ */ new DynamoDbRevocationStore();
export const articles = /* @__PURE__ */ new DynamoDBArticleStore(tableName(articlesTable));
export const poster = /* @__PURE__ */ new ManagementApiPoster({ endpoint: process.env.MANAGEMENT_API_ENDPOINT });

let lineSender: { token: string; sender: MessagingApiLineSender } | undefined;

/** LINE for one user: the channel token and that user's recipient from the deployed settings. */
export async function deployedLineFor(userId: string): Promise<LineTarget | undefined> {
  const [token, recipients] = await Promise.all([readLineChannelToken(), readLineRecipients()]);
  const to = recipients.get(userId);
  if (!token || !to) return undefined;
  // A rotated token gets a new client; the same token keeps its connection pool.
  if (lineSender?.token !== token) lineSender = { token, sender: new MessagingApiLineSender({ channelAccessToken: token }) };
  return { sender: lineSender.sender, to };
}
