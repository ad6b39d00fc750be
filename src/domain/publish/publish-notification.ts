/**
 * POST /v1/notifications ─▶ [publish-notification] ─▶ notifications table ─▶ its stream ─▶
 * deliver-batch. Another system tells one user, or a group's members, something; delivery is
 * asynchronous.
 * 1. Refuse a request too large to read (413) before parsing it.
 * 2. Validate the JSON body (zod): `to` one user or one group, title, body, url, data; no
 *    `sendAt` yet. Each refusal names its field and what to fix (400; a body over 256 KB: 413).
 * 3. Validate the Idempotency-Key header when present.
 * 4. Build the notification with a time-ordered event id (event-id.ts); for a group, with its
 *    members as they are now. Refuse it when its frame would not fit API Gateway's 32 KB (413:
 *    S3 bodies are a later slice).
 * 5. Write it, and with a key the key's claim, in one transaction. A key already claimed within
 *    24 h by the same request answers its id again, writing nothing; by another request, 409.
 * Nothing is written for a refused request.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { eventId, randomTail } from "../event-id.ts";
import { notificationFrame } from "../frames.ts";
import type { Publication } from "../notification.ts";
import type { GroupDirectory, PublicationStore } from "../ports.ts";
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
 * holds 400 KB) and one stream invocation delivers them all.
 */
export const MAX_GROUP_MEMBERS = 2_000;
/** How long an Idempotency-Key holds. */
export const IDEMPOTENCY_SECONDS = 24 * 3_600;

export interface PublishRequest {
  /** The raw request body. */
  readonly body: string | undefined;
  /** The Idempotency-Key header, when sent. */
  readonly idempotencyKey?: string;
}

export type PublishOutcome =
  | { readonly ok: true; readonly id: string; readonly repeated: boolean }
  | { readonly ok: false; readonly refusal: "invalid" | "too-large" | "conflict"; readonly field?: string; readonly message: string };

export interface PublishPorts {
  readonly store: PublicationStore;
  /** Where `group:NAME` finds its members; without it, groups are refused. */
  readonly groups?: Pick<GroupDirectory, "members">;
  readonly nowMs?: () => number;
  readonly randomBytes?: (size: number) => Uint8Array;
}

const utf8Bytes = (text: string) => Buffer.byteLength(text, "utf8");

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
    sendAt: z.unknown().refine((value) => value === undefined, "scheduling is not supported yet: leave sendAt out to send now"),
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
    const message = issue.code === "unrecognized_keys" ? `unknown field "${field}": use to, title, body, url, data` : issue.message;
    return refuse(field === "body" && message.includes("256 KB") ? "too-large" : "invalid", field, message);
  }
  const input = result.data;

  // 3. The Idempotency-Key.
  const key = request.idempotencyKey;
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    return refuse("invalid", "Idempotency-Key", "Idempotency-Key must be 1-128 printable ASCII characters");
  }

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
  const notification: Publication = {
    kind: "notification",
    id: eventId(now, "published", randomTail(ports.randomBytes ?? defaultRandomBytes)),
    ...audience,
    title: input.title,
    ...(input.url !== undefined ? { url: input.url } : {}),
    ...(input.body !== undefined ? { body: input.body } : {}),
    ...(input.data !== undefined ? { data: input.data } : {}),
    at: new Date(now).toISOString(),
  };
  // A member's frame is the group's with the member's own id, the same length.
  if (utf8Bytes(notificationFrame({ ...notification, to: notification.to, userId: "" })) > MAX_FRAME_BYTES) {
    return refuse("too-large", "body", "bodies over ~30 KB need S3, not supported yet: send a shorter body and a url to the rest");
  }

  // 5. Write, once per key.
  const requestHash = createHash("sha256").update(raw).digest("hex");
  const claim = key === undefined ? undefined : { key, requestHash, expiresAt: Math.floor(now / 1000) + IDEMPOTENCY_SECONDS };
  const written = await ports.store.publish(notification, claim);
  if (written.written) return { ok: true, id: notification.id, repeated: false };
  if (written.requestHash === requestHash) return { ok: true, id: written.id, repeated: true };
  return refuse("conflict", "Idempotency-Key", "this Idempotency-Key was used with a different request in the last 24 h: use a new key");
}

function refuse(refusal: "invalid" | "too-large" | "conflict", field: string | undefined, message: string): PublishOutcome {
  return { ok: false, refusal, ...(field ? { field } : {}), message };
}

function defaultRandomBytes(size: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(size));
}
