/** Runs one route's handler the way API Gateway's Lambda proxy integration would. */
import { createLambdaContext } from "../lambda-context.ts";
import type { RouteConfig, RouteResult, WebSocketEvent } from "./types.ts";

export type Log = (message: string, error?: unknown) => void;

/** The handler's result, or undefined when it threw (logged), which AWS turns into a 500. */
export async function invokeRoute(routeKey: string, route: RouteConfig, event: WebSocketEvent, log: Log): Promise<RouteResult | undefined> {
  const functionName = route.functionName ?? `local-${routeKey.replace("$", "")}-handler`;
  try {
    const result: Partial<RouteResult> | undefined = await route.handler(event, createLambdaContext(functionName));
    // A Lambda that succeeds without a status code is still a success for API Gateway.
    return { statusCode: typeof result?.statusCode === "number" ? result.statusCode : 200, body: result?.body };
  } catch (error) {
    log(`${routeKey} handler (${functionName}) failed for connection ${event.requestContext.connectionId}`, error);
    return undefined;
  }
}

export function isSuccess(result: RouteResult): boolean {
  return result.statusCode >= 200 && result.statusCode < 300;
}
