/** Lambda entry of the collector's schedule: see src/handlers/collect.handler.ts. */
import { QiitaClient } from "#adapters/qiita/qiita-client.ts";
import { type Account, readAccounts } from "#adapters/secrets/deployed-settings.ts";
import { createCollectHandler } from "#handlers/collect.handler.ts";
import { articles, logger, metrics } from "./deployed-dependencies.ts";

const clients = new Map<string, QiitaClient>();

/** One client per account and token for the life of the instance, so rate-limit state carries over. */
function qiitaClientFor(account: Account): QiitaClient {
  const key = `${account.userId}\u0000${account.qiitaToken}`;
  let client = clients.get(key);
  if (!client) {
    client = new QiitaClient({ token: account.qiitaToken, userId: account.userId });
    clients.set(key, client);
  }
  return client;
}

export const handler = createCollectHandler<Account>({
  accounts: readAccounts,
  sourceFor: qiitaClientFor,
  store: articles,
  logger,
  metrics,
});
