import { describe, expect, it } from "vitest";
import { SettingError } from "#domain/setting-error.ts";
import { loadConfig } from "#local/config.ts";

const refusal = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    return error as SettingError;
  }
  throw new Error("loadConfig accepted it");
};

describe("loadConfig: S3 for large bodies (issue 10)", () => {
  it("starts s3rver on 4569 with the bucket live-likes-bodies by default", () => {
    expect(loadConfig({}).s3).toEqual({ port: 4569, bucket: "live-likes-bodies" });
  });

  it("reads S3_PORT, or S3_ENDPOINT with BODIES_BUCKET and the AWS_* signing", () => {
    expect(loadConfig({ S3_PORT: "0" }).s3.port).toBe(0);
    expect(
      loadConfig({
        S3_ENDPOINT: "http://localhost:9000/",
        BODIES_BUCKET: "my.bodies-1",
        AWS_REGION: "eu-west-1",
        AWS_ACCESS_KEY_ID: "minio",
        AWS_SECRET_ACCESS_KEY: "minio-secret",
      }).s3,
    ).toEqual({
      port: 4569,
      endpoint: "http://localhost:9000",
      bucket: "my.bodies-1",
      region: "eu-west-1",
      credentials: { accessKeyId: "minio", secretAccessKey: "minio-secret" },
    });
  });

  it.each([
    [{ S3_PORT: "s3" }, "S3_PORT", 'S3_PORT is "s3": use a port number from 0 to 65535 (0 picks a free one), e.g. S3_PORT=4569.'],
    [
      { S3_ENDPOINT: "localhost:9000" },
      "S3_ENDPOINT",
      'S3_ENDPOINT is "localhost:9000": use a full URL starting with http:// or https://, such as http://localhost:8080.',
    ],
    [
      { BODIES_BUCKET: "My_Bucket" },
      "BODIES_BUCKET",
      'BODIES_BUCKET is "My_Bucket": use an S3 bucket name of 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, e.g. BODIES_BUCKET=live-likes-bodies.',
    ],
    [{ BODIES_BUCKET: "a..b" }, "BODIES_BUCKET", expect.stringMatching(/^BODIES_BUCKET is "a\.\.b": use an S3 bucket name/)],
    [{ BODIES_BUCKET: "ab" }, "BODIES_BUCKET", expect.stringMatching(/^BODIES_BUCKET is "ab": /)],
  ])("refuses %o in one line naming %s", (env, variable, message) => {
    const error = refusal(env);

    expect(error).toBeInstanceOf(SettingError);
    expect(error.variable).toBe(variable);
    expect(error.message).toEqual(message);
    expect(error.message).not.toContain("\n");
  });
});
