/**
 * "Usual way" reproduction, NOT project code: the AWS chat sample's fan-out. Scan the whole
 * connections table, then fire every PostToConnection at once with `Promise.all`.
 */
import { type ApiGatewayManagementApiClient, GoneException, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";
import { ScanCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

export async function unboundedFanout(
  doc: DynamoDBDocumentClient,
  table: string,
  management: ApiGatewayManagementApiClient,
  frame: string,
): Promise<void> {
  const ids: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: table, ProjectionExpression: "connectionId", ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) ids.push(item.connectionId as string);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  await Promise.all(
    ids.map(async (connectionId) => {
      try {
        await management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: frame }));
      } catch (error) {
        if (!(error instanceof GoneException)) throw error;
      }
    }),
  );
}
