/**
 * DynamoDB Local stopping and coming back under a running local runtime: the test runs its own
 * DynamoDB Local (persisted to a temporary directory), stops it, and starts it again on the
 * same port, as a laptop's crashed or restarted database would. The runtime is not restarted.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "#local/config.ts";
import { startDynamoDbLocal, type DynamoDbLocal } from "#local/aws/dynamodb-local.ts";
import { startLocalRuntime, type LocalRuntime } from "#local/runtime.ts";
import { FakeQiitaServer } from "#test/fakes/fake-qiita-server.ts";
import { connect, likeFrames, type TestClient } from "#test/support/ws-client.ts";
import { localRuntimeEnv, testToken } from "#test/support/local-runtime.ts";
import { waitFor } from "#test/support/wait-for.ts";

const writer = "writer";

describe("local runtime while DynamoDB Local stops and comes back", () => {
  let dataDir: string;
  let dynamo: DynamoDbLocal;
  let qiita: FakeQiitaServer;
  let runtime: LocalRuntime;
  let client: TestClient;
  let lateClient: TestClient | undefined;
  let itemIds: string[];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "live-likes-outage-"));
    dynamo = await startDynamoDbLocal({ port: 0, dataDir: join(dataDir, "dynamodb") });
    qiita = await FakeQiitaServer.start();
    qiita.addUser(writer, "qiita-token");
    itemIds = qiita.addArticles(writer, 3, { likers: 1 });
    const config = loadConfig(
      localRuntimeEnv({
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        DATA_DIR: join(dataDir, "runtime"),
        QIITA_TOKEN: "qiita-token",
        QIITA_BASE_URL: qiita.baseUrl,
      }),
    );
    runtime = await startLocalRuntime(config, { logLevel: "SILENT", streamPollMs: 50 });
    client = await connect(`${runtime.websocketUrl}/?token=${testToken(writer)}`);
  });

  afterAll(async () => {
    client?.socket.terminate();
    lateClient?.socket.terminate();
    await runtime?.stop();
    await dynamo?.stop();
    await qiita?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  // A DynamoDB Local (JVM) restart plus the stream poller's error backoff (at most 5 s).
  it("notifies a like written after DynamoDB Local returned on the same port, once", async () => {
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
    lateClient = await connect(`${runtime.websocketUrl}/?token=${testToken(writer)}`);
    await waitFor(async () => ((await runtime.collectNow().then(() => true, () => undefined)) ? true : undefined), {
      timeoutMs: 15_000,
      what: "a poll that succeeds",
    });
    await waitFor(() => (likeFrames(client).length === 2 && likeFrames(lateClient!).length === 1 ? true : undefined), {
      timeoutMs: 15_000,
      what: "like after the outage",
    });
    await runtime.poller.drained();

    // Assess
    expect(failedPoll).toBe("failed");
    expect(likeFrames(client).map((frame) => frame.likers)).toEqual([["before-outage"], ["during-outage"]]);
    expect(likeFrames(lateClient!)).toEqual([likeFrames(client)[1]]);
  }, 60_000);
});
