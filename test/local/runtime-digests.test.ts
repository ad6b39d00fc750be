/**
 * Daily digests in the local runtime as `npm start` wires it (fake Qiita, fake LINE, DynamoDB
 * Local), under a clock the test sets: a like owed to a digest reaches LINE at the user's digest
 * hour, not before; a runtime stopped across the hour sends it when it starts, once, and no later
 * run or restart sends it again; an e-mail digest reaches the SES emulator the same way.
 */
import { describe, expect } from "vitest";
import { DynamoDbPreferenceStore } from "#adapters/dynamodb/dynamodb-preference-store.ts";
import { createDocumentClient } from "#adapters/dynamodb/document-client.ts";
import type { LocalConfig } from "#local/config.ts";
import { localDynamoClient } from "#test/support/dynamodb.ts";
import { LINE_TO, runtimeTest as it, WITHOUT_LINE, WRITER as writer } from "#test/support/runtime-fixture.ts";
import { mailsTo } from "#test/support/ses-mail.ts";
import { waitFor } from "#test/support/wait-for.ts";

/** 08:30 and 09:30 on 2026-11-30 in Tokyo (TIME_ZONE's default); DIGEST_HOUR is 9. */
const BEFORE_HOUR = Date.parse("2026-11-29T23:30:00Z");
const AFTER_HOUR = Date.parse("2026-11-30T00:30:00Z");

describe("local runtime, daily digests", () => {
  let config: LocalConfig;
  let now = BEFORE_HOUR;
  const clock = () => now;

  it("sends the digest at its hour, at the next start when the runtime was stopped across it, and once", async ({ local }) => {
    // Prepare: the writer chose a LINE digest at 09:00; a baseline, then a like while no tab is open
    config = local.config({ DIGEST_HOUR: "9" });
    const [itemId] = local.qiita.addArticles(writer, 1, { likers: 1 }) as [string];
    let runtime = await local.start(config, { clock });
    // The table exists once the runtime made it.
    const client = localDynamoClient();
    await new DynamoDbPreferenceStore({ tableName: config.tables.preferences, client: createDocumentClient(client) }).update(writer, {
      line: "digest",
    });
    await runtime.collectNow();
    local.qiita.like(itemId, "morning-fan");
    await runtime.collectNow();
    await runtime.poller.drained();

    // Act 1: before the hour, nothing goes out
    const early = await runtime.digests.runNow();
    await local.stop();

    // Act 2: started again after the hour: the start's own run sends it
    now = AFTER_HOUR;
    runtime = await local.start(config, { clock });
    const [digest] = await waitFor(() => (local.line.deliveries.length ? local.line.deliveries : undefined), {
      timeoutMs: 10_000,
      what: "the digest at start",
    });
    const again = await runtime.digests.runNow();
    await local.stop();
    runtime = await local.start(config, { clock });
    const afterRestart = await runtime.digests.runNow();

    // Assess
    expect(early).toMatchObject({ digests: 0, pushes: 0, problems: [] });
    expect(digest?.to).toBe(LINE_TO);
    expect(digest?.texts[0]).toMatch(/^📬 Your digest for 2026-11-30\n👍 1 new like\n\n/);
    expect(digest?.texts.join("\n")).toContain("morning-fan");
    expect([again.pushes, afterRestart.pushes]).toEqual([0, 0]);
    expect(local.line.deliveries).toHaveLength(1);
    client.destroy();
  }, 90_000);

  it("mails the e-mail digest through the SES emulator at the hour, once", async ({ local }) => {
    // Prepare: no LINE; the writer's e-mail (EMAIL_TO) in digest mode, a like owed at 08:30
    now = BEFORE_HOUR;
    const address = `digest-${Date.now()}@example.com`;
    const mailConfig = local.config({ ...WITHOUT_LINE, EMAIL_TO: address, DIGEST_HOUR: "9" });
    const [itemId] = local.qiita.addArticles(writer, 1, { likers: 1 }) as [string];
    const runtime = await local.start(mailConfig, { clock });
    const client = localDynamoClient();
    await new DynamoDbPreferenceStore({ tableName: mailConfig.tables.preferences, client: createDocumentClient(client) }).update(writer, {
      email: "digest",
    });
    await runtime.collectNow();
    local.qiita.like(itemId, "mail-fan");
    await runtime.collectNow();
    await runtime.poller.drained();

    // Act
    const early = await runtime.digests.runNow();
    now = AFTER_HOUR;
    const atHour = await runtime.digests.runNow();
    const again = await runtime.digests.runNow();

    // Assess
    expect(early.pushes).toBe(0);
    expect(atHour).toMatchObject({ digests: 1, pushes: 1, problems: [] });
    expect(again.pushes).toBe(0);
    const mails = await mailsTo(runtime.ses.endpoint, address);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toMatch(/^Your live-likes digest for 2026-11-30: /);
    expect(mails[0]?.body.text).toContain("mail-fan");
    client.destroy();
  }, 90_000);
});
