/**
 * "Usual way" reproduction, NOT project code: a group message delivered as the common samples
 * deliver one user's, member after member, one `await PostToConnection` after another, each
 * member's connections from the same byUser Query as ours.
 */
import type { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { sequentialFanout } from "../baselines/sequential-fanout.ts";

export async function sequentialGroup(
  doc: DynamoDBDocumentClient,
  table: string,
  management: ApiGatewayManagementApiClient,
  frames: ReadonlyMap<string, { readonly frame: string }>,
): Promise<void> {
  for (const [userId, { frame }] of frames) await sequentialFanout(doc, table, management, userId, frame);
}
