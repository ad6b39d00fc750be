/**
 * The deployed body store (src/lambda/deployed-dependencies.ts deployedBodies): the bucket the
 * stack names in BODIES_BUCKET, presigned with the function's own credentials as Lambda sets them
 * (a session token included), for 2 h. Presigning calls nothing, so no AWS account is needed.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { deployedBodies } from "../../src/lambda/deployed-dependencies.ts";

describe("deployedBodies", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("is absent without BODIES_BUCKET, so the publish API refuses large bodies instead of failing later", () => {
    expect(deployedBodies({})).toBeUndefined();
  });

  it("presigns a GET of the key in BODIES_BUCKET with the function's session credentials, valid 2 h", async () => {
    // Prepare: what Lambda puts in a function's environment.
    vi.stubEnv("AWS_REGION", "ap-northeast-1");
    vi.stubEnv("AWS_ACCESS_KEY_ID", "ASIAEXAMPLE");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "secret");
    vi.stubEnv("AWS_SESSION_TOKEN", "session-token-of-the-role");
    const bodies = deployedBodies({ BODIES_BUCKET: "livelikesstateful-bodies-abc" });

    // Act
    const url = new URL((await bodies?.urlFor("bodies/3f2a")) as string);

    // Assess
    expect(url.host).toBe("livelikesstateful-bodies-abc.s3.ap-northeast-1.amazonaws.com");
    expect(url.pathname).toBe("/bodies/3f2a");
    expect(url.searchParams.get("X-Amz-Expires")).toBe("7200");
    expect(url.searchParams.get("X-Amz-Credential")).toMatch(/^ASIAEXAMPLE\/\d{8}\/ap-northeast-1\/s3\/aws4_request$/);
    // The URL carries the role's session: it also ends when that session does (docs/ARCHITECTURE.md "S3 bodies").
    expect(url.searchParams.get("X-Amz-Security-Token")).toBe("session-token-of-the-role");
    expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
  });
});
