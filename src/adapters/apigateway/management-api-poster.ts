/**
 * FramePoster over the API Gateway Management API (`PostToConnection`).
 * The SDK's standard retry strategy already backs off on 429 LimitExceededException and 5xx;
 * a 410 GoneException means the client left, reported as "gone" so the caller drops its row.
 *
 * @example
 *   const poster = new ManagementApiPoster({ endpoint: "https://abc.execute-api.eu-west-1.amazonaws.com/prod" });
 *   await poster.post(connectionId, '{"type":"pong"}'); // "delivered" | "gone"
 */
import { ApiGatewayManagementApiClient, GoneException, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";
import type { FramePoster, PostOutcome } from "#domain/ports.ts";

/** Throttling during a large fan-out is expected; give the backoff room before failing the record. */
const MAX_ATTEMPTS = 5;

export class ManagementApiPoster implements FramePoster {
  private readonly client: ApiGatewayManagementApiClient | undefined;
  private readonly encoder = new TextEncoder();

  constructor(options: { endpoint?: string; client?: ApiGatewayManagementApiClient }) {
    // Building a handler module must not throw (tests import it); a missing endpoint fails on use.
    this.client =
      options.client ??
      (options.endpoint ? new ApiGatewayManagementApiClient({ endpoint: options.endpoint, maxAttempts: MAX_ATTEMPTS }) : undefined);
  }

  async post(connectionId: string, frame: string): Promise<PostOutcome> {
    if (!this.client) {
      throw new Error("MANAGEMENT_API_ENDPOINT is not set: the CDK stack sets it to the stage's callback URL");
    }
    try {
      await this.client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: this.encoder.encode(frame) }));
      return "delivered";
    } catch (error) {
      // Match the class or its name, never the HTTP status (SDK v3 guidance).
      if (error instanceof GoneException || (error as Error).name === "GoneException") return "gone";
      throw error;
    }
  }
}
