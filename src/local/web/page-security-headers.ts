/**
 * The headers every answer of the page carries. The page keeps a subscription token, so it may
 * open sockets only to its own origin and the endpoints it is configured for (a `?ws=` link to
 * another host must not be able to carry the token away), may not be framed, and sends no
 * referrer (its URL can hold the token until the script moves it to storage).
 *
 * @example
 * pageSecurityHeaders(["ws://localhost:3001"])["Content-Security-Policy"];
 * // "default-src 'self'; connect-src 'self' ws://localhost:3001; …; frame-ancestors 'none'"
 */
export function pageSecurityHeaders(websocketEndpoints: readonly string[]): Record<string, string> {
  const sockets = [...new Set(websocketEndpoints.map((endpoint) => new URL(endpoint).origin))];
  const policy = [
    "default-src 'self'",
    `connect-src ${["'self'", ...sockets].join(" ")}`,
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  return {
    "Content-Security-Policy": policy.join("; "),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
  };
}
