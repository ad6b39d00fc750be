/**
 * A small real HTTP server speaking the API Gateway Management API's `PostToConnection` contract
 * (`POST /@connections/{id}`: 200 with no body; errors carry `x-amzn-ErrorType` and a JSON
 * `{"message"}` body, which is what the SDK turns into `LimitExceededException`,
 * `GoneException` …). Unlike the emulator it answers from a script, so a test can make AWS
 * throttle, fail or forget a connection on demand, and it records every attempt.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One scripted answer; after the script runs out every POST answers 200. */
export type ManagementAnswer = { readonly status: 200 } | { readonly status: number; readonly errorType: string; readonly message: string };

export const throttled: ManagementAnswer = { status: 429, errorType: "LimitExceededException", message: "Rate exceeded" };
export const gone: ManagementAnswer = { status: 410, errorType: "GoneException", message: "Connection is gone" };
export const internalError: ManagementAnswer = { status: 500, errorType: "InternalServerErrorException", message: "Internal server error" };

export interface ManagementRequest {
  readonly connectionId: string;
  readonly body: string;
  /** performance.now() when the request arrived, to measure the client's backoff. */
  readonly at: number;
  /** The SDK's `amz-sdk-request` header: "attempt=N; max=M". */
  readonly sdkRequest: string | undefined;
}

export class FakeManagementApiServer {
  readonly requests: ManagementRequest[] = [];
  readonly #script: ManagementAnswer[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeManagementApiServer> {
    let fake!: FakeManagementApiServer;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const connectionId = decodeURIComponent(/^\/@connections\/([^/?]+)/.exec(request.url ?? "")?.[1] ?? "");
        fake.requests.push({
          connectionId,
          body: Buffer.concat(chunks).toString("utf8"),
          at: performance.now(),
          sdkRequest: request.headers["amz-sdk-request"] as string | undefined,
        });
        const answer = fake.#script.shift() ?? { status: 200 };
        response.setHeader("x-amzn-RequestId", `request-${fake.requests.length}`);
        if (!("errorType" in answer)) return void response.writeHead(200).end();
        response
          .writeHead(answer.status, { "Content-Type": "application/json", "x-amzn-ErrorType": answer.errorType })
          .end(JSON.stringify({ message: answer.message }));
      });
    });
    fake = new FakeManagementApiServer(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return fake;
  }

  /** The endpoint to give `ApiGatewayManagementApiClient`. */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next POSTs get these answers, in order. */
  answerNext(...answers: ManagementAnswer[]): void {
    this.#script.push(...answers);
  }

  /** Forgets the requests and whatever is left of the script. */
  reset(): void {
    this.requests.length = 0;
    this.#script.length = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
