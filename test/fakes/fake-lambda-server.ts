/**
 * A small AWS Lambda on 127.0.0.1 (port 0) answering `Invoke` as the Lambda API reference writes
 * it: `POST /2015-03-31/functions/{FunctionName}/invocations` where FunctionName is a name or an
 * ARN (`arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`); `X-Amz-Invocation-Type`
 * RequestResponse (200 with the function's result as the body), Event (202 with no body; the
 * function runs afterwards and, as Lambda retries an asynchronous invocation, up to twice more when
 * it throws — `settled()` waits for those) or DryRun (204). A function
 * that throws still answers 200, with `X-Amz-Function-Error: Unhandled` and
 * `{"errorType","errorMessage"}`; an unknown function answers 404 `ResourceNotFoundException`
 * (`x-amzn-ErrorType` header, JSON `{"Type":"User","message"}`), so the real SDK raises it.
 * Functions are plain async handlers registered by name. Requests are not authenticated.
 *
 * @example
 * const lambda = await FakeLambdaServer.start();
 * lambda.register("live-likes-stream", streamHandler);
 * const client = new LambdaClient({ endpoint: lambda.endpoint, region: "us-east-1", credentials });
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FakeFunction = (event: unknown) => Promise<unknown>;

/** One invocation the fake answered. */
export interface InvocationSeen {
  readonly functionName: string;
  readonly invocationType: string;
  readonly payload: unknown;
  readonly status: number;
  readonly functionError?: string;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export class FakeLambdaServer {
  readonly invocations: InvocationSeen[] = [];
  /** Asynchronous invocations whose three tries all threw (Lambda's on-failure destination). */
  readonly asyncFailures: { readonly functionName: string; readonly payload: unknown; readonly error: unknown }[] = [];
  private readonly functions = new Map<string, FakeFunction>();
  private readonly running = new Set<Promise<void>>();

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async start(): Promise<FakeLambdaServer> {
    let fake!: FakeLambdaServer;
    const server = createServer((req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    fake = new FakeLambdaServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return fake;
  }

  register(name: string, handler: FakeFunction): void {
    this.functions.set(name, handler);
  }

  /** Resolves when every asynchronous invocation so far has run (with its retries). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", this.endpoint);
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "x-amzn-RequestId": randomUUID(), "content-type": "application/json", ...headers });
      res.end(body);
    };
    const matched = INVOKE_PATH.exec(url.pathname);
    if (req.method !== "POST" || !matched) {
      return send(404, JSON.stringify({ message: "Unknown operation" }), { "x-amzn-ErrorType": "UnknownOperationException" });
    }
    const given = decodeURIComponent(matched[1]!);
    // An ARN names the function after "function:"; a qualifier may follow.
    const name = given.startsWith("arn:") ? (given.split(":")[6] ?? "") : given;
    const invocationType = (req.headers["x-amz-invocation-type"] as string | undefined) ?? "RequestResponse";
    const raw = Buffer.concat(chunks).toString("utf8");
    let payload: unknown;
    try {
      payload = raw === "" ? {} : JSON.parse(raw);
    } catch {
      return send(400, JSON.stringify({ Type: "User", message: "Could not parse request body into json" }), {
        "x-amzn-ErrorType": "InvalidRequestContentException",
      });
    }
    const handler = this.functions.get(name);
    const seen = { functionName: name, invocationType, payload };
    if (!handler) {
      this.invocations.push({ ...seen, status: 404 });
      return send(404, JSON.stringify({ Type: "User", message: `Function not found: ${given}` }), {
        "x-amzn-ErrorType": "ResourceNotFoundException",
      });
    }
    if (invocationType === "DryRun") {
      this.invocations.push({ ...seen, status: 204 });
      return send(204, "");
    }
    if (invocationType === "Event") {
      this.invocations.push({ ...seen, status: 202 });
      send(202, "");
      const run = (async () => {
        let error: unknown;
        // Lambda tries an asynchronous event three times in all.
        for (let attempt = 0; attempt < 3; attempt++) {
          try {
            await handler(payload);
            return;
          } catch (thrown) {
            error = thrown;
          }
        }
        this.asyncFailures.push({ functionName: name, payload, error });
      })();
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
      return;
    }
    const version = { "X-Amz-Executed-Version": "$LATEST" };
    try {
      const result = await handler(payload);
      this.invocations.push({ ...seen, status: 200 });
      send(200, result === undefined ? "null" : JSON.stringify(result), version);
    } catch (error) {
      this.invocations.push({ ...seen, status: 200, functionError: "Unhandled" });
      const { name: errorType = "Error", message: errorMessage = String(error) } = error as Error;
      send(200, JSON.stringify({ errorType, errorMessage, trace: [] }), { ...version, "X-Amz-Function-Error": "Unhandled" });
    }
  }
}
