/**
 * "Usual way" reproduction, NOT project code: the Chalice article's and the CDK example's
 * fan-out, one `await PostToConnection` after another in a `for` loop, with a default client.
 * It is given the same byUser query as ours, so the figure isolates the loop.
 */
import { type ApiGatewayManagementApiClient, GoneException, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";
import { QueryCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

export async function sequentialFanout(
  doc: DynamoDBDocumentClient,
  table: string,
  management: ApiGatewayManagementApiClient,
  userId: string,
  frame: string,
): Promise<void> {
  const ids: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: table,
        IndexName: "byUser",
        KeyConditionExpression: "userId = :u",
        ExpressionAttributeValues: { ":u": userId },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) ids.push(item.connectionId as string);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  for (const connectionId of ids) {
    try {
      await management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: frame }));
    } catch (error) {
      if (!(error instanceof GoneException)) throw error;
    }
  }
}
