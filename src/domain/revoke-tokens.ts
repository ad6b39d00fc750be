/**
 * `revoke USER` ─▶ revocations table ─▶ close the user's live connections ─▶ drop their rows.
 *
 * 1. Record the revocation at the next whole second (see `isRevoked`). First, so a client whose
 *    connection is closed below and that reconnects with its old token is already refused.
 * 2. Close every live connection of the user; "gone" (the client left) is as good as closed.
 * 3. Delete each closed connection's row ($disconnect may have done it already; twice is harmless).
 * 4. Wait until the recorded second has begun, so a token minted once this returns is valid.
 *
 * A connection that could not be closed keeps its row and is reported: running it again retries.
 */
import type { ConnectionCloser, ConnectionStore, RevocationStore } from "./ports.ts";
import { revocationSecond } from "./token.ts";

export interface RevokeDeps {
  readonly revocations: RevocationStore;
  readonly connections: ConnectionStore;
  readonly closer: ConnectionCloser;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export interface RevokeResult {
  /** Epoch seconds: tokens of the user issued before this are refused. */
  readonly revokedAt: number;
  readonly closed: number;
  /** Rows of connections that had already gone. */
  readonly gone: number;
  readonly failed: readonly { readonly connectionId: string; readonly error: Error }[];
}

export async function revokeTokens(userId: string, deps: RevokeDeps): Promise<RevokeResult> {
  const revokedAt = revocationSecond(deps.now());
  await deps.revocations.revoke(userId, revokedAt);

  let closed = 0;
  let gone = 0;
  const failed: { connectionId: string; error: Error }[] = [];
  for (const connectionId of await deps.connections.listByUser(userId, Math.floor(deps.now() / 1000))) {
    try {
      const outcome = await deps.closer.close(connectionId);
      await deps.connections.remove(connectionId);
      if (outcome === "closed") closed++;
      else gone++;
    } catch (error) {
      failed.push({ connectionId, error: error as Error });
    }
  }

  const untilValid = revokedAt * 1000 - deps.now();
  if (untilValid > 0) await deps.sleep(untilValid);
  return { revokedAt, closed, gone, failed };
}
