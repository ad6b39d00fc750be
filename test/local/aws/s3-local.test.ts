/**
 * The S3-compatible server npm start runs (s3rver): the real SDK's PutObject (path-style) and a
 * presigned GET answered to a plain fetch, objects kept in a data directory across a restart or in
 * a temporary one removed at stop, and a taken port refused in one line.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "#local/config.ts";
import { type S3Local, S3LocalError, startS3Local } from "#local/aws/s3-local.ts";
import { startLocalRuntime } from "#local/runtime.ts";
import { SettingError } from "#domain/setting-error.ts";
import { localRuntimeEnv } from "#test/support/local-runtime.ts";

const clientOf = (s3: S3Local) =>
  new S3Client({ endpoint: s3.endpoint, region: s3.region, credentials: { ...s3.credentials }, forcePathStyle: true });

async function listening(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as { port: number }).port };
}

describe("startS3Local", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("takes the SDK's PutObject and answers a presigned GET with the exact bytes, in a temporary directory removed at stop", async () => {
    // Prepare
    const s3 = await startS3Local({ port: 0, buckets: ["bodies"] });
    const client = clientOf(s3);
    cleanups.push(async () => client.destroy());
    const body = "ünïcödé ✓ 🎉\n".repeat(5_000);

    // Act
    await client.send(new PutObjectCommand({ Bucket: "bodies", Key: "bodies/a", Body: body, ContentType: "text/plain; charset=utf-8" }));
    const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: "bodies", Key: "bodies/a" }), { expiresIn: 3_600 });
    const fetched = await fetch(url);
    const bytes = Buffer.from(await fetched.arrayBuffer());
    await s3.stop();

    // Assess
    expect(s3.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(bytes.equals(Buffer.from(body, "utf8"))).toBe(true);
    expect(existsSync(s3.directory)).toBe(false);
  });

  it("refuses a presigned URL past its expiry", async () => {
    // Prepare
    const s3 = await startS3Local({ port: 0, buckets: ["bodies"] });
    cleanups.push(() => s3.stop());
    const client = clientOf(s3);
    await client.send(new PutObjectCommand({ Bucket: "bodies", Key: "k", Body: "x" }));

    // Act: signed an hour and a minute ago, valid for an hour.
    const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: "bodies", Key: "k" }), {
      expiresIn: 3_600,
      signingDate: new Date(Date.now() - 3_660_000),
    });
    const fetched = await fetch(url);

    // Assess
    expect(fetched.status).toBe(403);
    expect(await fetched.text()).toContain("Request has expired");
    client.destroy();
  });

  it("keeps objects and buckets in its data directory across a restart", async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), "s3-local-test-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const first = await startS3Local({ port: 0, dataDir: dir, buckets: ["bodies"] });
    const firstClient = clientOf(first);
    await firstClient.send(new PutObjectCommand({ Bucket: "bodies", Key: "kept", Body: "still here" }));
    firstClient.destroy();
    await first.stop();

    // Act
    const second = await startS3Local({ port: 0, dataDir: dir, buckets: ["bodies"] });
    cleanups.push(() => second.stop());
    const client = clientOf(second);
    const object = await client.send(new GetObjectCommand({ Bucket: "bodies", Key: "kept" }));

    // Assess
    expect(await object.Body?.transformToString()).toBe("still here");
    expect(existsSync(dir)).toBe(true);
    client.destroy();
  });

  it("refuses a taken port with one line naming it", async () => {
    // Prepare
    const { server, port } = await listening();
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));

    // Act
    const refused = await startS3Local({ port, buckets: ["bodies"] }).catch((error: unknown) => error);

    // Assess
    expect(refused).toBeInstanceOf(S3LocalError);
    expect((refused as Error).message).toBe(
      `the S3-compatible server cannot listen on 127.0.0.1:${port} (another process listens there): stop that process or choose another port`,
    );
  });

  it("stops npm start's runtime on a taken S3_PORT with the one-line setting error, before anything listens", async () => {
    // Prepare
    const { server, port } = await listening();
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));

    // Act
    const refused = await startLocalRuntime(loadConfig(localRuntimeEnv({ S3_PORT: String(port) })), { logLevel: "SILENT" }).catch(
      (error: unknown) => error,
    );

    // Assess
    expect(refused).toBeInstanceOf(SettingError);
    expect((refused as Error).message).toBe(
      `S3_PORT=${port} cannot be used (another process listens there): stop that process or choose another port, e.g. S3_PORT=${port + 1} npm start.`,
    );
    expect((refused as Error).message).not.toContain("\n");
  });
});
