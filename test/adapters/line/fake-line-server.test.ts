/**
 * The fake LINE server answers as the Messaging API push contract says, seen through the real
 * @line/bot-sdk client: if these drift, the sender's tests would prove nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HTTPFetchError, messagingApi } from "@line/bot-sdk";
import { FakeLineServer } from "#test/fakes/fake-line-server.ts";

const token = "contract-token";
const key = "123e4567-e89b-42d3-a456-426614174000";

describe("FakeLineServer", () => {
  let line: FakeLineServer;
  let client: messagingApi.MessagingApiClient;

  beforeEach(async () => {
    line = await FakeLineServer.start({ channelAccessToken: token });
    client = new messagingApi.MessagingApiClient({ channelAccessToken: token, baseURL: line.baseUrl });
  });

  afterEach(async () => {
    await line.close();
  });

  async function failure(work: Promise<unknown>): Promise<{ status: number; body: any; headers: Headers }> {
    const error = await work.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HTTPFetchError);
    const { status, body, headers } = error as HTTPFetchError;
    return { status, body: JSON.parse(body), headers };
  }

  it("answers 200 with sentMessages and x-line-request-id", async () => {
    // Act
    const { httpResponse, body } = await client.pushMessageWithHttpInfo(
      {
        to: "U1",
        messages: [
          { type: "text", text: "hi" },
          { type: "text", text: "there" },
        ],
      },
      key,
    );

    // Assess
    expect(httpResponse.status).toBe(200);
    expect(httpResponse.headers.get("x-line-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.sentMessages).toEqual([
      { id: expect.stringMatching(/^\d+$/), quoteToken: expect.any(String) },
      { id: expect.stringMatching(/^\d+$/), quoteToken: expect.any(String) },
    ]);
    expect(line.deliveries).toEqual([
      { to: "U1", texts: ["hi", "there"], retryKey: key, requestId: httpResponse.headers.get("x-line-request-id") },
    ]);
  });

  it("answers 401 with LINE's message to a wrong token", async () => {
    // Prepare
    const stranger = new messagingApi.MessagingApiClient({ channelAccessToken: "wrong", baseURL: line.baseUrl });

    // Act
    const { status, body } = await failure(stranger.pushMessage({ to: "U1", messages: [{ type: "text", text: "hi" }] }));

    // Assess
    expect(status).toBe(401);
    expect(body).toEqual({
      message: "Authentication failed. Confirm that the access token in the authorization header is valid.",
    });
    expect(line.deliveries).toEqual([]);
  });

  it("answers 400 with details naming each invalid property", async () => {
    // Act
    const tooMany = await failure(
      client.pushMessage({ to: "U1", messages: Array.from({ length: 6 }, () => ({ type: "text" as const, text: "x" })) }),
    );
    const tooLong = await failure(client.pushMessage({ to: "U1", messages: [{ type: "text", text: "😀".repeat(2501) }] }));
    const noTo = await failure(client.pushMessage({ to: "", messages: [{ type: "text", text: "ok" }] }));

    // Assess
    expect(tooMany).toMatchObject({
      status: 400,
      body: { message: "The request body has 1 error(s)", details: [{ property: "messages" }] },
    });
    expect(tooLong).toMatchObject({ status: 400, body: { details: [{ property: "messages[0].text" }] } });
    expect(noTo).toMatchObject({ status: 400, body: { details: [{ property: "to" }] } });
    expect(line.deliveries).toEqual([]);
  });

  it("accepts a text of exactly 5000 UTF-16 units, emoji counted as two", async () => {
    // Act
    await client.pushMessage({ to: "U1", messages: [{ type: "text", text: "😀".repeat(2500) }] });

    // Assess
    expect(line.deliveries).toHaveLength(1);
  });

  it("refuses a retry key that is not a UUID", async () => {
    // Act
    const { status } = await failure(client.pushMessage({ to: "U1", messages: [{ type: "text", text: "hi" }] }, "not-a-uuid"));

    // Assess
    expect(status).toBe(400);
    expect(line.deliveries).toEqual([]);
  });

  it("answers 409 with x-line-accepted-request-id to an accepted retry key", async () => {
    // Prepare
    const request = { to: "U1", messages: [{ type: "text" as const, text: "hi" }] };
    const first = await client.pushMessageWithHttpInfo(request, key);

    // Act
    const repeat = await failure(client.pushMessage(request, key));

    // Assess
    expect(repeat.status).toBe(409);
    expect(repeat.body.message).toBe("The retry key is already accepted");
    expect(repeat.headers.get("x-line-accepted-request-id")).toBe(first.httpResponse.headers.get("x-line-request-id"));
    expect(line.deliveries).toHaveLength(1);
  });

  it("fails on request: 500 before accepting delivers nothing, 500 after accepting delivers", async () => {
    // Prepare
    const request = { to: "U1", messages: [{ type: "text" as const, text: "hi" }] };
    line.failNext(1);
    line.failNext(1, { afterAccept: true });

    // Act
    const before = await failure(client.pushMessage(request, key));
    const deliveredBefore = line.deliveries.length;
    const after = await failure(client.pushMessage(request, key));

    // Assess
    expect([before.status, after.status]).toEqual([500, 500]);
    expect(deliveredBefore).toBe(0);
    expect(line.deliveries).toHaveLength(1);
  });

  it("answers 429 with LINE's rate-limit message, and Retry-After when asked", async () => {
    // Prepare
    line.rateLimitNext(1, { retryAfterSeconds: 2 });

    // Act
    const limited = await failure(client.pushMessage({ to: "U1", messages: [{ type: "text", text: "hi" }] }));

    // Assess
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ message: "The API rate limit has been exceeded. Try again later." });
    expect(limited.headers.get("retry-after")).toBe("2");
    expect(line.deliveries).toEqual([]);
  });
});
