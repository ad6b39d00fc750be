/**
 * E-mail and each person's channel choices as `npm start` serves them: the SES v2 emulator it
 * starts (mails read back over the emulator's own HTTP API), `PUT`/`GET /v1/users/USER_ID/preferences`
 * over real HTTP, the page's `{"action":"preferences"}` over a real socket, and the receipt's "email".
 */
import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect } from "vitest";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoDbPublishKeyStore } from "#adapters/dynamodb/dynamodb-publish-key-store.ts";
import { hashPublishKey, newPublishKey } from "#domain/publish/publish-keys.ts";
import { localDynamoClient } from "#test/support/dynamodb.ts";
import { runtimeTest as it, WITHOUT_LINE, WRITER } from "#test/support/runtime-fixture.ts";
import { mailsTo } from "#test/support/ses-mail.ts";
import { waitFor } from "#test/support/wait-for.ts";
import type { TestClient } from "#test/support/ws-client.ts";

/** What the API and the socket answer, as far as these tests read it. */
interface Answer {
  readonly [field: string]: unknown;
  readonly id?: string;
  readonly status?: string;
  readonly message?: string;
  readonly error?: { readonly field?: string; readonly message: string };
  readonly preferences?: Readonly<Record<string, unknown>>;
  readonly deliveries?: unknown;
}

const framesOfType = (client: TestClient, type: string) =>
  client.frames.map((frame) => JSON.parse(frame) as Answer).filter((frame) => frame.type === type);

describe("e-mail and preferences on the local runtime", () => {
  const run = randomUUID().slice(0, 8);
  const address = (userId: string) => `${userId}.${run}@example.com`;
  let base: string;
  let ses: string;
  let key: string;

  const call = async (method: string, path: string, init: { body?: unknown; key?: string | null } = {}) => {
    const authorization: Record<string, string> = init.key === null ? {} : { authorization: `Bearer ${init.key ?? key}` };
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { "content-type": "application/json", ...authorization },
      ...(init.body !== undefined ? { body: typeof init.body === "string" ? init.body : JSON.stringify(init.body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Answer) : undefined };
  };
  const receiptOf = (id: string | undefined) =>
    waitFor(
      async () => {
        const answer = await call("GET", `/v1/notifications/${id}`);
        return answer.body?.status === "sent" ? answer.body : undefined;
      },
      { what: `the receipt of ${id}` },
    );
  const defaults = { line: "fallback", email: "fallback", timeZone: "Asia/Tokyo", digestHour: 8 };

  it.beforeAll(async ({ local }) => {
    const config = local.config({ ...WITHOUT_LINE, EMAIL_TO: address(WRITER), EMAIL_FROM: "likes@example.com", TIME_ZONE: "Asia/Tokyo" });
    const runtime = await local.start(config);
    base = runtime.httpUrl;
    ses = runtime.ses.endpoint;
    expect(runtime.ses.started).toBe(true);
    const keys = new DynamoDbPublishKeyStore({
      tableName: config.tables.publishKeys,
      client: DynamoDBDocumentClient.from(localDynamoClient()),
    });
    key = newPublishKey(randomBytes);
    await keys.create("ci", hashPublishKey(key), Date.now());
  });

  it("GET answers the defaults for someone who never chose (EMAIL_TO for the user served here); 401 without a key", async () => {
    expect(await call("GET", "/v1/users/alice/preferences")).toEqual({ status: 200, body: { userId: "alice", preferences: defaults } });
    expect(await call("GET", `/v1/users/${WRITER}/preferences`)).toEqual({
      status: 200,
      body: { userId: WRITER, preferences: { ...defaults, emailAddress: address(WRITER) } },
    });
    for (const method of ["GET", "PUT"]) {
      const answer = await call(method, "/v1/users/alice/preferences", {
        key: null,
        ...(method === "PUT" ? { body: { line: "off" } } : {}),
      });
      expect(answer).toEqual({ status: 401, body: { error: { message: expect.any(String) } } });
    }
    expect((await call("DELETE", "/v1/users/alice/preferences")).status).toBe(405);
  });

  it("PUT refuses a bad field with 400 naming it and writes nothing; a good one answers 200 with the effective preferences", async () => {
    // Act, Assess: each field refused on its own, a valid field beside it not kept
    const refusals: [unknown, string][] = [
      [{ line: "loud" }, "line"],
      [{ email: "sometimes" }, "email"],
      [{ emailAddress: "bob-at-example" }, "emailAddress"],
      [{ timeZone: "Nowhere/Town" }, "timeZone"],
      [{ digestHour: 24 }, "digestHour"],
      [{ volume: 11 }, "volume"],
      ["{not json", "body"],
    ];
    for (const [body, field] of refusals) {
      const withGood = typeof body === "object" ? { email: "always", ...body } : body;
      const answer = await call("PUT", "/v1/users/bob/preferences", { body: withGood });
      expect(answer).toEqual({ status: 400, body: { error: { field, message: expect.any(String) } } });
    }
    expect((await call("PUT", "/v1/users/not%20valid/preferences", { body: { line: "off" } })).body?.error?.field).toBe("userId");
    expect((await call("GET", "/v1/users/bob/preferences")).body?.preferences).toEqual(defaults);

    // A valid change
    const changed = await call("PUT", "/v1/users/bob/preferences", {
      body: { line: "off", email: "always", emailAddress: address("bob"), timeZone: "Europe/Paris", digestHour: 18 },
    });
    expect(changed).toEqual({
      status: 200,
      body: {
        userId: "bob",
        preferences: { line: "off", email: "always", emailAddress: address("bob"), timeZone: "Europe/Paris", digestHour: 18 },
      },
    });
    const cleared = await call("PUT", "/v1/users/bob/preferences", { body: { emailAddress: null } });
    expect(cleared.body?.preferences).toEqual({ line: "off", email: "always", timeZone: "Europe/Paris", digestHour: 18 });
  });

  it("the page reads and changes its own user's preferences, and only those", async ({ local }) => {
    // Prepare
    const tab = await local.open("carol");

    // Act: read, change, a refused change
    tab.socket.send('{"action":"preferences"}');
    await waitFor(() => (framesOfType(tab, "preferences").length === 1 ? true : undefined), { what: "the preferences frame" });
    tab.socket.send(JSON.stringify({ action: "preferences", set: { email: "always", emailAddress: address("carol") } }));
    await waitFor(() => (framesOfType(tab, "preferences").length === 2 ? true : undefined), { what: "the changed preferences" });
    tab.socket.send(JSON.stringify({ action: "preferences", set: { digestHour: 30 } }));
    await waitFor(() => (framesOfType(tab, "error").length === 1 ? true : undefined), { what: "the refusal" });

    // Assess
    const [first, second] = framesOfType(tab, "preferences");
    expect(first).toEqual({ type: "preferences", preferences: defaults });
    expect(second).toEqual({ type: "preferences", preferences: { ...defaults, email: "always", emailAddress: address("carol") } });
    expect(framesOfType(tab, "error")[0]?.message).toContain("digestHour");
    expect((await call("GET", "/v1/users/carol/preferences")).body?.preferences?.digestHour).toBe(8);
    expect((await call("GET", "/v1/users/alice/preferences")).body?.preferences).toEqual(defaults);
  });

  it("mails a published notification by the recipient's choice, and the receipt says what e-mail did", async ({ local }) => {
    // Prepare: dave wants every mail; erin has a tab open and keeps fallback
    await call("PUT", "/v1/users/dave/preferences", { body: { email: "always", emailAddress: address("dave") } });
    await call("PUT", "/v1/users/erin/preferences", { body: { emailAddress: address("erin") } });
    await local.open("erin");

    // Act
    const toDave = await call("POST", "/v1/notifications", { body: { to: "user:dave", title: "Invoice <#42> ready", body: "Pay & go" } });
    const toErin = await call("POST", "/v1/notifications", { body: { to: "user:erin", title: "Seen live" } });
    const toNobody = await call("POST", "/v1/notifications", { body: { to: "user:frank", title: "No address" } });

    // Assess
    expect((await receiptOf(toDave.body?.id)).deliveries).toEqual({ live: 0, line: "not-configured", email: "sent" });
    expect((await receiptOf(toErin.body?.id)).deliveries).toEqual({ live: 1, line: "not-needed", email: "not-needed" });
    expect((await receiptOf(toNobody.body?.id)).deliveries).toEqual({ live: 0, line: "not-configured", email: "not-configured" });
    const [mail, ...more] = await mailsTo(ses, address("dave"));
    expect(more).toEqual([]);
    expect(mail).toMatchObject({ from: "likes@example.com", subject: "Invoice <#42> ready" });
    expect(mail!.body.html).toContain("Invoice &#60;#42&#62; ready");
    expect(mail!.body.html).toContain(`href="${base}/"`);
    expect(mail!.body.text).toContain("Pay & go");
    expect(await mailsTo(ses, address("erin"))).toEqual([]);
  });

  it("mails the writer's likes to EMAIL_TO while no tab is open", async ({ local }) => {
    // Prepare
    const [itemId] = local.qiita.addArticles(WRITER, 1) as [string];
    await local.runtime.collectNow();

    // Act
    local.qiita.like(itemId, "fan");
    await local.runtime.collectNow();

    // Assess
    const mails = await waitFor(
      async () => {
        const found = await mailsTo(ses, address(WRITER));
        return found.length > 0 ? found : undefined;
      },
      { what: "the like's mail" },
    );
    expect(mails.map((mail) => mail.subject)).toEqual([expect.stringMatching(/^1 new like on “.+”$/)]);
  });
});
