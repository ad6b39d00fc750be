/**
 * hot ping (function URL, from an open page) ─▶ [hot poll] ─▶ lease ─▶ first page ─▶ articles ─▶ stream
 * The deployed rhythm of issue 11 (docs/SCALE.md): a page whose WebSocket is open POSTs its
 * subscription token every 15 s; this takes the account's lease and reads the first page with the
 * collector's own use case, so a like is written, and notified, once whoever saw it first.
 *
 * 1. Only POST, with a valid token of a user not revoked since (revocations kept a minute).
 * 2. Only for a watched account; nextHotPoll says whether the budget allows a poll now, else 429
 *    with Retry-After (a rate limit, or the share spent).
 * 3. The account's lease, until the decided delay or `minLeaseMs` (one tab's pings never collide
 *    with it, a second tab's find it held): not taken, 204 and nothing else.
 * 4. The first page; the Query only when it differs from the one this instance last confirmed.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from "aws-lambda";
import { collectAccount, type RequestCounting } from "#domain/collector/collect-account.ts";
import { FirstPageMemo } from "#domain/collector/first-page-memo.ts";
import {
  type BudgetReporting,
  type HotPollBounds,
  type HotPollBudget,
  nextHotPoll,
  sweepRequestsPerHour,
} from "#domain/collector/hot-poll.ts";
import { PollPause } from "#domain/collector/poll-pause.ts";
import type { ArticleSource, ArticleStore, HotPollLease, RevocationStore } from "#domain/ports.ts";
import { isRevoked, verifyToken } from "#domain/token.ts";

export interface HotPollHandlerDeps<A extends { readonly userId: string }> {
  tokenSecret(): Promise<string>;
  readonly revocations: RevocationStore;
  accounts(): Promise<readonly A[]>;
  /** The same source for the same account on every call: it keeps the rate state. */
  sourceFor(account: A): ArticleSource & Partial<RequestCounting & BudgetReporting>;
  readonly store: ArticleStore;
  readonly lease: HotPollLease;
  readonly budget: HotPollBudget;
  readonly bounds: HotPollBounds;
  /** The scheduled sweeps' interval, for their part of the budget. */
  readonly sweepIntervalMs: number;
  /** The shortest lease: the page's ping interval less twice its jitter. */
  readonly minLeaseMs: number;
  readonly logger: Logger;
  /** Epoch ms. */
  readonly now?: () => number;
}

/** How long a user's revocation time is trusted before it is read again. */
const REVOCATION_CACHE_MS = 60_000;

export function createHotPollHandler<A extends { readonly userId: string }>(deps: HotPollHandlerDeps<A>) {
  const now = deps.now ?? Date.now;
  const pause = new PollPause();
  const memo = new FirstPageMemo();
  const revocations = new Map<string, { readonly revokedAt: number | undefined; readonly readAt: number }>();
  const answer = (statusCode: number, retryAfterMs?: number): LambdaFunctionURLResult => ({
    statusCode,
    ...(retryAfterMs !== undefined ? { headers: { "retry-after": String(Math.max(1, Math.ceil(retryAfterMs / 1000))) } } : {}),
  });

  const revokedAt = async (userId: string, at: number) => {
    const cached = revocations.get(userId);
    if (cached && at - cached.readAt < REVOCATION_CACHE_MS) return cached.revokedAt;
    const value = await deps.revocations.revokedAt(userId);
    revocations.set(userId, { revokedAt: value, readAt: at });
    return value;
  };

  return async (event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> => {
    // 1. Who asks.
    if (event.requestContext.http.method !== "POST") return answer(405);
    const body = event.isBase64Encoded ? Buffer.from(event.body ?? "", "base64").toString("utf8") : (event.body ?? "");
    const at = now();
    const check = verifyToken(body.trim(), await deps.tokenSecret(), Math.floor(at / 1000));
    if (!check.ok || isRevoked(check.issuedAt, await revokedAt(check.userId, at))) return answer(401);

    // 2. Whether a poll is due.
    const account = (await deps.accounts()).find((candidate) => candidate.userId === check.userId);
    if (!account) return answer(204);
    const source = deps.sourceFor(account);
    const decision = nextHotPoll({
      now: at,
      budget: deps.budget,
      sweepRequestsPerHour: sweepRequestsPerHour(source.articleTotal?.() ?? 0, deps.sweepIntervalMs),
      requestsPerHotPoll: 1,
      rate: source.rateState?.() ?? {},
      bounds: deps.bounds,
    });
    if (!decision.poll || decision.reason === "rate-limited") return answer(429, decision.delayMs);

    // 3. One poller per account.
    if (!(await deps.lease.take(account.userId, at, at + Math.max(decision.delayMs, deps.minLeaseMs)))) return answer(204);

    // 4. The first page.
    try {
      const summary = await collectAccount({ source, store: deps.store, pause, now, scope: "first-page", memo });
      deps.logger.info("hot poll", { ...summary });
      return summary.skippedUntil !== undefined ? answer(429, summary.skippedUntil - now()) : answer(204);
    } catch (error) {
      // The scheduled sweep reports the source's failures; a page only needs to know to go on pinging.
      deps.logger.warn("hot poll failed", { userId: account.userId, error: error as Error });
      return answer(502);
    }
  };
}
