/** S3BodyStore with the real SDK and presigner against the s3rver npm start runs. */
import { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BODY_URL_SECONDS, S3BodyStore } from "#adapters/s3/s3-body-store.ts";
import { type S3Local, startS3Local } from "#local/aws/s3-local.ts";

describe("S3BodyStore", () => {
  let s3: S3Local;
  let client: S3Client;

  beforeAll(async () => {
    s3 = await startS3Local({ port: 0, buckets: ["bodies-test"] });
    client = new S3Client({ endpoint: s3.endpoint, region: s3.region, credentials: { ...s3.credentials }, forcePathStyle: true });
  });
  afterAll(async () => {
    client.destroy();
    await s3.stop();
  });

  it("puts a body that its presigned URL answers, as UTF-8 text, for two hours", async () => {
    // Prepare
    const store = new S3BodyStore({ bucket: "bodies-test", client });
    const body = `${"日本語のテキスト ✓\r\n".repeat(3_000)}end`;

    // Act
    await store.put("bodies/abc", body);
    const url = await store.urlFor("bodies/abc");
    const fetched = await fetch(url);

    // Assess
    const parsed = new URL(url);
    expect(parsed.pathname).toBe("/bodies-test/bodies/abc");
    expect(parsed.searchParams.get("X-Amz-Expires")).toBe(String(BODY_URL_SECONDS));
    expect(BODY_URL_SECONDS).toBeGreaterThanOrEqual(3_600);
    expect(fetched.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(Buffer.from(await fetched.arrayBuffer()).equals(Buffer.from(body, "utf8"))).toBe(true);
  });

  it("rejects a put to a bucket that does not exist", async () => {
    const store = new S3BodyStore({ bucket: "no-such-bucket", client });

    await expect(store.put("bodies/x", "x")).rejects.toMatchObject({ name: "NoSuchBucket" });
  });
});
