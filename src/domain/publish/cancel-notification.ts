/**
 * DELETE /v1/notifications/ID ─▶ [cancel-notification] ─▶ notifications table (scheduled → cancelled).
 * A publisher takes back a scheduled notification before its sendAt.
 * 1. Refuse an id that is not an event id: no such notification (404).
 * 2. Cancel it in one conditional write (only while it is scheduled), so a scheduler releasing it at
 *    that moment and this cancel cannot both win: either it is delivered, or it never is.
 * 3. Say what was found: cancelled now or before (204 both: DELETE is idempotent), released or sent
 *    already (409), no such notification (404).
 */
import { EVENT_ID } from "../frames.ts";
import type { CancelOutcome, PublicationStore } from "../ports.ts";

export type CancelResult =
  | { readonly ok: true; readonly outcome: Extract<CancelOutcome, "cancelled" | "already-cancelled"> }
  | { readonly ok: false; readonly refusal: "unknown" | "not-scheduled"; readonly message: string };

export async function cancelNotification(
  id: string,
  ports: { readonly store: Pick<PublicationStore, "cancel">; readonly nowMs?: () => number },
): Promise<CancelResult> {
  // 1. Not an id POST /v1/notifications answers.
  if (!EVENT_ID.test(id)) return unknown(id);

  // 2. scheduled → cancelled, or nothing.
  const outcome = await ports.store.cancel(id, (ports.nowMs ?? Date.now)());

  // 3. What it found.
  if (outcome === "cancelled" || outcome === "already-cancelled") return { ok: true, outcome };
  if (outcome === "unknown") return unknown(id);
  return {
    ok: false,
    refusal: "not-scheduled",
    message: `notification ${id} is sent or being sent already (only a scheduled one can be cancelled): see GET /v1/notifications/${id}`,
  };
}

function unknown(id: string): CancelResult {
  return { ok: false, refusal: "unknown", message: `no notification ${id.slice(0, 64)}: use the id POST /v1/notifications answered` };
}
