/** Lambda entry of the hot ping's function URL: see src/handlers/hot-poll.handler.ts. */
import { type Account, readAccounts, readTokenSecret } from "#adapters/secrets/deployed-settings.ts";
import { QIITA_HOURLY_LIMIT } from "#domain/collector/hot-poll.ts";
import { createHotPollHandler } from "#handlers/hot-poll.handler.ts";
import { articles, hotPollLease, hotPollSettings, logger, qiitaClientFor, revocations } from "./deployed-dependencies.ts";

/** The page pings every 15 s with ±1 s of jitter (web/live-feed.js HOT_PING_MS). */
const HOT_PING_MS = 15_000;
const HOT_PING_JITTER_MS = 1_000;

const settings = hotPollSettings();

export const handler = createHotPollHandler<Account>({
  tokenSecret: readTokenSecret,
  revocations,
  accounts: readAccounts,
  sourceFor: qiitaClientFor,
  store: articles,
  lease: hotPollLease,
  budget: { hourlyLimit: QIITA_HOURLY_LIMIT, share: settings.budgetShare },
  bounds: settings.bounds,
  sweepIntervalMs: settings.sweepIntervalMs,
  // One tab's next ping always finds its own lease run out; a second tab's find it held.
  minLeaseMs: HOT_PING_MS - 2 * HOT_PING_JITTER_MS,
  logger,
});
