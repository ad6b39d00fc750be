/** Why a LINE push failed, split by whether trying again can help. */

/** One problem LINE found in the request body (400), as its `details` list names it. */
export interface LineErrorDetail {
  readonly message?: string;
  readonly property?: string;
}

/**
 * LINE refused the push for a reason a retry cannot fix (400, 401, 403, other 4xx):
 * a wrong token, a wrong recipient, a message over LINE's limits. Fix the setting, not the batch.
 */
export class LinePermanentError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly lineMessage?: string,
    readonly details: readonly LineErrorDetail[] = [],
  ) {
    super(message);
    this.name = "LinePermanentError";
  }
}

/** LINE did not accept the push after every attempt (5xx, 429, network errors, timeouts). */
export class LineUnavailableError extends Error {
  constructor(
    readonly attempts: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "LineUnavailableError";
  }
}

/** One attempt took longer than the sender's timeout; the push may still have been accepted. */
export class LineTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`LINE did not answer within ${timeoutMs} ms; retrying with the same retry key is safe.`);
    this.name = "LineTimeoutError";
  }
}
