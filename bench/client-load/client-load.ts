/**
 * The server side's handle on the client-load child process (bench/client-load/clients.ts): opens
 * and closes groups of sockets there and waits for frame receipts, over test/support's
 * ClientProcess.
 */
import { ClientProcess, ClientProcessTimeoutError } from "#test/support/client-process.ts";
import type { FrameReceipt, FromClients, ToClients } from "./protocol.ts";

export class ClientLoad {
  readonly #process: ClientProcess<ToClients, FromClients>;

  private constructor(process: ClientProcess<ToClients, FromClients>) {
    this.#process = process;
  }

  static start(): ClientLoad {
    return new ClientLoad(ClientProcess.start(new URL("./clients.ts", import.meta.url)));
  }

  async connect(group: string, url: string, count: number, report: "aggregate" | "each" = "aggregate"): Promise<number> {
    const reply = await this.#process.request(
      { type: "connect", group, url, count, report },
      "connected",
      120_000,
      (m) => m.group === group,
    );
    if (reply.failed > 0) throw new Error(`client load: ${reply.failed} of ${count} sockets of ${group} could not connect`);
    return reply.count;
  }

  /** Resolves when frame `id` reached every socket of its group, or with what arrived by the deadline. */
  async receipt(id: string, timeoutMs: number): Promise<{ receipt: FrameReceipt | undefined; complete: boolean }> {
    try {
      const message = await this.#process.next("complete", timeoutMs, (m) => m.receipt.id === id);
      return { receipt: message.receipt, complete: true };
    } catch (error) {
      if (!(error instanceof ClientProcessTimeoutError)) throw error;
      const status = await this.#process.request({ type: "status", id }, "status", 10_000, (m) => m.id === id);
      return { receipt: status.receipt, complete: false };
    }
  }

  /** Every frame of an "each" group, as it is reported. */
  onFrames(listener: ((receipts: readonly FrameReceipt[]) => void) | undefined): void {
    this.#process.onMessage(listener && ((message) => message.type === "frames" && listener(message.receipts)));
  }

  /** An HTTP proxy in the client process adding `delayMs` to every request to `target`; its URL. */
  async latencyProxy(target: string, delayMs: number): Promise<string> {
    return (await this.#process.request({ type: "proxy", target, delayMs }, "proxy", 10_000)).url;
  }

  async close(group: string): Promise<void> {
    await this.#process.request({ type: "close", group }, "closed", 60_000, (m) => m.group === group);
  }

  stop(): void {
    this.#process.stop();
  }
}
