/**
 * Sorts a failed push attempt into what the sender does next: count it as sent (409 with
 * `x-line-accepted-request-id`), give up at once (4xx), or retry (429, 5xx, anything that is not
 * an HTTP answer: network errors, timeouts, an unreadable body).
 * The SDK's fetch client throws `HTTPFetchError` with `status`, `headers` (a fetch Headers) and
 * the raw `body` text for every non-2xx answer.
 */
import { LinePermanentError, type LineErrorDetail } from "./line-errors.ts";

export type LineFailure =
  | { readonly kind: "accepted"; readonly acceptedRequestId: string }
  | { readonly kind: "permanent"; readonly error: LinePermanentError }
  | { readonly kind: "retryable"; readonly reason: string; readonly retryAfterMs?: number };

interface HttpFailure {
  readonly status: number;
  readonly headers?: unknown;
  readonly body?: unknown;
}

export function classifyLineFailure(error: unknown, now = Date.now()): LineFailure {
  if (!isHttpFailure(error)) {
    const name = error instanceof Error ? error.name : "Error";
    const message = error instanceof Error ? error.message : String(error);
    return { kind: "retryable", reason: `${name}: ${message}` };
  }
  const { status } = error;
  const { message, details } = parseBody(error.body);
  const said = message ? `: ${message}` : "";
  if (status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(header(error.headers, "retry-after"), now);
    return { kind: "retryable", reason: `HTTP ${status}${said}`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  const acceptedRequestId = header(error.headers, "x-line-accepted-request-id");
  if (status === 409 && acceptedRequestId) return { kind: "accepted", acceptedRequestId };
  return { kind: "permanent", error: new LinePermanentError(status, explain(status, said, details), message, details) };
}

function explain(status: number, said: string, details: readonly LineErrorDetail[]): string {
  switch (status) {
    case 401:
      return (
        `LINE rejected the channel access token (401${said}). Check LINE_CHANNEL_ACCESS_TOKEN ` +
        "(locally) or the SSM parameter named by LINE_CHANNEL_TOKEN_PARAMETER (deployed, /live-likes/line-channel-token by default); issue a new token in the " +
        "LINE Developers Console if it expired or was revoked."
      );
    case 400: {
      const listed = details.map((d) => `${d.property ?? "?"}: ${d.message ?? "invalid"}`).join("; ");
      return (
        `LINE rejected the push request (400${said}${listed ? ` — ${listed}` : ""}). ` +
        "Check LINE_TO (a user, group or room id of a friend of the bot) and the message texts."
      );
    }
    case 403:
      return (
        `LINE refused the push (403${said}). The channel may not be allowed to push to this ` +
        "recipient or to use this API on its plan: check LINE_TO and the channel in the LINE Developers Console."
      );
    default:
      return `LINE answered ${status}${said} to the push; retrying will not help. Check the LINE settings.`;
  }
}

function isHttpFailure(error: unknown): error is HttpFailure {
  return typeof error === "object" && error !== null && typeof (error as HttpFailure).status === "number";
}

function header(headers: unknown, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  if (typeof headers !== "object" || headers === null) return undefined;
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  return typeof entry?.[1] === "string" ? entry[1] : undefined;
}

function parseBody(body: unknown): { message?: string; details: LineErrorDetail[] } {
  try {
    const parsed = JSON.parse(String(body)) as { message?: unknown; details?: unknown };
    const message = typeof parsed.message === "string" ? parsed.message : undefined;
    const details = Array.isArray(parsed.details)
      ? parsed.details.map((d: Record<string, unknown>) => ({
          ...(typeof d?.message === "string" ? { message: d.message } : {}),
          ...(typeof d?.property === "string" ? { property: d.property } : {}),
        }))
      : [];
    return message === undefined ? { details } : { message, details };
  } catch {
    return { details: [] };
  }
}

/** Retry-After is either delay seconds or an HTTP date (RFC 9110 §10.2.3). */
function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
