/**
 * The server side's handle on the client-load child process (bench/client-load/clients.ts):
 * forks it under tsx, opens and closes groups of sockets, and waits for frame receipts.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { FrameReceipt, FromClients, ToClients } from "./protocol.ts";

export class ClientLoadTimeoutError extends Error {
  constructor(what: string, timeoutMs: number) {
    super(`client load: no ${what} within ${timeoutMs} ms; check the server side's log above`);
    this.name = "ClientLoadTimeoutError";
  }
}

export class ClientLoad {
  readonly #child: ChildProcess;
  readonly #waiters = new Set<(message: FromClients) => boolean>();
  #onFrames: ((receipts: readonly FrameReceipt[]) => void) | undefined;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on("message", (message: FromClients) => {
      if (message.type === "frames") this.#onFrames?.(message.receipts);
      for (const waiter of this.#waiters) if (waiter(message)) this.#waiters.delete(waiter);
    });
  }

  static start(): ClientLoad {
    const script = fileURLToPath(new URL("./clients.ts", import.meta.url));
    return new ClientLoad(fork(script, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] }));
  }

  async connect(group: string, url: string, count: number, report: "aggregate" | "each" = "aggregate"): Promise<number> {
    const reply = this.#request({ type: "connect", group, url, count, report }, (m) => m.type === "connected" && m.group === group, 120_000);
    const message = (await reply) as Extract<FromClients, { type: "connected" }>;
    if (message.failed > 0) throw new Error(`client load: ${message.failed} of ${count} sockets of ${group} could not connect`);
    return message.count;
  }

  /** Resolves when frame `id` reached every socket of its group, or with what arrived by the deadline. */
  async receipt(id: string, timeoutMs: number): Promise<{ receipt: FrameReceipt | undefined; complete: boolean }> {
    try {
      const message = await this.#wait((m) => m.type === "complete" && m.receipt.id === id, timeoutMs);
      return { receipt: (message as Extract<FromClients, { type: "complete" }>).receipt, complete: true };
    } catch (error) {
      if (!(error instanceof ClientLoadTimeoutError)) throw error;
      const status = (await this.#request({ type: "status", id }, (m) => m.type === "status" && m.id === id, 10_000)) as Extract<FromClients, { type: "status" }>;
      return { receipt: status.receipt, complete: false };
    }
  }

  /** Every frame of an "each" group, as it is reported. */
  onFrames(listener: ((receipts: readonly FrameReceipt[]) => void) | undefined): void {
    this.#onFrames = listener;
  }

  /** An HTTP proxy in the client process adding `delayMs` to every request to `target`; its URL. */
  async latencyProxy(target: string, delayMs: number): Promise<string> {
    const reply = await this.#request({ type: "proxy", target, delayMs }, (m) => m.type === "proxy", 10_000);
    return (reply as Extract<FromClients, { type: "proxy" }>).url;
  }

  async close(group: string): Promise<void> {
    await this.#request({ type: "close", group }, (m) => m.type === "closed" && m.group === group, 60_000);
  }

  stop(): void {
    this.#child.disconnect();
  }

  #request(message: ToClients, match: (m: FromClients) => boolean, timeoutMs: number): Promise<FromClients> {
    const reply = this.#wait(match, timeoutMs);
    this.#child.send(message);
    return reply;
  }

  #wait(match: (m: FromClients) => boolean, timeoutMs: number): Promise<FromClients> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new ClientLoadTimeoutError("answer", timeoutMs));
      }, timeoutMs);
      const waiter = (message: FromClients) => {
        if (!match(message)) return false;
        clearTimeout(timer);
        resolve(message);
        return true;
      };
      this.#waiters.add(waiter);
    });
  }
}
