/**
 * Starts one DynamoDB Local (in memory) for the whole test run. Test files create their own
 * uniquely named tables through test/support/dynamodb.ts, so files can run in parallel; they sign
 * with the credentials provided here, since DynamoDB Local keeps one database per access key id.
 */
import type { TestProject } from "vitest/node";
import { startDynamoDbLocal, type DynamoDbLocalCredentials } from "../../src/local/aws/dynamodb-local.ts";

declare module "vitest" {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    dynamodbRegion: string;
    dynamodbCredentials: DynamoDbLocalCredentials;
  }
}

export default async function setup(project: TestProject) {
  // A random key, as `npm start` has: a test that signs with anything else finds no tables.
  const dynamo = await startDynamoDbLocal({ port: 0 });
  project.provide("dynamodbEndpoint", dynamo.endpoint);
  project.provide("dynamodbRegion", dynamo.region);
  project.provide("dynamodbCredentials", dynamo.credentials);
  return async () => {
    await dynamo.stop();
  };
}
