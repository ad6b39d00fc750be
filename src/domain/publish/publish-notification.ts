/**
 * POST /v1/notifications ─▶ [publish-notification] ─▶ notifications table ─▶ its stream ─▶
 * deliver-batch. Another system tells one user, or a group's members, something; delivery is
 * asynchronous.
 * 1. Refuse a request too large to read (413) before parsing it.
 * 2. Validate the JSON body (zod): `to` one user or one group, title, body, url, data, and
 *    `sendAt` (ISO 8601 with an offset, from 60 s ago to 366 days ahead). Each refusal names its
 *    field and what to fix (400; a body over 256 KB: 413).
 * 3. Validate the Idempotency-Key header when present. A request repeated with its key after its
 *    sendAt passed answers what it answered the first time (not 400 on sendAt).
 * 4. Build the notification with a time-ordered event id (event-id.ts) of when it goes out (now,
 *    or a future sendAt); for a group, with its members as they are now. When its frame with the body
 *    inline would exceed API Gateway's 32 KB, put the body in S3 first (large-bodies.ts) and keep
 *    only its key on the item: the frame then carries a `bodyUrl`. Refuse (413) a frame that would
 *    not fit even so, or a large body where no body store is wired.
 * 5. Write it (a future sendAt: as scheduled, which delivers nothing until released), and with a
 *    key the key's claim, in one transaction. A key already claimed within 24 h by the same request
 *    answers its id again, writing nothing; by another request, 409. Where a release alarm is wired
 *    (deployed), a scheduled one's alarm is set BEFORE the write: a crash in between leaves an alarm
 *    for an id never written, which releases nothing when it fires; the reverse order could leave a
 *    scheduled item that nothing ever releases. A repeated request sets an alarm for the fresh id it
 *    then does not use: harmless the same way. An alarm that cannot be set fails the request, unwritten.
 * Nothing is written for a refused request.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { eventId, randomTail } from "../event-id.ts";
import { notificationFrame } from "../frames.ts";
import type { Publication } from "../notification.ts";
import { BODY_URL_ALLOWANCE, bodyKeyOf, SCHEDULED_BODY_KEY_PREFIX } from "../large-bodies.ts";
import type { BodyStore, GroupDirectory, HeldClaim, PublicationStore, ReleaseAlarm } from "../ports.ts";
import { USER_ID } from "../token.ts";
import { GROUP_NAME } from "./group-membership.ts";

/** The largest `body`, in UTF-8 bytes. */
export const MAX_BODY_BYTES = 256 * 1024;
/** The largest `data` object, as JSON in UTF-8 bytes. */
export const MAX_DATA_BYTES = 4 * 1024;
/** API Gateway's limit on one WebSocket frame. */
export const MAX_FRAME_BYTES = 32 * 1024;
/** A request larger than this cannot be valid (a full body plus the other fields): not even parsed. */
export const MAX_REQUEST_BYTES = MAX_BODY_BYTES + 16 * 1024;
/**
 * The most members one group message goes to: their ids are kept on its item (a DynamoDB item
 * holds 400 KB); past 250 it is delivered in parts (delivery/group-parts.ts).
 */
export const MAX_GROUP_MEMBERS = 2_000;
/** How long an Idempotency-Key holds. */
export const IDEMPOTENCY_SECONDS = 24 * 3_600;
/** How far in the past a `sendAt` may be (a clock a little behind, a request retried): it then goes at once. */
export const SEND_AT_PAST_MS = 60_000;
/** How far ahead a `sendAt` may be. */
export const SEND_AT_AHEAD_MS = 366 * 86_400_000;

export interface PublishRequest {
  /** The raw request body. */
  readonly body: string | undefined;
  /** The Idempotency-Key header, when sent. */
  readonly idempotencyKey?: string;
}

export type PublishOutcome =
  | {
      readonly ok: true;
      readonly id: string;
      readonly repeated: boolean;
      /** A future sendAt, normalised to ISO 8601 UTC: kept scheduled until then. */
      readonly sendAt?: string;
    }
  | { readonly ok: false; readonly refusal: "invalid" | "too-large" | "conflict"; readonly field?: string; readonly message: string };

export interface PublishPorts {
  readonly store: PublicationStore;
  /** Where `group:NAME` finds its members; without it, groups are refused. */
  readonly groups?: Pick<GroupDirectory, "members">;
  /** Where a body too large for a frame is kept; without it, such a body is refused (413). */
  readonly bodies?: Pick<BodyStore, "put">;
  /** Wakes a scheduled one's release at its sendAt (deployed); without it, a sweep of the due index releases it (the laptop). */
  readonly alarm?: ReleaseAlarm;
  readonly nowMs?: () => number;
  readonly randomBytes?: (size: number) => Uint8Array;
}

const utf8Bytes = (text: string) => Buffer.byteLength(text, "utf8");

const SEND_AT_HELP = 'sendAt must be an ISO 8601 time with a Z or an offset, like "2026-12-24T18:00:00+09:00"';
const GROUPS_LATER = "groups are not supported here yet: send to one user as user:ID";
const TO_HELP = 'to must be "user:ID", ID 1-64 characters of A-Z a-z 0-9 _ . @ -, or "group:NAME", NAME 1-64 characters of a-z 0-9 -';

const requestSchema = z
  .object({
    to: z
      .string({ required_error: TO_HELP, invalid_type_error: TO_HELP })
      .refine(
        (to) => (to.startsWith("user:") && USER_ID.test(to.slice(5))) || (to.startsWith("group:") && GROUP_NAME.test(to.slice(6))),
        TO_HELP,
      ),
    title: z
      .string({ required_error: "title is required: a string of 1-200 characters" })
      .min(1, "title must not be empty")
      .max(200, "title must be at most 200 characters"),
    body: z
      .string({ invalid_type_error: "body must be a string" })
      .refine((body) => utf8Bytes(body) <= MAX_BODY_BYTES, "body must be at most 256 KB")
      .optional(),
    url: z
      .string({ invalid_type_error: "url must be a string" })
      .url("url must be an absolute http(s) URL")
      .refine((url) => /^https?:\/\//i.test(url), "url must be an absolute http(s) URL")
      .optional(),
    data: z
      .record(z.unknown(), { invalid_type_error: "data must be a JSON object" })
      .refine((data) => utf8Bytes(JSON.stringify(data)) <= MAX_DATA_BYTES, "data must be at most 4 KB as JSON")
      .optional(),
    sendAt: z.string({ invalid_type_error: SEND_AT_HELP }).datetime({ offset: true, message: SEND_AT_HELP }).optional(),
  })
  .strict();

/** 1-128 printable ASCII characters. */
const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,128}$/;

export async function publishNotification(request: PublishRequest, ports: PublishPorts): Promise<PublishOutcome> {
  const now = (ports.nowMs ?? Date.now)();
  // 1. Too large to read.
  const raw = request.body ?? "";
  if (utf8Bytes(raw) > MAX_REQUEST_BYTES) return refuse("too-large", "body", "body must be at most 256 KB");

  // 2. The body.
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return refuse("invalid", undefined, 'the request body must be a JSON object like {"to":"user:ID","title":"…"}');
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return refuse("invalid", undefined, 'the request body must be a JSON object like {"to":"user:ID","title":"…"}');
  }
  const result = requestSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0] as z.ZodIssue;
    const field = issue.code === "unrecognized_keys" ? (issue.keys[0] as string) : String(issue.path[0] ?? "");
    const message = issue.code === "unrecognized_keys" ? `unknown field "${field}": use to, title, body, url, data, sendAt` : issue.message;
    return refuse(field === "body" && message.includes("256 KB") ? "too-large" : "invalid", field, message);
  }
  const input = result.data;

  // 3. The Idempotency-Key.
  const key = request.idempotencyKey;
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    return refuse("invalid", "Idempotency-Key", "Idempotency-Key must be 1-128 printable ASCII characters");
  }
  const requestHash = createHash("sha256").update(raw).digest("hex");

  // 2b. When to send it: a repeat of a request accepted before its sendAt passed answers as then.
  const sendAtMs = input.sendAt === undefined ? undefined : Date.parse(input.sendAt);
  if (sendAtMs !== undefined && sendAtMs < now - SEND_AT_PAST_MS) {
    const held = key === undefined ? undefined : await ports.store.heldClaim(key, now);
    if (held) return repeatOf(held, requestHash, sendAtMs);
    return refuse("invalid", "sendAt", "sendAt is more than 60 s in the past: leave it out to send now, or give a future time");
  }
  if (sendAtMs !== undefined && sendAtMs > now + SEND_AT_AHEAD_MS) {
    return refuse("invalid", "sendAt", "sendAt is more than 366 days ahead: give a time within a year");
  }
  // A sendAt already passed (by at most 60 s) goes at once, like none.
  const schedule = sendAtMs !== undefined && sendAtMs > now ? { sendAtMs } : undefined;

  // 4. The notification (a group's with its members now), and whether its frame fits.
  let audience: { to: `user:${string}`; userId: string } | { to: `group:${string}`; members: readonly string[] };
  if (input.to.startsWith("group:")) {
    if (!ports.groups) return refuse("invalid", "to", GROUPS_LATER);
    const group = input.to.slice("group:".length);
    const members = await ports.groups.members(group);
    if (members.length > MAX_GROUP_MEMBERS) {
      return refuse("invalid", "to", `group ${group} has ${members.length} members; at most ${MAX_GROUP_MEMBERS} can be sent to at once`);
    }
    audience = { to: `group:${group}`, members };
  } else {
    const userId = input.to.slice("user:".length);
    audience = { to: `user:${userId}`, userId };
  }
  const inline: Publication = {
    kind: "notification",
    // Ordered by when it goes out, so resume replays a scheduled one among what arrived around it.
    id: eventId(schedule?.sendAtMs ?? now, "published", randomTail(ports.randomBytes ?? defaultRandomBytes)),
    ...audience,
    title: input.title,
    ...(input.url !== undefined ? { url: input.url } : {}),
    ...(input.body !== undefined ? { body: input.body } : {}),
    ...(input.data !== undefined ? { data: input.data } : {}),
    at: new Date(schedule?.sendAtMs ?? now).toISOString(),
  };
  // A member's frame is the group's with the member's own id, the same length.
  const frameBytes = (candidate: Publication) => utf8Bytes(notificationFrame({ ...candidate, to: candidate.to, userId: "" }));
  let notification = inline;
  if (frameBytes(inline) > MAX_FRAME_BYTES) {
    const { body, ...rest } = inline;
    // A scheduled one's body must outlive its wait: it goes where objects are kept past sendAt.
    const bodyKey = bodyKeyOf(requestHash, schedule ? SCHEDULED_BODY_KEY_PREFIX : undefined);
    if (body === undefined || frameBytes({ ...rest, bodyKey, bodyUrl: "x".repeat(BODY_URL_ALLOWANCE) }) > MAX_FRAME_BYTES) {
      return refuse("too-large", "url", "url is too long: the notification's frame must fit 32 KB; shorten the url");
    }
    if (!ports.bodies) return refuse("too-large", "body", "bodies over ~30 KB need S3, which is not set up here: send a shorter body");
    // Before the item: its stream delivers at once. Should the write below fail, the object expires unread.
    await ports.bodies.put(bodyKey, body);
    notification = { ...rest, bodyKey };
  }

  // 5. Write, once per key.
  const claim = key === undefined ? undefined : { key, requestHash, expiresAt: Math.floor(now / 1000) + IDEMPOTENCY_SECONDS };
  // Its release's alarm first: a rejection here leaves nothing written.
  if (schedule && ports.alarm) await ports.alarm.setFor(notification.id, schedule.sendAtMs);
  const written = await ports.store.publish(notification, claim, schedule);
  if (written.written) return { ok: true, id: notification.id, repeated: false, ...(schedule ? { sendAt: iso(schedule.sendAtMs) } : {}) };
  return repeatOf(written, requestHash, sendAtMs);
}

/**
 * The answer to a request whose key is held: the same request gets the id again, with its sendAt
 * when it was scheduled then (its sendAt came after the claim was made), whatever the time now.
 */
function repeatOf(held: HeldClaim, requestHash: string, sendAtMs: number | undefined): PublishOutcome {
  if (held.requestHash !== requestHash) {
    return refuse("conflict", "Idempotency-Key", "this Idempotency-Key was used with a different request in the last 24 h: use a new key");
  }
  const acceptedAtMs = (held.expiresAt - IDEMPOTENCY_SECONDS) * 1000;
  const scheduled = sendAtMs !== undefined && sendAtMs > acceptedAtMs;
  return { ok: true, id: held.id, repeated: true, ...(scheduled ? { sendAt: iso(sendAtMs) } : {}) };
}

const iso = (epochMs: number) => new Date(epochMs).toISOString();

function refuse(refusal: "invalid" | "too-large" | "conflict", field: string | undefined, message: string): PublishOutcome {
  return { ok: false, refusal, ...(field ? { field } : {}), message };
}

function defaultRandomBytes(size: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(size));
}
