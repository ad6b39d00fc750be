/**
 * MessagingApiLineSender through the real @line/bot-sdk client against a fake LINE server that
 * follows the Messaging API push contract.
 */
import { RecordingLogger } from "#test/support/recording-logger.ts";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MessagingApiLineSender, type MessagingApiLineSenderOptions } from "#adapters/line/messaging-api-line-sender.ts";
import { LinePermanentError, LineUnavailableError } from "#adapters/line/line-errors.ts";
import { lineRetryKey } from "#domain/line-message.ts";
import { FakeLineServer } from "#test/fakes/fake-line-server.ts";
import { waitFor } from "#test/support/wait-for.ts";

const token = "test-channel-token-do-not-log";
const to = "U4af4980629a0b3a4f5d1e2b7c8d9e0f1";
const texts = ["👍 1 new like\n\nArticle (+1, 3 total)\nby bob\nhttps://qiita.com/alice/items/1"];
const key = lineRetryKey("alice", ["evt-1"]);

describe("MessagingApiLineSender", () => {
  let line: FakeLineServer;

  beforeEach(async () => {
    line = await FakeLineServer.start({ channelAccessToken: token });
  });

  afterEach(async () => {
    await line.close();
  });

  function sender(options: Partial<MessagingApiLineSenderOptions> = {}): MessagingApiLineSender {
    return new MessagingApiLineSender({
      channelAccessToken: token,
      baseURL: line.baseUrl,
      backoffBaseMs: 10,
      timeoutMs: 2_000,
      ...options,
    });
  }

  it("pushes the texts to the recipient with the retry key", async () => {
    // Act
    const outcome = await sender().push(to, texts, key);

    // Assess
    expect(outcome).toBe("sent");
    expect(line.deliveries).toEqual([{ to, texts, retryKey: key, requestId: expect.any(String) }]);
    expect(line.requests).toHaveLength(1);
  });

  it("retries a 500 with the same retry key and delivers exactly once", async () => {
    // Prepare
    line.failNext(1);

    // Act
    const outcome = await sender().push(to, texts, key);

    // Assess
    expect(outcome).toBe("sent");
    expect(line.requests.map((r) => [r.status, r.retryKey])).toEqual([
      [500, key],
      [200, key],
    ]);
    expect(line.deliveries).toHaveLength(1);
  });

  it("counts LINE's 409 after a lost answer as already accepted, delivering exactly once", async () => {
    // Prepare: LINE accepts the push but the 200 is lost (answered 500)
    line.failNext(1, { afterAccept: true });

    // Act
    const outcome = await sender().push(to, texts, key);

    // Assess
    expect(outcome).toBe("already-accepted");
    expect(line.requests.map((r) => r.status)).toEqual([500, 409]);
    expect(line.deliveries).toHaveLength(1);
  });

  it("backs off exponentially on 429 and then sends", async () => {
    // Prepare
    line.rateLimitNext(2);
    const started = Date.now();

    // Act
    const outcome = await sender({ backoffBaseMs: 60 }).push(to, texts, key);

    // Assess: waits of at least half of 60 and of 120 ms (jitter adds up to the other half)
    expect(outcome).toBe("sent");
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(line.requests.map((r) => r.status)).toEqual([429, 429, 200]);
    expect(line.deliveries).toHaveLength(1);
  });

  it("waits as long as a 429's Retry-After says", async () => {
    // Prepare
    line.rateLimitNext(1, { retryAfterSeconds: 1 });
    const started = Date.now();

    // Act
    const outcome = await sender({ backoffBaseMs: 1 }).push(to, texts, key);

    // Assess
    expect(outcome).toBe("sent");
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(line.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it("gives up on a slow attempt after the timeout and retries with the same key", async () => {
    // Prepare
    line.delayNext(1, 1_000);

    // Act
    const outcome = await sender({ timeoutMs: 150 }).push(to, texts, key);

    // Assess: the retry is delivered; the abandoned attempt, arriving late, is refused as a repeat
    expect(outcome).toBe("sent");
    expect(line.deliveries).toHaveLength(1);
    await waitFor(() => (line.requests.length === 2 ? true : undefined), { what: "the slow attempt" });
    expect(line.requests.map((r) => [r.status, r.retryKey])).toEqual([
      [200, key],
      [409, key],
    ]);
    expect(line.deliveries).toHaveLength(1);
  });

  it("throws LinePermanentError with LINE's details on 400 and does not retry", async () => {
    // Act
    const error = await sender()
      .push(to, ["x".repeat(5001)], key)
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(LinePermanentError);
    expect((error as LinePermanentError).status).toBe(400);
    expect((error as Error).message).toContain("The request body has 1 error(s)");
    expect((error as Error).message).toContain("messages[0].text: Length must be between 0 and 5000");
    expect(line.requests).toHaveLength(1);
    expect(line.deliveries).toEqual([]);
  });

  it("throws LinePermanentError naming LINE_CHANNEL_ACCESS_TOKEN on 401, once, without the token", async () => {
    // Act
    const error = await sender({ channelAccessToken: "revoked-token" })
      .push(to, texts, key)
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(LinePermanentError);
    expect((error as LinePermanentError).status).toBe(401);
    expect((error as Error).message).toContain("LINE_CHANNEL_ACCESS_TOKEN");
    expect((error as Error).message).not.toContain("revoked-token");
    expect(line.requests).toHaveLength(1);
  });

  it("throws LinePermanentError on 403 without retrying", async () => {
    // Prepare
    line.failNext(1, { status: 403 });

    // Act
    const error = await sender()
      .push(to, texts, key)
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(LinePermanentError);
    expect((error as LinePermanentError).status).toBe(403);
    expect(line.requests).toHaveLength(1);
  });

  it("throws LineUnavailableError when every attempt gets a 5xx, all with the same key", async () => {
    // Prepare
    line.failNext(3, { status: 503 });

    // Act
    const error = await sender({ maxAttempts: 3 })
      .push(to, texts, key)
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(LineUnavailableError);
    expect((error as LineUnavailableError).attempts).toBe(3);
    expect((error as Error).message).toContain("HTTP 503");
    expect(line.requests.map((r) => r.retryKey)).toEqual([key, key, key]);
    expect(line.deliveries).toEqual([]);
  });

  it("retries network errors and then throws LineUnavailableError", async () => {
    // Prepare: nothing listens at this address any more
    const address = line.baseUrl;
    await line.close();
    line = await FakeLineServer.start({ channelAccessToken: token });

    // Act
    const error = await sender({ baseURL: address, maxAttempts: 2 })
      .push(to, texts, key)
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(LineUnavailableError);
    expect((error as LineUnavailableError).attempts).toBe(2);
  });

  it("reports each retry to the logger without the channel access token", async () => {
    // Prepare
    line.failNext(2);
    const logger = new RecordingLogger();
    const logged = logger.lines;

    // Act
    await sender({ logger }).push(to, texts, key);

    // Assess
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatchObject({ attributes: { attempt: 1, reason: expect.stringContaining("HTTP 500"), retryKey: key } });
    expect(JSON.stringify(logged)).not.toContain(token);
  });
});
