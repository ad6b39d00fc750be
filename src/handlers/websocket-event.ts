/** The API Gateway WebSocket event as Lambda receives it; @types/aws-lambda omits the query string. */
import type { APIGatewayProxyWebsocketEventV2 } from "aws-lambda";

export type WebSocketEvent = APIGatewayProxyWebsocketEventV2 & {
  readonly queryStringParameters?: Readonly<Record<string, string | undefined>> | null;
  readonly headers?: Readonly<Record<string, string | undefined>> | null;
};

export interface WebSocketResult {
  readonly statusCode: number;
  readonly body?: string;
}
