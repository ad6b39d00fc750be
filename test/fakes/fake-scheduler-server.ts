/**
 * A small EventBridge Scheduler on 127.0.0.1 (port 0) answering `CreateSchedule` as the API
 * reference writes it and the AWS SDK speaks it: `POST /schedules/{Name}` with a JSON body
 * (`GroupName`, `ScheduleExpression`, `ScheduleExpressionTimezone`, `FlexibleTimeWindow`,
 * `ActionAfterCompletion`, `Target` {`Arn`, `RoleArn`, `Input`, `RetryPolicy`}, `ClientToken`),
 * answering 200 `{"ScheduleArn"}`. Errors carry the `x-amzn-ErrorType` header and `{"Message"}`,
 * so the real SDK raises its own classes: a name already in the group → 409 ConflictException
 * (unless the same ClientToken repeats the same request, which answers its ARN again); a missing
 * required field, a name outside `[0-9a-zA-Z-_.]{1,64}`, an expression that is not `at(…)`,
 * `rate(…)` or `cron(…)`, a FlexibleTimeWindow mode other than OFF/FLEXIBLE → 400
 * ValidationException; `failNext(n)` → 500 InternalServerException n times.
 * Schedules are kept by group and name; `fire(name)` does what Scheduler does at the time: invokes
 * the handler registered for the target's Arn with the target's Input parsed as JSON, and deletes
 * the schedule when `ActionAfterCompletion` is DELETE. Requests are not authenticated.
 *
 * @example
 * const scheduler = await FakeSchedulerServer.start();
 * scheduler.register("arn:aws:lambda:us-east-1:123456789012:function:release", (event) => handler(event, context));
 * const client = new SchedulerClient({ endpoint: scheduler.endpoint, region: "us-east-1", credentials });
 * await scheduler.fire("release-0001…");
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FakeTarget = (event: unknown) => Promise<unknown>;

/** One schedule as created. */
export interface FakeSchedule {
  readonly name: string;
  readonly groupName: string;
  readonly arn: string;
  /** The request body as sent. */
  readonly request: {
    readonly ScheduleExpression: string;
    readonly ScheduleExpressionTimezone?: string;
    readonly FlexibleTimeWindow: { readonly Mode: string; readonly MaximumWindowInMinutes?: number };
    readonly ActionAfterCompletion?: string;
    readonly ClientToken?: string;
    readonly Target: {
      readonly Arn: string;
      readonly RoleArn: string;
      readonly Input?: string;
      readonly RetryPolicy?: { readonly MaximumEventAgeInSeconds?: number; readonly MaximumRetryAttempts?: number };
    };
  };
}

const SCHEDULE_PATH = /^\/schedules\/([^/]+)$/;
const NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;
const EXPRESSION = /^(at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)|rate\(.+\)|cron\(.+\))$/;
const REGION_ACCOUNT = "us-east-1:123456789012";

export class FakeSchedulerServer {
  /** Every CreateSchedule request, with the status it got. */
  readonly requests: { readonly name: string; readonly body: unknown; readonly status: number }[] = [];
  private readonly schedules = new Map<string, FakeSchedule>();
  private readonly targets = new Map<string, FakeTarget>();
  private failures = 0;

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async start(): Promise<FakeSchedulerServer> {
    let fake!: FakeSchedulerServer;
    const server = createServer((req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    fake = new FakeSchedulerServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return fake;
  }

  /** What a schedule whose Target.Arn is `arn` invokes when it fires. */
  register(arn: string, target: FakeTarget): void {
    this.targets.set(arn, target);
  }

  /** The next `count` CreateSchedule requests answer 500 InternalServerException. */
  failNext(count: number): void {
    this.failures = count;
  }

  /** The schedule of that name (in `groupName`, or the only one of that name), if it exists. */
  schedule(name: string, groupName?: string): FakeSchedule | undefined {
    if (groupName !== undefined) return this.schedules.get(`${groupName}/${name}`);
    return [...this.schedules.values()].find((schedule) => schedule.name === name);
  }

  list(): FakeSchedule[] {
    return [...this.schedules.values()];
  }

  /** Runs the schedule now, as Scheduler does at its time; resolves the target's result. */
  async fire(name: string, groupName?: string): Promise<unknown> {
    const schedule = this.schedule(name, groupName);
    if (!schedule) throw new Error(`no schedule named ${name}`);
    const target = this.targets.get(schedule.request.Target.Arn);
    if (!target) throw new Error(`no target registered for ${schedule.request.Target.Arn}`);
    if (schedule.request.ActionAfterCompletion === "DELETE") this.schedules.delete(`${schedule.groupName}/${schedule.name}`);
    return target(schedule.request.Target.Input === undefined ? {} : JSON.parse(schedule.request.Target.Input));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", this.endpoint);
    const send = (status: number, body: unknown, errorType?: string) => {
      res.writeHead(status, {
        "x-amzn-RequestId": randomUUID(),
        "content-type": "application/json",
        ...(errorType ? { "x-amzn-ErrorType": errorType } : {}),
      });
      res.end(JSON.stringify(body));
    };
    const matched = SCHEDULE_PATH.exec(url.pathname);
    if (req.method !== "POST" || !matched) return send(404, { Message: "Unknown operation" }, "UnknownOperationException");
    const name = decodeURIComponent(matched[1]!);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
    } catch {
      return send(400, { Message: "Could not parse the request body as JSON" }, "ValidationException");
    }
    const answer = (status: number, response: unknown, errorType?: string) => {
      this.requests.push({ name, body, status });
      send(status, response, errorType);
    };
    if (this.failures > 0) {
      this.failures--;
      return answer(500, { Message: "Unexpected error occurred while processing the request" }, "InternalServerException");
    }
    const invalid = validate(name, body);
    if (invalid) return answer(400, { Message: invalid }, "ValidationException");
    const request = body as unknown as FakeSchedule["request"];
    const groupName = typeof body.GroupName === "string" ? body.GroupName : "default";
    const key = `${groupName}/${name}`;
    const existing = this.schedules.get(key);
    if (existing) {
      // Idempotent by ClientToken: the same request again answers what it answered.
      if (request.ClientToken !== undefined && existing.request.ClientToken === request.ClientToken) {
        return answer(200, { ScheduleArn: existing.arn });
      }
      return answer(409, { Message: `Schedule ${name} already exists.` }, "ConflictException");
    }
    const arn = `arn:aws:scheduler:${REGION_ACCOUNT}:schedule/${groupName}/${name}`;
    this.schedules.set(key, { name, groupName, arn, request });
    return answer(200, { ScheduleArn: arn });
  }
}

function validate(name: string, body: Record<string, unknown>): string | undefined {
  if (!NAME.test(name)) return `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint`;
  const expression = body.ScheduleExpression;
  if (typeof expression !== "string") return "ScheduleExpression is required";
  if (!EXPRESSION.test(expression)) return `Invalid Schedule Expression ${expression}.`;
  const window = body.FlexibleTimeWindow as { Mode?: unknown } | undefined;
  if (!window || (window.Mode !== "OFF" && window.Mode !== "FLEXIBLE")) return "FlexibleTimeWindow.Mode must be OFF or FLEXIBLE";
  const target = body.Target as { Arn?: unknown; RoleArn?: unknown } | undefined;
  if (!target || typeof target.Arn !== "string" || typeof target.RoleArn !== "string") return "Target.Arn and Target.RoleArn are required";
  if (body.ActionAfterCompletion !== undefined && body.ActionAfterCompletion !== "NONE" && body.ActionAfterCompletion !== "DELETE") {
    return "ActionAfterCompletion must be NONE or DELETE";
  }
  return undefined;
}
