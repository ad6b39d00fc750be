/** SesV2EmailSender with the real SDK client against the SES v2 emulator npm start runs, read back over HTTP. */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { EmailRejectedError } from "#adapters/ses/ses-failure.ts";
import { PUSH_KEY_HEADER, SesV2EmailSender } from "#adapters/ses/sesv2-email-sender.ts";
import { type SesLocal, SesLocalPortError, startSesLocal } from "#local/aws/ses-local.ts";
import { header, mailsTo, sesClient } from "#test/support/ses-mail.ts";

let ses: SesLocal;
beforeAll(async () => {
  ses = await startSesLocal({ port: 0 });
});
afterAll(async () => {
  await ses?.stop();
});

describe("SesV2EmailSender", () => {
  it("sends subject, text and HTML from the sender to the address, marked with the push's key", async () => {
    // Prepare
    const to = `${randomUUID()}@example.com`;
    const sender = new SesV2EmailSender("likes@example.com", sesClient(ses));

    // Act
    await sender.send(to, { subject: "3 new likes on “Title”", text: "plain", html: "<p>html</p>" }, "push-key-1");

    // Assess
    const [mail, ...more] = await mailsTo(ses.endpoint, to);
    expect(more).toEqual([]);
    expect(mail).toMatchObject({
      from: "likes@example.com",
      subject: "3 new likes on “Title”",
      body: { text: "plain", html: "<p>html</p>" },
    });
    expect(header(mail!, PUSH_KEY_HEADER)).toBe("push-key-1");
    expect(header(mail!, "References")).toBe("<push-key-1@live-likes>");
  });

  it("says which setting to fix when SES rejects the mail, and passes other failures on as they are", async () => {
    // Prepare: a stand-in answering as SES does for a sandboxed account (400 MessageRejected), then a 404
    let answer = { status: 400, type: "MessageRejected", message: "Email address is not verified." };
    const server = createServer((_request, response) => {
      response.writeHead(answer.status, { "content-type": "application/json", "x-amzn-errortype": answer.type });
      response.end(JSON.stringify({ message: answer.message }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new SESv2Client({
      endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
      maxAttempts: 1,
    });
    const sender = new SesV2EmailSender("likes@example.com", client);
    const message = { subject: "s", text: "t", html: "h" };

    try {
      // Act, Assess
      const rejected = await sender.send("a@example.com", message, "k").catch((error: unknown) => error);
      expect(rejected).toBeInstanceOf(EmailRejectedError);
      expect((rejected as Error).message).toContain("EMAIL_FROM and the recipient must be verified");
      answer = { status: 404, type: "UnknownThing", message: "nope" };
      const other = await sender.send("a@example.com", message, "k").catch((error: unknown) => error);
      expect(other).not.toBeInstanceOf(EmailRejectedError);
      expect((other as Error).name).toBe("UnknownThing");
    } finally {
      server.close();
    }
  });
});

describe("startSesLocal", () => {
  it("serves the page listing the mails at its endpoint", async () => {
    const page = await fetch(`${ses.endpoint}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("aws-ses-v2-local");
  });

  it("refuses a port already in use with an error naming it, instead of crashing the process", async () => {
    const port = Number(new URL(ses.endpoint).port);
    await expect(startSesLocal({ port })).rejects.toThrow(SesLocalPortError);
    await expect(startSesLocal({ port })).rejects.toThrow(`port ${port} is in use`);
  });
});
