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

/**
 * src/local/runtime.ts still signs with these when given DYNAMODB_ENDPOINT, and the runtime tests
 * share this DynamoDB Local. Once the runtime takes its credentials from the environment, drop
 * this and let the launcher pick random ones.
 */
const credentialsTheRuntimeUses: DynamoDbLocalCredentials = { accessKeyId: "local", secretAccessKey: "local" };

export default async function setup(project: TestProject) {
  const dynamo = await startDynamoDbLocal({ port: 0, credentials: credentialsTheRuntimeUses });
  project.provide("dynamodbEndpoint", dynamo.endpoint);
  project.provide("dynamodbRegion", dynamo.region);
  project.provide("dynamodbCredentials", dynamo.credentials);
  return async () => {
    await dynamo.stop();
  };
}
