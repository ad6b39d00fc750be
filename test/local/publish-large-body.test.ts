/**
 * Large bodies as `npm start` serves them (issue 10): POST /v1/notifications over real HTTP, the
 * body put in the s3rver the runtime started, the item and the events log keeping only its key,
 * real `ws` clients getting `bodyUrl`, and a plain `fetch` of that presigned URL answering the
 * exact bytes; resume, a group, the inline threshold, the 256 KB limit, idempotency and LINE.
 */
import { randomBytes } from "node:crypto";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect } from "vitest";
import { DynamoDbPublishKeyStore } from "#adapters/dynamodb/dynamodb-publish-key-store.ts";
import { hashPublishKey, newPublishKey } from "#domain/publish/publish-keys.ts";
import type { LocalConfig } from "#local/config.ts";
import { S3_LOCAL_CREDENTIALS, S3_LOCAL_REGION } from "#local/aws/s3-local.ts";
import { localDynamoClient } from "#test/support/dynamodb.ts";
import { runtimeTest as it } from "#test/support/runtime-fixture.ts";
import type { TestClient } from "#test/support/ws-client.ts";
import { waitFor } from "#test/support/wait-for.ts";

const FRAME_LIMIT = 32 * 1024;

type Frame = Record<string, unknown>;
/** 202 `{"id","status"}` or an error `{"error":{"field"?,"message"}}`. */
type Answer = { readonly id: string; readonly status?: string; readonly error?: { readonly field?: string; readonly message: string } };

const notificationFrames = (client: TestClient): { frame: Frame; bytes: number }[] =>
  client.frames
    .map((raw) => ({ frame: JSON.parse(raw) as Frame, bytes: Buffer.byteLength(raw, "utf8") }))
    .filter(({ frame }) => frame.type === "notification");

const frameWithId = (client: TestClient, id: string) =>
  waitFor(() => notificationFrames(client).find(({ frame }) => frame.id === id), { what: `frame ${id}` });

/** About `bytes` of text in several scripts, so an encoding slip shows. */
function largeBody(bytes: number): string {
  let body = "";
  for (let line = 0; Buffer.byteLength(body, "utf8") < bytes; line++) body += `line ${line}: ünïcödé ✓ 日本語 🎉 "quoted" \\ back\n`;
  return body;
}

describe("large bodies on the local runtime", () => {
  let base: string;
  let key: string;
  let config: LocalConfig;
  let doc: DynamoDBDocumentClient;
  let s3: S3Client;

  const publish = async (request: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}/v1/notifications`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}`, ...headers },
      body: typeof request === "string" ? request : JSON.stringify(request),
    });
    return { status: response.status, body: (await response.json()) as Answer };
  };

  const objects = async (): Promise<string[]> => {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: config.s3.bucket }));
    return (listed.Contents ?? []).map((object) => object.Key as string).sort();
  };

  const item = async (id: string) =>
    (await doc.send(new GetCommand({ TableName: config.tables.notifications, Key: { id }, ConsistentRead: true }))).Item;

  it.beforeAll(async ({ local }) => {
    // LINE's pace rule would turn this file's few pushes into digests early in a month (quota tests are elsewhere).
    config = local.config({ LINE_MONTHLY_LIMIT: "1000000" });
    const runtime = await local.start(config);
    base = runtime.httpUrl;
    doc = DynamoDBDocumentClient.from(localDynamoClient());
    key = newPublishKey(randomBytes);
    await new DynamoDbPublishKeyStore({ tableName: config.tables.publishKeys, client: doc }).create("ci", hashPublishKey(key), Date.now());
    s3 = new S3Client({
      endpoint: runtime.s3.endpoint,
      forcePathStyle: true,
      region: S3_LOCAL_REGION,
      credentials: { ...S3_LOCAL_CREDENTIALS },
    });
  });

  it("sends a 100 KB body as bodyUrl in a frame under 32 KB, and a plain GET of it answers the exact bytes", async ({ local }) => {
    // Prepare
    const tab = await local.open("alice");
    const body = largeBody(100 * 1024);
    const before = await objects();

    // Act
    const accepted = await publish({ to: "user:alice", title: "Nightly report", body, url: "https://ci.example.com/runs/42" });
    const { frame, bytes } = await frameWithId(tab, accepted.body.id);
    const fetched = await fetch(frame.bodyUrl as string);

    // Assess
    expect(accepted.status).toBe(202);
    expect(Object.keys(frame)).toEqual(["type", "id", "to", "title", "url", "bodyUrl", "at"]);
    expect(bytes).toBeLessThanOrEqual(FRAME_LIMIT);
    expect(fetched.status).toBe(200);
    expect(Buffer.from(await fetched.arrayBuffer()).equals(Buffer.from(body, "utf8"))).toBe(true);
    // The item and the events log keep the key, never the body or a URL that expires.
    const stored = await item(accepted.body.id);
    expect(stored).toMatchObject({ bodyKey: expect.stringMatching(/^bodies\/[0-9a-f]{64}$/) });
    expect(stored).not.toHaveProperty("body");
    expect(stored).not.toHaveProperty("bodyUrl");
    expect(await objects()).toEqual([...before, stored?.bodyKey].sort());
    const logged = await doc.send(
      new QueryCommand({
        TableName: config.tables.events,
        KeyConditionExpression: "userId = :user AND id = :id",
        ExpressionAttributeValues: { ":user": "alice", ":id": accepted.body.id },
      }),
    );
    expect(logged.Items?.[0]).toMatchObject({ bodyKey: stored?.bodyKey });
    expect(logged.Items?.[0]).not.toHaveProperty("bodyUrl");
    expect(logged.Items?.[0]).not.toHaveProperty("body");
  });

  it("replays it on resume with a URL presigned then, which answers the body", async ({ local }) => {
    // Prepare
    const body = largeBody(60 * 1024);
    const accepted = await publish({ to: "user:erin", title: "Archived", body });
    // Delivered (to nobody live) once the receipt is written.
    await waitFor(async () => ((await item(accepted.body.id))?.delivery ? true : undefined), { what: "delivery" });
    const tab = await local.open("erin");

    // Act
    tab.socket.send('{"action":"resume","since":"0"}');
    const { frame, bytes } = await frameWithId(tab, accepted.body.id);
    const fetched = await fetch(frame.bodyUrl as string);

    // Assess
    expect(frame).not.toHaveProperty("body");
    expect(bytes).toBeLessThanOrEqual(FRAME_LIMIT);
    expect(new URL(frame.bodyUrl as string).searchParams.get("X-Amz-Expires")).toBe("7200");
    expect(fetched.status).toBe(200);
    expect(await fetched.text()).toBe(body);
  });

  it("puts a group message's body in one object that every member's frame points at", async ({ local }) => {
    // Prepare
    for (const member of ["gus", "hal"]) {
      const added = await fetch(`${base}/v1/groups/big-readers/members/${member}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${key}` },
      });
      expect(added.status).toBe(201);
    }
    const [gus, hal] = [await local.open("gus"), await local.open("hal")];
    const body = largeBody(80 * 1024);
    const before = await objects();

    // Act
    const accepted = await publish({ to: "group:big-readers", title: "For the group", body });
    const framesOf = (tab: TestClient) => waitFor(() => notificationFrames(tab).find(({ frame }) => frame.title === "For the group"));
    const [toGus, toHal] = [await framesOf(gus), await framesOf(hal)];

    // Assess
    expect(accepted.status).toBe(202);
    const after = await objects();
    expect(after.length).toBe(before.length + 1);
    const objectOf = (frame: Frame) => new URL(frame.bodyUrl as string).pathname;
    expect(objectOf(toGus.frame)).toBe(objectOf(toHal.frame));
    expect(objectOf(toGus.frame)).toBe(`/${config.s3.bucket}/${(await item(accepted.body.id))?.bodyKey}`);
    expect(await (await fetch(toHal.frame.bodyUrl as string)).text()).toBe(body);
  });

  it("keeps a body inline while the frame is exactly 32 KB, and moves it to S3 one byte later", async ({ local }) => {
    // Prepare: the frame's bytes besides the body, for a user "dave" and the title "T".
    const tab = await local.open("dave");
    const overhead = Buffer.byteLength(
      JSON.stringify({ type: "notification", id: "0".repeat(40), to: "user:dave", title: "T", body: "", at: new Date().toISOString() }),
    );
    const atLimit = "a".repeat(FRAME_LIMIT - overhead);
    const before = await objects();

    // Act
    const inline = await publish({ to: "user:dave", title: "T", body: atLimit });
    const over = await publish({ to: "user:dave", title: "T", body: `${atLimit}b` });
    const inlineFrame = await frameWithId(tab, inline.body.id);
    const overFrame = await frameWithId(tab, over.body.id);

    // Assess
    expect(inlineFrame.bytes).toBe(FRAME_LIMIT);
    expect(inlineFrame.frame.body).toBe(atLimit);
    expect(inlineFrame.frame).not.toHaveProperty("bodyUrl");
    expect(overFrame.frame).not.toHaveProperty("body");
    expect(await (await fetch(overFrame.frame.bodyUrl as string)).text()).toBe(`${atLimit}b`);
    expect((await objects()).length).toBe(before.length + 1);
  });

  it("refuses a body over 256 KB with 413 and writes nothing, neither item nor object", async () => {
    // Prepare
    const itemsBefore = (await doc.send(new ScanCommand({ TableName: config.tables.notifications, Select: "COUNT" }))).Count;
    const objectsBefore = await objects();

    // Act
    const refused = await publish(
      { to: "user:frank", title: "Too much", body: "x".repeat(256 * 1024 + 1) },
      { "Idempotency-Key": "too-big" },
    );

    // Assess
    expect(refused).toEqual({ status: 413, body: { error: { field: "body", message: "body must be at most 256 KB" } } });
    expect((await doc.send(new ScanCommand({ TableName: config.tables.notifications, Select: "COUNT" }))).Count).toBe(itemsBefore);
    expect(await objects()).toEqual(objectsBefore);
  });

  it("answers a repeat with the same Idempotency-Key with the same id and no second object", async () => {
    // Prepare
    const request = JSON.stringify({ to: "user:ivy", title: "Once", body: largeBody(40 * 1024) });
    const before = await objects();

    // Act
    const first = await publish(request, { "Idempotency-Key": "large-once" });
    const again = await publish(request, { "Idempotency-Key": "large-once" });

    // Assess
    expect(first.status).toBe(202);
    expect(again).toEqual({ status: 202, body: first.body });
    expect((await objects()).length).toBe(before.length + 1);
  });

  it("pushes LINE the title, url and the body's link, never the body", async ({ local }) => {
    // Prepare: nobody of "jo" is connected, so LINE (fallback) carries it.
    const body = largeBody(50 * 1024);
    const linesBefore = local.line.deliveries.length;

    // Act
    const accepted = await publish({ to: "user:jo", title: "Build broke", body, url: "https://ci.example.com/runs/43" });
    const delivery = await waitFor(async () => (await item(accepted.body.id))?.delivery, { what: "the receipt" });
    const push = local.line.deliveries.slice(linesBefore).find((sent) => sent.texts.join("").includes("Build broke"));

    // Assess
    expect(accepted.status).toBe(202);
    expect(delivery).toMatchObject({ live: 0, line: "sent" });
    const text = push?.texts.join("\n") ?? "";
    expect(text).toContain("https://ci.example.com/runs/43");
    const link = /Full text: (\S+)/.exec(text)?.[1] as string;
    expect(await (await fetch(link)).text()).toBe(body);
    expect(text).not.toContain("line 0: ünïcödé");
    expect(text.length).toBeLessThan(5 * 5000);
  });
});
