/**
 * A Lambda `context` good enough for handlers run in-process by the local runtime: the WebSocket
 * emulator's routes and the stream poller's invocations.
 */
import { randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";

/** API Gateway gives up on an integration after 29 s, so that is the time a route handler has. */
const INTEGRATION_TIMEOUT_MS = 29_000;

export function createLambdaContext(functionName: string, timeoutMs = INTEGRATION_TIMEOUT_MS): Context {
  const deadline = Date.now() + timeoutMs;
  const unsupported = () => {
    throw new Error("Return a promise from the handler; done/fail/succeed are not emulated.");
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: "256",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${randomUUID().replaceAll("-", "")}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
