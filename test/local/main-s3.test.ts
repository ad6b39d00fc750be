/**
 * `npm start` and its S3-compatible server, as a user meets them (node --import tsx
 * src/local/main.ts on the run's DynamoDB Local): the banner names it, objects persist in
 * DATA_DIR/s3 across a restart, and a taken S3_PORT stops the start in one line.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { S3_LOCAL_CREDENTIALS, S3_LOCAL_REGION } from "#local/aws/s3-local.ts";
import { FakeQiitaServer } from "#test/fakes/fake-qiita-server.ts";
import { localRuntimeEnv } from "#test/support/local-runtime.ts";
import { type NpmStart, killNpmStarts, startNpmStart } from "#test/support/npm-start-process.ts";
import { waitFor } from "#test/support/wait-for.ts";

const BANNER_S3 = /S3 \(large bodies\): {2}(http:\/\/127\.0\.0\.1:(\d+)) {2}\(bucket live-likes-bodies, path-style; s3rver started here\)/;

/** The S3 endpoint the banner printed. */
const s3Endpoint = ({ output }: NpmStart) =>
  waitFor(() => BANNER_S3.exec(output.stdout)?.[1], {
    timeoutMs: 30_000,
    what: `the banner's S3 line (stdout: ${output.stdout}, stderr: ${output.stderr})`,
  });

const clientFor = (endpoint: string) =>
  new S3Client({ endpoint, forcePathStyle: true, region: S3_LOCAL_REGION, credentials: { ...S3_LOCAL_CREDENTIALS } });

let qiita: FakeQiitaServer;
let dataDir: string;

beforeAll(async () => {
  qiita = await FakeQiitaServer.start();
  qiita.addUser("writer", "qiita-token");
});
afterAll(async () => {
  await qiita.close();
});
afterEach(async () => {
  killNpmStarts();
  await rm(dataDir, { recursive: true, force: true });
});

const env = (overrides: Record<string, string> = {}) =>
  localRuntimeEnv({ DATA_DIR: dataDir, QIITA_TOKEN: "qiita-token", QIITA_BASE_URL: qiita.baseUrl, ...overrides });

describe("npm start's S3-compatible server", () => {
  it("prints it in the banner, keeps its objects in DATA_DIR/s3 across a restart, and stops it with npm start", async () => {
    // Prepare
    dataDir = await mkdtemp(join(tmpdir(), "live-likes-s3-"));
    const first = startNpmStart(env());
    const endpoint = await s3Endpoint(first);
    const client = clientFor(endpoint);
    await client.send(new PutObjectCommand({ Bucket: "live-likes-bodies", Key: "bodies/kept", Body: "across restarts" }));

    // Act
    first.child.kill("SIGINT");
    const firstExit = await first.exited;
    const refusedWhileStopped = await fetch(`${endpoint}/live-likes-bodies/bodies/kept`).then(
      () => "answered",
      () => "refused",
    );
    const second = startNpmStart(env());
    const again = clientFor(await s3Endpoint(second));
    const object = await again.send(new GetObjectCommand({ Bucket: "live-likes-bodies", Key: "bodies/kept" }));

    // Assess
    expect(firstExit).toBe(0);
    expect(refusedWhileStopped).toBe("refused");
    expect(existsSync(join(dataDir, "s3"))).toBe(true);
    expect(await object.Body?.transformToString()).toBe("across restarts");
    client.destroy();
    again.destroy();
  }, 90_000);

  it("refuses a taken S3_PORT in one line naming it, without a stack", async () => {
    // Prepare
    dataDir = await mkdtemp(join(tmpdir(), "live-likes-s3-"));
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };

    // Act
    const refused = startNpmStart(env({ S3_PORT: String(port) }));
    const code = await refused.exited;
    await new Promise<void>((resolve) => server.close(() => resolve()));

    // Assess
    expect(code).toBe(1);
    expect(refused.output.stderr.trim()).toBe(
      `Cannot start: S3_PORT=${port} cannot be used (another process listens there): stop that process or choose another port, e.g. S3_PORT=${port + 1} npm start.`,
    );
  }, 60_000);
});
