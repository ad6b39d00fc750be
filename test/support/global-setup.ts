/**
 * Starts one DynamoDB Local (in memory, shared DB) for the whole test run. Test files create
 * their own uniquely named tables through test/support/dynamodb.ts, so files can run in parallel.
 */
import type { TestProject } from "vitest/node";
import { startDynamoDbLocal } from "../../src/local/aws/dynamodb-local.ts";

declare module "vitest" {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const dynamo = await startDynamoDbLocal({ port: 0 });
  project.provide("dynamodbEndpoint", dynamo.endpoint);
  return async () => {
    await dynamo.stop();
  };
}
