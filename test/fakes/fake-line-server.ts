/**
 * A small LINE Messaging API on 127.0.0.1 (port 0) that follows the push contract
 * (`POST /v2/bot/message/push`): Bearer auth (401), body validation (400 with `details`),
 * `X-Line-Retry-Key` (must be a UUID; an accepted key answers 409 with
 * `x-line-accepted-request-id`), `x-line-request-id` on every answer, and
 * `{"sentMessages":[{"id","quoteToken"}]}` on success. Only text messages are accepted.
 *
 * Test controls queue one fault per coming request: failNext (500 before accepting, or after
 * accepting as a lost answer), rateLimitNext (429), delayNext (a slow answer, for timeouts).
 * `deliveries` lists what reached the "phone", so a test can assert "exactly one".
 *
 * @example
 *   const line = await FakeLineServer.start({ channelAccessToken: "t" });
 *   line.failNext(1, { afterAccept: true });
 *   // … push through MessagingApiClient({ channelAccessToken: "t", baseURL: line.baseUrl })
 *   expect(line.deliveries).toHaveLength(1);
 *   await line.close();
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes, randomUUID } from "node:crypto";

/** One push LINE accepted: what the recipient's phone shows. */
export interface LineDelivery {
  readonly to: string;
  readonly texts: string[];
  readonly retryKey?: string;
  readonly requestId: string;
}

/** Every request the fake answered, in order, accepted or not. */
export interface LineRequestSeen {
  readonly path: string;
  readonly retryKey?: string;
  readonly status: number;
}

type Fault =
  | { readonly kind: "fail"; readonly status: number; readonly afterAccept: boolean }
  | { readonly kind: "rate-limit"; readonly retryAfterSeconds?: number }
  | { readonly kind: "delay"; readonly ms: number };

interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

const PUSH_PATH = "/v2/bot/message/push";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_MESSAGES = 5;
const MAX_TEXT_UNITS = 5000;

export class FakeLineServer {
  readonly deliveries: LineDelivery[] = [];
  readonly requests: LineRequestSeen[] = [];
  private readonly faults: Fault[] = [];
  private readonly accepted = new Map<string, { requestId: string; sentMessages: unknown[] }>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    readonly channelAccessToken: string,
  ) {}

  static async start({ channelAccessToken = "fake-line-channel-token" } = {}): Promise<FakeLineServer> {
    let fake: FakeLineServer | undefined;
    const server = createServer((req, res) => void fake?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeLineServer(server, `http://127.0.0.1:${port}`, channelAccessToken);
    return fake;
  }

  /** The next `count` requests fail with `status`; `afterAccept` delivers first, then fails. */
  failNext(count: number, { status = 500, afterAccept = false } = {}): void {
    for (let i = 0; i < count; i++) this.faults.push({ kind: "fail", status, afterAccept });
  }

  /** The next `count` requests answer 429, with `Retry-After` when given. */
  rateLimitNext(count: number, { retryAfterSeconds }: { retryAfterSeconds?: number } = {}): void {
    for (let i = 0; i < count; i++) {
      this.faults.push(retryAfterSeconds === undefined ? { kind: "rate-limit" } : { kind: "rate-limit", retryAfterSeconds });
    }
  }

  /** The next `count` requests wait `ms` before being handled at all. */
  delayNext(count: number, ms: number): void {
    for (let i = 0; i < count; i++) this.faults.push({ kind: "delay", ms });
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /**
   * Called when a push has been accepted, before LINE answers: a test can kill the caller here
   * to reproduce a crash after LINE accepted and before the caller knew.
   */
  onAccepted: ((delivery: LineDelivery) => void | Promise<void>) | undefined;

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const fault = this.faults.shift();
    if (fault?.kind === "delay") await this.sleep(fault.ms);
    const requestId = randomUUID();
    const retryKey = req.headers["x-line-retry-key"] as string | undefined;
    const delivered = this.deliveries.length;
    const answer = this.answer(req, raw, fault, requestId, retryKey);
    this.requests.push({ path: req.url ?? "", status: answer.status, ...(retryKey ? { retryKey } : {}) });
    if (this.deliveries.length > delivered) await this.onAccepted?.(this.deliveries.at(-1) as LineDelivery);
    res.writeHead(answer.status, { "content-type": "application/json", "x-line-request-id": requestId, ...answer.headers });
    res.end(JSON.stringify(answer.body));
  }

  private answer(req: IncomingMessage, raw: string, fault: Fault | undefined, requestId: string, retryKey?: string): Answer {
    if (req.method !== "POST" || req.url !== PUSH_PATH) return { status: 404, body: { message: "Not found" } };
    if (req.headers.authorization !== `Bearer ${this.channelAccessToken}`) {
      return {
        status: 401,
        body: { message: "Authentication failed. Confirm that the access token in the authorization header is valid." },
      };
    }
    if (retryKey !== undefined && !UUID.test(retryKey)) {
      return { status: 400, body: { message: "The value for the 'X-Line-Retry-Key' header is invalid" } };
    }
    if (!String(req.headers["content-type"]).startsWith("application/json")) {
      return { status: 415, body: { message: "Unsupported Media Type" } };
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return { status: 400, body: { message: "The request body could not be parsed as JSON" } };
    }
    const problems = validatePush(body);
    if (problems.length > 0) {
      return { status: 400, body: { message: `The request body has ${problems.length} error(s)`, details: problems } };
    }
    if (fault?.kind === "rate-limit") {
      const headers = fault.retryAfterSeconds === undefined ? undefined : { "retry-after": String(fault.retryAfterSeconds) };
      return { status: 429, body: { message: "The API rate limit has been exceeded. Try again later." }, ...(headers ? { headers } : {}) };
    }
    if (fault?.kind === "fail" && !fault.afterAccept) return serverError(fault.status);
    const earlier = retryKey === undefined ? undefined : this.accepted.get(retryKey.toLowerCase());
    if (earlier) {
      return {
        status: 409,
        body: { message: "The retry key is already accepted", sentMessages: earlier.sentMessages },
        headers: { "x-line-accepted-request-id": earlier.requestId },
      };
    }
    const push = body as { to: string; messages: { text: string }[] };
    const sentMessages = push.messages.map(() => ({ id: randomDigits(18), quoteToken: randomBytes(24).toString("base64url") }));
    if (retryKey !== undefined) this.accepted.set(retryKey.toLowerCase(), { requestId, sentMessages });
    this.deliveries.push({ to: push.to, texts: push.messages.map((m) => m.text), requestId, ...(retryKey ? { retryKey } : {}) });
    if (fault?.kind === "fail") return serverError(fault.status);
    return { status: 200, body: { sentMessages } };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}

/** LINE's 400 `details`: one entry per problem, naming the property. */
function validatePush(body: unknown): { message: string; property: string }[] {
  const problems: { message: string; property: string }[] = [];
  const push = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof push.to !== "string" || push.to.length === 0) problems.push({ message: "Must not be empty", property: "to" });
  const messages = push.messages;
  if (!Array.isArray(messages) || messages.length < 1 || messages.length > MAX_MESSAGES) {
    problems.push({ message: `Size must be between 1 and ${MAX_MESSAGES}`, property: "messages" });
    return problems;
  }
  messages.forEach((message: Record<string, unknown> | null, i) => {
    if (message?.type !== "text") {
      problems.push({ message: "Must be one of the following values: [text]", property: `messages[${i}].type` });
    } else if (typeof message.text !== "string" || message.text.length === 0) {
      problems.push({ message: "Must not be empty", property: `messages[${i}].text` });
    } else if (message.text.length > MAX_TEXT_UNITS) {
      // JS length counts UTF-16 code units, which is what LINE's limit counts.
      problems.push({ message: `Length must be between 0 and ${MAX_TEXT_UNITS}`, property: `messages[${i}].text` });
    }
  });
  return problems;
}

function serverError(status: number): Answer {
  return { status, body: { message: "An error occurred in the internal server" } };
}

function randomDigits(length: number): string {
  return Array.from(randomBytes(length), (b) => String(b % 10)).join("");
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
