/**
 * ManagementApiPoster over real HTTP: the real SDK client against a server answering as the
 * Management API does when it throttles (429 LimitExceededException), forgets a connection
 * (410 GoneException) or fails (5xx).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ManagementApiPoster } from "#adapters/apigateway/management-api-poster.ts";
import { FakeManagementApiServer, gone, internalError, throttled } from "#test/fakes/fake-management-api-server.ts";

describe("ManagementApiPoster", () => {
  let api: FakeManagementApiServer;
  let poster: ManagementApiPoster;

  beforeAll(async () => {
    // Lambda's environment always carries a region and credentials; the poster relies on them.
    vi.stubEnv("AWS_REGION", "eu-west-1");
    vi.stubEnv("AWS_ACCESS_KEY_ID", "test");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test");
    api = await FakeManagementApiServer.start();
  });
  beforeEach(() => {
    api.reset();
    // A fresh client per test: the SDK's retry quota must not carry over between tests.
    poster = new ManagementApiPoster({ endpoint: api.endpoint });
  });
  afterAll(async () => {
    await api.close();
    vi.unstubAllEnvs();
  });

  it("backs off on 429 LimitExceededException and delivers once the limit clears", async () => {
    // Prepare
    api.answerNext(throttled, throttled);

    // Act
    const outcome = await poster.post("conn-1=", '{"type":"like","id":"7"}');

    // Assess
    expect(outcome).toBe("delivered");
    expect(api.requests.map((request) => request.body)).toEqual(Array(3).fill('{"type":"like","id":"7"}'));
    expect(api.requests.map((request) => request.sdkRequest)).toEqual(["attempt=1; max=5", "attempt=2; max=5", "attempt=3; max=5"]);
  });

  it("retries a 5xx and delivers", async () => {
    // Prepare
    api.answerNext(internalError);

    // Act
    const outcome = await poster.post("conn-1=", "frame");

    // Assess
    expect(outcome).toBe("delivered");
    expect(api.requests).toHaveLength(2);
  });

  it("gives up after 5 attempts when the errors go on, so the stream batch retries the record", async () => {
    // Prepare
    api.answerNext(...Array(6).fill(internalError));

    // Act
    const error = await poster.post("conn-1=", "frame").catch((e: unknown) => e);

    // Assess
    expect((error as Error).name).toBe("InternalServerErrorException");
    expect(api.requests).toHaveLength(5);
  });

  it("answers gone on 410 GoneException at once, without retrying", async () => {
    // Prepare
    api.answerNext(gone);

    // Act
    const outcome = await poster.post("left=", "frame");

    // Assess
    expect(outcome).toBe("gone");
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]?.connectionId).toBe("left=");
  });
});
