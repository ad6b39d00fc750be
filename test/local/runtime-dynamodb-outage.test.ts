/**
 * DynamoDB Local stopping and coming back under a running local runtime: the test runs its own
 * DynamoDB Local (persisted to a temporary directory), stops it, and starts it again on the
 * same port, as a laptop's crashed or restarted database would. The runtime is not restarted.
 */
import { join } from "node:path";
import { describe, expect } from "vitest";
import { startDynamoDbLocal, type DynamoDbLocal } from "#local/aws/dynamodb-local.ts";
import type { LocalRuntime } from "#local/runtime.ts";
import { runtimeTest as it, WITHOUT_LINE, WRITER as writer } from "#test/support/runtime-fixture.ts";
import { likeFrames, type TestClient } from "#test/support/ws-client.ts";
import { waitFor } from "#test/support/wait-for.ts";

describe("local runtime while DynamoDB Local stops and comes back", () => {
  let dataDir: string;
  let dynamo: DynamoDbLocal;
  let runtime: LocalRuntime;
  let client: TestClient;
  let itemIds: string[];

  it.beforeAll(async ({ local }) => {
    dataDir = await local.tempDir("live-likes-outage-");
    dynamo = await startDynamoDbLocal({ port: 0, dataDir: join(dataDir, "dynamodb") });
    itemIds = local.qiita.addArticles(writer, 3, { likers: 1 });
    runtime = await local.start(local.config({ ...WITHOUT_LINE, DYNAMODB_ENDPOINT: dynamo.endpoint, DATA_DIR: join(dataDir, "runtime") }));
    client = await local.open();
  });

  // The runtime goes before the database it writes to.
  it.afterAll(async ({ local }) => {
    await local.stop();
    await dynamo?.stop();
  });

  // A DynamoDB Local (JVM) restart plus the stream poller's error backoff (at most 5 s).
  it("notifies a like written after DynamoDB Local returned on the same port, once", async ({ local: { qiita, open } }) => {
    // Prepare: a like goes through before the outage
    qiita.like(itemIds[0] as string, "before-outage");
    await runtime.collectNow();
    await waitFor(() => (likeFrames(client).length === 1 ? true : undefined), { what: "first like" });

    // Act: DynamoDB Local goes away; a poll fails meanwhile; it comes back on the same port
    await dynamo.stop();
    qiita.like(itemIds[1] as string, "during-outage");
    const failedPoll = await runtime.collectNow().then(
      () => "succeeded",
      () => "failed",
    );
    dynamo = await startDynamoDbLocal({ port: dynamo.port, dataDir: join(dataDir, "dynamodb") });
    const lateClient = await open();
    await waitFor(
      async () =>
        (await runtime.collectNow().then(
          () => true,
          () => undefined,
        ))
          ? true
          : undefined,
      {
        timeoutMs: 15_000,
        what: "a poll that succeeds",
      },
    );
    await waitFor(() => (likeFrames(client).length === 2 && likeFrames(lateClient).length === 1 ? true : undefined), {
      timeoutMs: 15_000,
      what: "like after the outage",
    });
    await runtime.poller.drained();

    // Assess
    expect(failedPoll).toBe("failed");
    expect(likeFrames(client).map((frame) => frame.likers)).toEqual([["before-outage"], ["during-outage"]]);
    expect(likeFrames(lateClient)).toEqual([likeFrames(client)[1]]);
  }, 60_000);
});
