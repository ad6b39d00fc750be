/**
 * ConnectionCloser over the API Gateway Management API (`DeleteConnection`): API Gateway (or the
 * local emulator) closes the socket and then runs `$disconnect`. A 410 GoneException means the
 * client had already left.
 *
 * @example
 *   const closer = new ManagementApiConnectionCloser({ endpoint: "http://localhost:3001" });
 *   await closer.close(connectionId); // "closed" | "gone"
 */
import { ApiGatewayManagementApiClient, DeleteConnectionCommand, GoneException } from "@aws-sdk/client-apigatewaymanagementapi";
import type { CloseOutcome, ConnectionCloser } from "#domain/ports.ts";

export class ManagementApiConnectionCloser implements ConnectionCloser {
  private readonly client: ApiGatewayManagementApiClient;

  constructor(options: { endpoint?: string; client?: ApiGatewayManagementApiClient }) {
    this.client = options.client ?? new ApiGatewayManagementApiClient({ endpoint: options.endpoint });
  }

  async close(connectionId: string): Promise<CloseOutcome> {
    try {
      await this.client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
      return "closed";
    } catch (error) {
      // Match the class or its name, never the HTTP status (SDK v3 guidance).
      if (error instanceof GoneException || (error as Error).name === "GoneException") return "gone";
      throw error;
    }
  }
}
