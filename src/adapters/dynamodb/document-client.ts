/** The one way this project makes a DynamoDB document client, so marshalling is the same everywhere. */
import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

export function createDocumentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    // Optional fields (a missing lineTo, no lastLikers) are simply left out of the item.
    marshallOptions: { removeUndefinedValues: true },
  });
}
