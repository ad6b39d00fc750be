/**
 * BodyStore on an S3 bucket: a body is one object (UTF-8 text), read by whoever holds its
 * presigned GET URL. Presigning is computed here, with the client's credentials, and calls
 * nothing; a URL ends after `urlSeconds` or when those credentials expire, whichever is first
 * (on Lambda: the function role's session, docs/ARCHITECTURE.md "S3 bodies").
 *
 * @example
 *   const bodies = new S3BodyStore({ bucket: "live-likes-bodies" });
 *   await bodies.put("bodies/3f2a…", body);
 *   const url = await bodies.urlFor("bodies/3f2a…"); // GET answers the body for 2 h
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { BodyStore } from "#domain/ports.ts";

/** Twice the contract's hour: a frame read a little late, or a slow click, still opens. */
export const BODY_URL_SECONDS = 2 * 3_600;

export class S3BodyStore implements BodyStore {
  private readonly bucket: string;
  private readonly client: S3Client;
  private readonly urlSeconds: number;

  constructor(options: { bucket: string; client?: S3Client; urlSeconds?: number }) {
    this.bucket = options.bucket;
    this.client = options.client ?? new S3Client({});
    this.urlSeconds = options.urlSeconds ?? BODY_URL_SECONDS;
  }

  async put(key: string, body: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        // A browser opening the URL shows the text as the publisher wrote it.
        ContentType: "text/plain; charset=utf-8",
      }),
    );
  }

  urlFor(key: string): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: this.urlSeconds });
  }
}
