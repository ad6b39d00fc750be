/** `$request.body.action`: the route a frame goes to, as API Gateway selects it. */

const LIFECYCLE_ROUTES = new Set(["$connect", "$disconnect"]);

/** The configured route named by the JSON body's `action`, else "$default". */
export function selectRoute(body: string, routeKeys: ReadonlySet<string>): string {
  let action: unknown;
  try {
    action = (JSON.parse(body) as { action?: unknown } | null)?.action;
  } catch {
    return "$default";
  }
  if (typeof action === "string" && routeKeys.has(action) && !LIFECYCLE_ROUTES.has(action)) {
    return action;
  }
  return "$default";
}
