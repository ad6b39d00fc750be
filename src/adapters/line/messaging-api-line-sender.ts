/**
 * LineSender over the LINE Messaging API push endpoint (`POST /v2/bot/message/push`) through
 * `@line/bot-sdk`'s MessagingApiClient. LINE Notify closed on 2025-03-31; this is its successor.
 *
 * Every attempt of one push carries the same `X-Line-Retry-Key`, so a retry after a lost answer
 * (5xx, timeout, network error) is dropped by LINE with a 409 instead of reaching the phone twice.
 *
 * @example
 *   const sender = new MessagingApiLineSender({ channelAccessToken: process.env.LINE_CHANNEL_ACCESS_TOKEN! });
 *   await sender.push("U0123…", ["👍 1 new like\n\n…"], lineRetryKey("alice", ["evt-1"])); // "sent"
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { messagingApi } from "@line/bot-sdk";
import type { LineSender, PushOutcome } from "#domain/ports.ts";
import { classifyLineFailure } from "./line-failure.ts";
import { LineTimeoutError, LineUnavailableError } from "./line-errors.ts";

/** The one call the sender needs, so tests and callers can hand in their own client. */
export type LinePushClient = Pick<messagingApi.MessagingApiClient, "pushMessage">;

export interface MessagingApiLineSenderOptions {
  readonly channelAccessToken: string;
  /** Default https://api.line.me; tests and `npm start` point it at a local server. */
  readonly baseURL?: string;
  readonly client?: LinePushClient;
  /** Attempts per push, the first included. Default 4. */
  readonly maxAttempts?: number;
  /** First backoff in ms, doubled per attempt, with jitter. Default 250. */
  readonly backoffBaseMs?: number;
  /** Cap on one wait, Retry-After included, so a stream batch cannot stall. Default 10 000. */
  readonly maxDelayMs?: number;
  /** Per attempt. Default 5 000. */
  readonly timeoutMs?: number;
  /** Where retries are reported. */
  readonly logger?: Logger;
}

export class MessagingApiLineSender implements LineSender {
  private readonly client: LinePushClient;
  private readonly maxAttempts: number;
  private readonly backoffBaseMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  private readonly logger?: Logger;

  constructor(options: MessagingApiLineSenderOptions) {
    // The token goes straight into the client and is never kept here, so no log can print it.
    this.client =
      options.client ??
      new messagingApi.MessagingApiClient({
        channelAccessToken: options.channelAccessToken,
        baseURL: options.baseURL ?? "https://api.line.me",
      });
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.backoffBaseMs = options.backoffBaseMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.logger = options.logger;
  }

  async push(to: string, texts: readonly string[], retryKey: string): Promise<PushOutcome> {
    const request = { to, messages: texts.map((text) => ({ type: "text" as const, text })) };
    for (let attempt = 1; ; attempt++) {
      try {
        await withTimeout(this.client.pushMessage(request, retryKey), this.timeoutMs);
        return "sent";
      } catch (error) {
        const failure = classifyLineFailure(error);
        if (failure.kind === "accepted") return "already-accepted";
        if (failure.kind === "permanent") throw failure.error;
        if (attempt >= this.maxAttempts) {
          throw new LineUnavailableError(
            attempt,
            `LINE did not accept the push after ${attempt} attempts (last: ${failure.reason}). ` +
              "Retry the batch later: it carries the same retry key, so LINE will not send it twice.",
            { cause: error },
          );
        }
        const delayMs = this.delayBefore(attempt + 1, failure.retryAfterMs);
        this.logger?.warn("LINE push failed; retrying with the same retry key", {
          attempt,
          reason: failure.reason,
          delayMs,
          retryKey,
        });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  /** Exponential backoff with jitter; LINE's Retry-After, when given, wins. */
  private delayBefore(attempt: number, retryAfterMs: number | undefined): number {
    if (retryAfterMs !== undefined) return Math.min(retryAfterMs, this.maxDelayMs);
    const ceiling = Math.min(this.backoffBaseMs * 2 ** (attempt - 2), this.maxDelayMs);
    // Half fixed, half random: retries of many writers spread out yet still back off.
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }
}

/**
 * The SDK's fetch takes no abort signal, so a slow attempt is abandoned rather than cancelled;
 * the retry's shared key makes LINE drop whichever copy arrives second.
 */
async function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LineTimeoutError(timeoutMs)), timeoutMs);
  });
  work.catch(() => undefined); // an abandoned attempt's late failure must not crash the process
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
