/** The emulator's live connections by id: what the Management API and the routes look up. */
import { WebSocket } from "ws";
import type { ConnectionFacts } from "./request-context.ts";

export interface LiveConnection {
  readonly facts: ConnectionFacts;
  readonly socket: WebSocket;
  readonly userAgent: string;
  /** Epoch ms of the last frame from the client (or of the connect). */
  lastActiveAt: number;
}

export class ConnectionRegistry {
  readonly #connections = new Map<string, LiveConnection>();

  add(connection: LiveConnection): void {
    this.#connections.set(connection.facts.connectionId, connection);
  }

  /** The connection while its socket is open; a closing one is already gone for API Gateway. */
  get(connectionId: string): LiveConnection | undefined {
    const connection = this.#connections.get(connectionId);
    return connection?.socket.readyState === WebSocket.OPEN ? connection : undefined;
  }

  remove(connectionId: string): void {
    this.#connections.delete(connectionId);
  }

  /** Connections registered, a closing one included until its close event. */
  get size(): number {
    return this.#connections.size;
  }

  ids(): string[] {
    return [...this.#connections.keys()];
  }

  all(): LiveConnection[] {
    return [...this.#connections.values()];
  }
}
