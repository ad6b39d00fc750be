/**
 * The example of src/local/aws/README.md, run by readme-example.test.ts. The part between the
 * README markers is what README.md shows, character for character (the test checks it).
 */
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { startDynamoDbLocal } from "#local/aws/dynamodb-local.ts";
import { startStreamPoller } from "#local/aws/stream-poller/stream-poller.ts";
import { startWebSocketEmulator } from "#local/aws/websocket-api/start-websocket-emulator.ts";

export async function startExample() {
  // README:start
  // 1. DynamoDB Local on 127.0.0.1, with the key every client must sign with.
  const dynamo = await startDynamoDbLocal({ port: 0 }); // or { port: 8000, dataDir: ".data/dynamodb" }
  const aws = { endpoint: dynamo.endpoint, region: dynamo.region, credentials: { ...dynamo.credentials } };
  const db = new DynamoDBClient(aws);
  await db.send(
    new CreateTableCommand({
      TableName: "messages",
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
    }),
  );
  const { Table } = await db.send(new DescribeTableCommand({ TableName: "messages" }));

  // 2. A WebSocket API: your Lambda handlers as routes, the Management API on the same port.
  const connected = new Set<string>();
  const websocket = await startWebSocketEmulator({
    port: 0,
    routes: {
      $connect: { handler: async (event) => (connected.add(event.requestContext.connectionId), { statusCode: 200 }) },
      $disconnect: { handler: async (event) => (connected.delete(event.requestContext.connectionId), { statusCode: 200 }) },
    },
  });
  const management = new ApiGatewayManagementApiClient({ ...aws, endpoint: websocket.managementEndpoint });

  // 3. The table's stream into a stream handler, with Lambda's batching, retries and bisection.
  const poller = await startStreamPoller({
    client: new DynamoDBStreamsClient(aws),
    streamArn: Table!.LatestStreamArn!,
    handler: async (event) => {
      for (const record of event.Records) {
        const data = JSON.stringify(record.dynamodb?.NewImage ?? {});
        for (const connectionId of connected) {
          await management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
        }
      }
    },
  });

  // Stop in reverse order.
  const stop = async () => {
    await poller.stop();
    await websocket.close();
    db.destroy();
    await dynamo.stop();
  };
  // README:end
  return { db, websocket, poller, connected, stop };
}
