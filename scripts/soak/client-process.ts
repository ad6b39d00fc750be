/**
 * The soak's handle on its client process (clients.ts): forks it under tsx and turns the IPC
 * messages of protocol.ts into awaitable calls with deadlines.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ClientPlan, FromClients, SentLike, Tally, ToClients } from "./protocol.ts";

export class ClientProcessTimeoutError extends Error {
  constructor(what: string, timeoutMs: number) {
    super(`the soak's client process sent no "${what}" within ${timeoutMs} ms; look for its error above`);
    this.name = "ClientProcessTimeoutError";
  }
}

export class ClientProcess {
  readonly #waiters = new Set<(message: FromClients) => boolean>();

  private constructor(private readonly child: ChildProcess) {
    child.on("message", (message: FromClients) => {
      for (const waiter of this.#waiters) if (waiter(message)) this.#waiters.delete(waiter);
    });
  }

  static start(): ClientProcess {
    const script = fileURLToPath(new URL("./clients.ts", import.meta.url));
    return new ClientProcess(fork(script, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] }));
  }

  async open(plan: ClientPlan, timeoutMs: number): Promise<{ open: number; failed: number }> {
    return (await this.#request({ type: "open", plan }, "opened", timeoutMs)) as Extract<FromClients, { type: "opened" }>;
  }

  /** Starts the drop schedule. */
  go(): void {
    this.child.send({ type: "go" } satisfies ToClients);
  }

  sent(likes: readonly SentLike[]): void {
    this.child.send({ type: "sent", likes } satisfies ToClients);
  }

  async tally(timeoutMs = 30_000): Promise<Tally> {
    return ((await this.#request({ type: "tally" }, "tally", timeoutMs)) as Extract<FromClients, { type: "tally" }>).tally;
  }

  /** Closes every socket with a close frame, as a tab being closed does. */
  async close(timeoutMs: number): Promise<void> {
    await this.#request({ type: "close" }, "closed", timeoutMs);
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }

  #request(message: ToClients, reply: FromClients["type"], timeoutMs: number): Promise<FromClients> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new ClientProcessTimeoutError(reply, timeoutMs));
      }, timeoutMs);
      const waiter = (answer: FromClients) => {
        if (answer.type !== reply) return false;
        clearTimeout(timer);
        resolve(answer);
        return true;
      };
      this.#waiters.add(waiter);
      this.child.send(message);
    });
  }
}
