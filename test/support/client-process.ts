/**
 * WebSocket clients in a child process of their own, so receiving thousands of frames costs the
 * process under measurement nothing. The bench's client load and the soak's simulated tabs are
 * both such a child: each is a script that calls `serveParent`, driven from the parent through
 * one `ClientProcess`, with typed messages and a deadline on every answer.
 *
 * @example
 * const clients = ClientProcess.start<ToClients, FromClients>(new URL("./clients.ts", import.meta.url));
 * const opened = await clients.request({ type: "open", plan }, "opened", 60_000);
 * clients.stop();
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";

interface Message {
  readonly type: string;
}

export class ClientProcessTimeoutError extends Error {
  constructor(what: string, timeoutMs: number) {
    super(`the client process sent no "${what}" within ${timeoutMs} ms; look for its error above`);
    this.name = "ClientProcessTimeoutError";
  }
}

export class ClientProcess<ToChild extends Message, FromChild extends Message> {
  readonly #child: ChildProcess;
  readonly #waiters = new Set<(message: FromChild) => boolean>();
  #listener: ((message: FromChild) => void) | undefined;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on("message", (message: FromChild) => {
      this.#listener?.(message);
      for (const waiter of this.#waiters) if (waiter(message)) this.#waiters.delete(waiter);
    });
  }

  /** Forks `script` (TypeScript, run through tsx) with its output on this process's. */
  static start<ToChild extends Message, FromChild extends Message>(script: URL): ClientProcess<ToChild, FromChild> {
    return new ClientProcess(
      fork(fileURLToPath(script), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] }),
    );
  }

  send(message: ToChild): void {
    this.#child.send(message);
  }

  /** Sends `message` and resolves with the first answer of type `reply` that `match` accepts. */
  request<K extends FromChild["type"]>(
    message: ToChild,
    reply: K,
    timeoutMs: number,
    match: (answer: Extract<FromChild, { type: K }>) => boolean = () => true,
  ): Promise<Extract<FromChild, { type: K }>> {
    const answer = this.next(reply, timeoutMs, match);
    this.send(message);
    return answer;
  }

  /** The next message of type `reply` that `match` accepts; rejects with ClientProcessTimeoutError at the deadline. */
  next<K extends FromChild["type"]>(
    reply: K,
    timeoutMs: number,
    match: (answer: Extract<FromChild, { type: K }>) => boolean = () => true,
  ): Promise<Extract<FromChild, { type: K }>> {
    type Answer = Extract<FromChild, { type: K }>;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new ClientProcessTimeoutError(reply, timeoutMs));
      }, timeoutMs);
      const waiter = (message: FromChild) => {
        if (message.type !== reply || !match(message as Answer)) return false;
        clearTimeout(timer);
        resolve(message as Answer);
        return true;
      };
      this.#waiters.add(waiter);
    });
  }

  /** Every message as it comes, besides the answers awaited. */
  onMessage(listener: ((message: FromChild) => void) | undefined): void {
    this.#listener = listener;
  }

  /** Ends the child: it exits when its parent disconnects (see serveParent). */
  stop(): void {
    if (this.#child.connected) this.#child.disconnect();
    else if (this.#child.exitCode === null) this.#child.kill();
  }
}

/**
 * The child's side: hands every message from the parent to `onMessage` and returns the function
 * that answers. The child exits when the parent disconnects or dies, so it never outlives it.
 */
export function serveParent<ToChild extends Message, FromChild extends Message>(
  onMessage: (message: ToChild) => void,
): (message: FromChild) => void {
  process.on("message", (message: ToChild) => onMessage(message));
  process.on("disconnect", () => process.exit(0));
  return (message) => {
    process.send?.(message);
  };
}
