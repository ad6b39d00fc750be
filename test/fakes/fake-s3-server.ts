/**
 * A small S3 on 127.0.0.1 (port 0), path-style, speaking the three operations a failure replay
 * needs, as the S3 API reference writes them:
 * - ListObjectsV2 `GET /{bucket}?list-type=2[&prefix][&max-keys][&continuation-token]`: XML
 *   `ListBucketResult` with `Contents` in key order, `KeyCount`, `IsTruncated` and
 *   `NextContinuationToken` (an opaque token) when more remain (1,000 keys a page unless asked less);
 * - GetObject `GET /{bucket}/{key}`: the bytes, with `ETag`, `Content-Length`, `Last-Modified`;
 * - DeleteObject `DELETE /{bucket}/{key}`: 204, also for a key that does not exist.
 * Errors are S3's XML `<Error><Code>…` bodies: `NoSuchBucket` (404), `NoSuchKey` (404). Requests
 * are not authenticated. Point the real SDK at it with `endpoint` and `forcePathStyle: true`.
 *
 * @example
 * const s3 = await FakeS3Server.start();
 * s3.put("failures", "aws/lambda/uuid/shard/2026/01/01/x", JSON.stringify(record));
 * const client = new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: "us-east-1", credentials });
 */
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

interface StoredObject {
  readonly body: Buffer;
  readonly etag: string;
  readonly lastModified: Date;
}

/** One request the fake answered. */
export interface S3RequestSeen {
  readonly method: string;
  readonly bucket: string;
  readonly key?: string;
  readonly status: number;
}

const MAX_KEYS = 1_000;

export class FakeS3Server {
  readonly requests: S3RequestSeen[] = [];
  /** Keys per ListObjectsV2 page at most (S3: 1,000); lower it to make a client page. */
  pageSize = MAX_KEYS;
  private readonly buckets = new Map<string, Map<string, StoredObject>>();
  /** Continuation tokens handed out: token → the key after which the next page starts. */
  private readonly tokens = new Map<string, string>();

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async start(): Promise<FakeS3Server> {
    let fake!: FakeS3Server;
    const server = createServer((req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    fake = new FakeS3Server(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return fake;
  }

  createBucket(bucket: string): void {
    if (!this.buckets.has(bucket)) this.buckets.set(bucket, new Map());
  }

  /** Stores an object (creating its bucket), as Lambda's on-failure destination would. */
  put(bucket: string, key: string, body: string): void {
    this.createBucket(bucket);
    const bytes = Buffer.from(body);
    this.buckets
      .get(bucket)!
      .set(key, { body: bytes, etag: `"${createHash("md5").update(bytes).digest("hex")}"`, lastModified: new Date() });
  }

  keys(bucket: string): string[] {
    return [...(this.buckets.get(bucket)?.keys() ?? [])].sort();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for await (const _ of req); // drain any body
    const url = new URL(req.url ?? "/", this.endpoint);
    const [, rawBucket = "", ...rest] = url.pathname.split("/");
    const bucket = decodeURIComponent(rawBucket);
    // "/bucket" and "/bucket/" both name the bucket itself.
    const joined = rest.map(decodeURIComponent).join("/");
    const key = joined === "" ? undefined : joined;
    const method = req.method ?? "GET";
    const answer = (status: number, body: string | Buffer = "", headers: Record<string, string> = {}) => {
      this.requests.push({ method, bucket, ...(key !== undefined ? { key } : {}), status });
      res.writeHead(status, { "x-amz-request-id": randomUUID(), ...headers });
      res.end(body);
    };
    const error = (status: number, code: string, message: string) =>
      answer(
        status,
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>` +
          `<${key === undefined ? "BucketName" : "Key"}>${escapeXml(key ?? bucket)}</${key === undefined ? "BucketName" : "Key"}></Error>`,
        { "content-type": "application/xml" },
      );

    const objects = this.buckets.get(bucket);
    if (!objects) return error(404, "NoSuchBucket", "The specified bucket does not exist");
    if (key === undefined) {
      if (method !== "GET" || url.searchParams.get("list-type") !== "2")
        return error(501, "NotImplemented", "Only ListObjectsV2 is implemented");
      return answer(200, this.list(bucket, objects, url.searchParams), { "content-type": "application/xml" });
    }
    if (method === "DELETE") {
      objects.delete(key);
      return answer(204);
    }
    if (method === "GET") {
      const object = objects.get(key);
      if (!object) return error(404, "NoSuchKey", "The specified key does not exist.");
      return answer(200, object.body, {
        "content-type": "application/octet-stream",
        "content-length": String(object.body.length),
        etag: object.etag,
        "last-modified": object.lastModified.toUTCString(),
      });
    }
    return error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
  }

  private list(bucket: string, objects: Map<string, StoredObject>, params: URLSearchParams): string {
    const prefix = params.get("prefix") ?? "";
    const maxKeys = Math.min(this.pageSize, Number(params.get("max-keys") ?? MAX_KEYS));
    const token = params.get("continuation-token");
    const after = token ? this.tokens.get(token) : undefined;
    const matching = [...objects.keys()].sort().filter((key) => key.startsWith(prefix) && (after === undefined || key > after));
    const page = matching.slice(0, maxKeys);
    const truncated = matching.length > page.length;
    let next = "";
    if (truncated) {
      const nextToken = Buffer.from(randomUUID()).toString("base64");
      this.tokens.set(nextToken, page.at(-1)!);
      next = `<NextContinuationToken>${nextToken}</NextContinuationToken>`;
    }
    const contents = page
      .map((key) => {
        const object = objects.get(key)!;
        return (
          `<Contents><Key>${escapeXml(key)}</Key><LastModified>${object.lastModified.toISOString()}</LastModified>` +
          `<ETag>${escapeXml(object.etag)}</ETag><Size>${object.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`
        );
      })
      .join("");
    return (
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
      `<Name>${escapeXml(bucket)}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount>` +
      `<MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>` +
      (token ? `<ContinuationToken>${escapeXml(token)}</ContinuationToken>` : "") +
      `${next}${contents}</ListBucketResult>`
    );
  }
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}
