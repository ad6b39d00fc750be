import { describe, expect, it } from "vitest";
import type { Connection } from "#domain/model.ts";
import type { CloseOutcome, ConnectionCloser, ConnectionStore, RevocationStore } from "#domain/ports.ts";
import { revokeTokens } from "#domain/revoke-tokens.ts";
import { isRevoked } from "#domain/token.ts";

/** Fakes that write what happened, in order, into one log. */
function world(answers: Record<string, CloseOutcome | Error>, startMs: number) {
  const log: string[] = [];
  let clock = startMs;
  const revocations: RevocationStore = {
    revokedAt: async () => undefined,
    revoke: async (userId, at) => void log.push(`revoke ${userId} ${at}`),
  };
  const connections = {
    listByUser: async () => Object.keys(answers),
    remove: async (id: string) => void log.push(`remove ${id}`),
  } as Partial<ConnectionStore> as ConnectionStore;
  const closer: ConnectionCloser = {
    close: async (id) => {
      log.push(`close ${id}`);
      const answer = answers[id] as CloseOutcome | Error;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  const deps = {
    revocations,
    connections,
    closer,
    now: () => clock,
    sleep: async (ms: number) => {
      log.push(`sleep ${ms}`);
      clock += ms;
    },
  };
  return { log, deps, now: () => clock };
}

describe("revokeTokens", () => {
  it("records the revocation first, then closes and forgets each connection, then waits for the next second", async () => {
    // Prepare: revoked at …000.250 s.
    const { log, deps } = world({ "c-1": "closed", "c-2": "gone" }, 1_800_000_000_250);

    // Act
    const result = await revokeTokens("alice", deps);

    // Assess
    expect(log).toEqual(["revoke alice 1800000001", "close c-1", "remove c-1", "close c-2", "remove c-2", "sleep 750"]);
    expect(result).toEqual({ revokedAt: 1_800_000_001, closed: 1, gone: 1, failed: [] });
  });

  it("returns only once a token minted now is valid, and every token minted before is refused", async () => {
    const { deps, now } = world({}, 1_800_000_000_999);

    const { revokedAt } = await revokeTokens("alice", deps);

    expect(isRevoked(Math.floor(now() / 1000), revokedAt)).toBe(false);
    expect(isRevoked(1_800_000_000, revokedAt)).toBe(true);
  });

  it("keeps the row of a connection it could not close and reports it", async () => {
    const refused = new Error("ForbiddenException");
    const { log, deps } = world({ "c-1": refused, "c-2": "closed" }, 1_800_000_000_000);

    const result = await revokeTokens("alice", deps);

    expect(log).not.toContain("remove c-1");
    expect(log).toContain("remove c-2");
    expect(result.failed).toEqual([{ connectionId: "c-1", error: refused }]);
  });
});
