import { describe, expect, it } from "vitest";
import { HTTPFetchError } from "@line/bot-sdk";
import { classifyLineFailure } from "#adapters/line/line-failure.ts";
import { type LinePermanentError, LineTimeoutError } from "#adapters/line/line-errors.ts";

/** What the SDK's fetch client throws for a non-2xx answer. */
function httpError(status: number, body: unknown, headers: Record<string, string> = {}): HTTPFetchError {
  return new HTTPFetchError(`${status} - status`, {
    status,
    statusText: "status",
    headers: new Headers(headers),
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const now = Date.parse("2026-11-21T09:00:00Z");

describe("classifyLineFailure", () => {
  it("counts a 409 with x-line-accepted-request-id as accepted", () => {
    // Act
    const failure = classifyLineFailure(
      httpError(409, { message: "The retry key is already accepted" }, { "X-Line-Accepted-Request-Id": "req-1" }),
    );

    // Assess
    expect(failure).toEqual({ kind: "accepted", acceptedRequestId: "req-1" });
  });

  it("treats a 409 without x-line-accepted-request-id as permanent", () => {
    // Act
    const failure = classifyLineFailure(httpError(409, { message: "Conflict" }));

    // Assess
    expect(failure.kind).toBe("permanent");
  });

  it("retries 5xx and 429, reading Retry-After as seconds or as an HTTP date", () => {
    // Act
    const server = classifyLineFailure(httpError(502, "<html>bad gateway</html>"), now);
    const seconds = classifyLineFailure(httpError(429, { message: "slow down" }, { "Retry-After": "3" }), now);
    const date = classifyLineFailure(httpError(429, {}, { "retry-after": new Date(now + 7_000).toUTCString() }), now);

    // Assess
    expect(server).toEqual({ kind: "retryable", reason: "HTTP 502" });
    expect(seconds).toEqual({ kind: "retryable", reason: "HTTP 429: slow down", retryAfterMs: 3_000 });
    expect(date).toEqual({ kind: "retryable", reason: "HTTP 429", retryAfterMs: 7_000 });
  });

  it("retries what is not an HTTP answer: network errors and timeouts", () => {
    // Act
    const network = classifyLineFailure(new TypeError("fetch failed"));
    const timeout = classifyLineFailure(new LineTimeoutError(500));

    // Assess
    expect(network).toEqual({ kind: "retryable", reason: "TypeError: fetch failed" });
    expect(timeout.kind).toBe("retryable");
  });

  it("makes a 400 permanent, quoting LINE's message and every detail", () => {
    // Act
    const failure = classifyLineFailure(
      httpError(400, {
        message: "The request body has 2 error(s)",
        details: [
          { message: "Must not be empty", property: "to" },
          { message: "Size must be between 1 and 5", property: "messages" },
        ],
      }),
    );

    // Assess
    expect(failure.kind).toBe("permanent");
    const error = (failure as { error: LinePermanentError }).error;
    expect(error.name).toBe("LinePermanentError");
    expect(error.lineMessage).toBe("The request body has 2 error(s)");
    expect(error.message).toContain("to: Must not be empty; messages: Size must be between 1 and 5");
    expect(error.message).toContain("LINE_TO");
  });

  it("makes a 401 permanent and says which setting to check", () => {
    // Act
    const failure = classifyLineFailure(httpError(401, { message: "Authentication failed." }));

    // Assess
    const error = (failure as { error: LinePermanentError }).error;
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/LINE_CHANNEL_ACCESS_TOKEN.*LINE_CHANNEL_TOKEN_PARAMETER/);
  });
});
