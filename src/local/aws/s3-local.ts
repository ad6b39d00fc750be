/**
 * Starts an S3-compatible server for this machine only (`s3rver`, in this process) with the
 * buckets asked for, so the ordinary `@aws-sdk/client-s3` calls (path-style) and presigned GET
 * URLs work on a laptop as in AWS.
 *
 * 1. Bound to 127.0.0.1. Objects kept under `dataDir`, or in a temporary directory removed at stop.
 * 2. The buckets exist once it resolves (created when missing, kept when there).
 * 3. A port already taken rejects with an S3LocalError whose message is one line naming it.
 *
 * Not S3: s3rver checks a presigned URL's expiry but not its SigV4 signature, and answers an
 * unsigned GET too; it knows no lifecycle rules (objects stay until deleted). See README.md.
 *
 * @example
 * const s3 = await startS3Local({ port: 4569, buckets: ["bodies"] });
 * const client = new S3Client({ endpoint: s3.endpoint, region: s3.region, credentials: s3.credentials,
 *   forcePathStyle: true });
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import S3rver from "s3rver";

/** s3rver's one account: a request signed with another access key id is refused (InvalidAccessKeyId). */
export const S3_LOCAL_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;
/** Any region signs; this one is what presigned URLs name. */
export const S3_LOCAL_REGION = "us-east-1";

export interface S3Local {
  /** http://127.0.0.1:PORT, for `endpoint` with `forcePathStyle: true`. */
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Where the objects are kept (a temporary directory in memory mode). */
  readonly directory: string;
  stop(): Promise<void>;
}

export interface S3LocalOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** A directory to keep objects in, or undefined: a temporary one removed at stop. */
  readonly dataDir?: string;
  readonly buckets: readonly string[];
}

/** The S3-compatible server could not be started. The message is one line saying what to do. */
export class S3LocalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "S3LocalError";
  }
}

export async function startS3Local(options: S3LocalOptions): Promise<S3Local> {
  const temporary = options.dataDir === undefined;
  const directory = temporary ? mkdtempSync(join(tmpdir(), "s3-local-")) : resolve(options.dataDir as string);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const s3rver = new S3rver({
    directory,
    silent: true,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [] })),
  });
  const removeTemporary = () => {
    if (temporary) rmSync(directory, { recursive: true, force: true });
  };
  // s3rver's own run() never settles when listen fails (the error escapes as an uncaught
  // exception), so this listens itself with s3rver's request handler.
  const server = createServer(s3rver.callback());
  let port: number;
  try {
    await s3rver.configureBuckets();
    port = await new Promise<number>((resolveListen, reject) => {
      server.once("error", reject);
      server.listen(options.port, "127.0.0.1", () => {
        server.off("error", reject);
        resolveListen((server.address() as AddressInfo).port);
      });
    });
  } catch (error) {
    removeTemporary();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES") {
      throw new S3LocalError(
        `the S3-compatible server cannot listen on 127.0.0.1:${options.port} (${code === "EADDRINUSE" ? "another process listens there" : "permission denied"}): stop that process or choose another port`,
      );
    }
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    region: S3_LOCAL_REGION,
    credentials: S3_LOCAL_CREDENTIALS,
    directory,
    stop: () => {
      stopped ??= new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        // Keep-alive sockets of SDK clients would hold close() open.
        server.closeAllConnections();
      }).finally(removeTemporary);
      return stopped;
    },
  };
}
