/** The one way this project makes a DynamoDB document client, so marshalling is the same everywhere. */
import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** Wraps `client` (or a new client made from `config`) with the project's marshalling options. */
export function createDocumentClient(client: DynamoDBClient | DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client instanceof DynamoDBClient ? client : new DynamoDBClient(client), {
    // Optional fields (a missing lineTo, no lastLikers) are simply left out of the item.
    marshallOptions: { removeUndefinedValues: true },
  });
}
