import { describe, expect, it } from "vitest";
import type { PreferenceStore } from "#domain/ports.ts";
import type { PreferenceChanges, Preferences, StoredPreferences } from "#domain/preferences/preferences.ts";
import { readPreferences, updatePreferences } from "#domain/preferences/update-preferences.ts";

/** The store port in memory, counting writes so a refusal can be shown to write nothing. */
class MemoryPreferences implements PreferenceStore {
  readonly rows = new Map<string, StoredPreferences>();
  writes = 0;
  async get(userId: string) {
    return this.rows.get(userId);
  }
  async update(userId: string, changes: PreferenceChanges) {
    this.writes++;
    const next: Record<string, unknown> = { ...this.rows.get(userId) };
    for (const [field, value] of Object.entries(changes)) {
      if (value === null) delete next[field];
      else if (value !== undefined) next[field] = value;
    }
    this.rows.set(userId, next as StoredPreferences);
    return next as StoredPreferences;
  }
}

const defaults: Preferences = { line: "fallback", email: "fallback", timeZone: "UTC", digestHour: 8 };

function ports() {
  const store = new MemoryPreferences();
  return { store, defaultsFor: () => defaults };
}

describe("readPreferences", () => {
  it("answers the defaults for someone who never chose", async () => {
    expect(await readPreferences("alice", ports())).toEqual({ ok: true, preferences: defaults });
  });
});

describe("updatePreferences", () => {
  it("keeps what was given, answers it over the defaults, and forgets an address set to null", async () => {
    // Prepare
    const p = ports();

    // Act
    const first = await updatePreferences(
      "alice",
      { email: "always", emailAddress: " alice@example.com ", timeZone: "Asia/Tokyo", digestHour: 0 },
      p,
    );
    const second = await updatePreferences("alice", { line: "off", emailAddress: null }, p);

    // Assess
    expect(first).toEqual({
      ok: true,
      preferences: { line: "fallback", email: "always", emailAddress: "alice@example.com", timeZone: "Asia/Tokyo", digestHour: 0 },
    });
    expect(second).toEqual({ ok: true, preferences: { line: "off", email: "always", timeZone: "Asia/Tokyo", digestHour: 0 } });
  });

  it.each([
    [{ line: "sometimes" }, "line", "line must be one of always, fallback, digest, off"],
    [{ email: 3 }, "email", "email must be one of always, fallback, digest, off"],
    [{ emailAddress: "not-an-address" }, "emailAddress", "emailAddress must be an e-mail address"],
    [{ emailAddress: 42 }, "emailAddress", "emailAddress must be an e-mail address"],
    [{ timeZone: "Mars/Olympus" }, "timeZone", "timeZone must be an IANA time zone"],
    [{ timeZone: "" }, "timeZone", "timeZone must be an IANA time zone"],
    [{ digestHour: 24 }, "digestHour", "digestHour must be a whole hour from 0 to 23"],
    [{ digestHour: -1 }, "digestHour", "digestHour must be a whole hour from 0 to 23"],
    [{ digestHour: 7.5 }, "digestHour", "digestHour must be a whole hour from 0 to 23"],
    [{ digestHour: "8" }, "digestHour", "digestHour must be a whole hour from 0 to 23"],
    [{ colour: "blue" }, "colour", "colour is not a preference"],
    [["line"], "body", "send a JSON object"],
    [null, "body", "send a JSON object"],
  ])("refuses %j naming %s, and writes nothing", async (body, field, message) => {
    const p = ports();
    const answers = [await updatePreferences("alice", body, p)];
    // Beside a valid change too: all or nothing.
    if (typeof body === "object" && body !== null && !Array.isArray(body)) {
      answers.push(await updatePreferences("alice", { email: "always", ...body }, p));
    }
    for (const answer of answers) {
      expect(answer.ok).toBe(false);
      if (!answer.ok) {
        expect(answer.field).toBe(field);
        expect(answer.message).toContain(message);
      }
    }
    expect(p.store.writes).toBe(0);
  });

  it("refuses a user id no token could carry", async () => {
    const p = ports();
    expect(await updatePreferences("no spaces", { line: "off" }, p)).toMatchObject({ ok: false, field: "userId" });
    expect(await readPreferences("x".repeat(65), p)).toMatchObject({ ok: false, field: "userId" });
    expect(p.store.writes).toBe(0);
  });
});
