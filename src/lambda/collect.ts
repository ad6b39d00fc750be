/** Lambda entry of the collector's schedule: see src/handlers/collect.handler.ts. */
import { type Account, readAccounts } from "#adapters/secrets/deployed-settings.ts";
import { createCollectHandler } from "#handlers/collect.handler.ts";
import { articles, logger, metrics, qiitaClientFor } from "./deployed-dependencies.ts";

export const handler = createCollectHandler<Account>({
  accounts: readAccounts,
  sourceFor: qiitaClientFor,
  store: articles,
  logger,
  metrics,
});
