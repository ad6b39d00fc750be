/**
 * ManagementApiConnectionCloser over real HTTP: the real SDK client against a scripted fake of
 * the Management API, for the answers the emulator never gives (403, 5xx).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import { ManagementApiConnectionCloser } from "#adapters/apigateway/management-api-connection-closer.ts";
import { FakeManagementApiServer, gone, internalError } from "#test/fakes/fake-management-api-server.ts";

describe("ManagementApiConnectionCloser", () => {
  let api: FakeManagementApiServer;
  let closer: ManagementApiConnectionCloser;

  beforeAll(async () => {
    api = await FakeManagementApiServer.start();
  });
  beforeEach(() => {
    api.reset();
    closer = new ManagementApiConnectionCloser({
      client: new ApiGatewayManagementApiClient({
        endpoint: api.endpoint,
        region: "eu-west-1",
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
        maxAttempts: 2,
      }),
    });
  });
  afterAll(async () => {
    await api.close();
  });

  it("closes a connection with DeleteConnection", async () => {
    expect(await closer.close("conn-1=")).toBe("closed");
    expect(api.requests.map((request) => request.connectionId)).toEqual(["conn-1="]);
  });

  it("reports a connection already gone (410 GoneException) as gone", async () => {
    api.answerNext(gone);

    expect(await closer.close("conn-2=")).toBe("gone");
  });

  it("rejects on what it cannot call closed: a forbidden call", async () => {
    api.answerNext({ status: 403, errorType: "ForbiddenException", message: "Forbidden" });

    await expect(closer.close("conn-3=")).rejects.toMatchObject({ name: "ForbiddenException" });
  });

  it("retries a 5xx, then rejects when it persists", async () => {
    api.answerNext(internalError, internalError);

    await expect(closer.close("conn-4=")).rejects.toMatchObject({ name: "InternalServerErrorException" });
    expect(api.requests).toHaveLength(2);
  });
});
