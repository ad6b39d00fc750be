/**
 * HTTP API (`/v1`, API Gateway HTTP API payload 2.0) ─▶ [publish handler] ─▶ publish-notification
 * (POST /v1/notifications), the receipt (GET /v1/notifications/ID), cancel-notification
 * (DELETE /v1/notifications/ID) or group-membership
 * (PUT, DELETE /v1/groups/NAME/members/USER_ID, GET /v1/groups/NAME/members) or update-preferences
 * (PUT, GET /v1/users/USER_ID/preferences).
 * 1. Every request needs `Authorization: Bearer KEY` of a live publish key: else 401.
 * 2. Route by method and path; anything else 404 (405 for a known path with another method).
 * 3. Answer JSON; errors are `{"error":{"field"?,"message"}}`.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { EVENT_ID } from "#domain/frames.ts";
import type { BodyStore, GroupDirectory, PublicationStore, PublishKeyStore, ReleaseAlarm, StoredPublication } from "#domain/ports.ts";
import { cancelNotification } from "#domain/publish/cancel-notification.ts";
import { addMember, listMembers, type MembershipOutcome, removeMember } from "#domain/publish/group-membership.ts";
import { bearerKey, hashPublishKey } from "#domain/publish/publish-keys.ts";
import { type PreferencePorts, readPreferences, updatePreferences } from "#domain/preferences/update-preferences.ts";
import { publishNotification, type PublishOutcome } from "#domain/publish/publish-notification.ts";

export interface PublishDeps {
  readonly publications: PublicationStore;
  readonly keys: Pick<PublishKeyStore, "findByHash">;
  /** Group membership; without it (not deployed yet) the group routes answer 501. */
  readonly groups?: GroupDirectory;
  /** Where bodies too large for a frame go (S3); without it, such a body answers 413. */
  readonly bodies?: Pick<BodyStore, "put">;
  /** Wakes a scheduled notification's release at its sendAt (deployed: a one-time schedule); without it a sweep releases it (the laptop). */
  readonly alarm?: ReleaseAlarm;
  /** Each person's channel choices; without it the preferences routes answer 501. */
  readonly preferences?: PreferencePorts;
  readonly logger: Logger;
  readonly nowMs?: () => number;
}

type Result = APIGatewayProxyStructuredResultV2;

const REFUSAL_STATUS = { invalid: 400, "too-large": 413, conflict: 409 } as const;
const RECEIPT_PATH = /^\/v1\/notifications\/([^/]+)$/;
const MEMBERS_PATH = /^\/v1\/groups\/([^/]+)\/members$/;
const MEMBER_PATH = /^\/v1\/groups\/([^/]+)\/members\/([^/]+)$/;
const PREFERENCES_PATH = /^\/v1\/users\/([^/]+)\/preferences$/;

export function createPublishHandler(deps: PublishDeps) {
  return async (event: APIGatewayProxyEventV2): Promise<Result> => {
    // 1. The publish key.
    const headers = lowerCaseKeys(event.headers ?? {});
    const key = bearerKey(headers.authorization);
    if (!key) return error(401, undefined, "send Authorization: Bearer KEY with a key from npm run key -- create NAME");
    const holder = await deps.keys.findByHash(hashPublishKey(key));
    if (!holder) return error(401, undefined, "this publish key is unknown or revoked: create one with npm run key -- create NAME");

    // 2. Route.
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath.replace(/\/+$/, "");
    if (path === "/v1/notifications") {
      if (method !== "POST") return error(405, undefined, "use POST /v1/notifications to publish", { Allow: "POST" });
      const body = event.body !== undefined && event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
      const idempotencyKey = headers["idempotency-key"];
      const outcome = await publishNotification(
        { body, ...(idempotencyKey !== undefined ? { idempotencyKey } : {}) },
        {
          store: deps.publications,
          ...(deps.groups ? { groups: deps.groups } : {}),
          ...(deps.bodies ? { bodies: deps.bodies } : {}),
          ...(deps.alarm ? { alarm: deps.alarm } : {}),
          ...(deps.nowMs ? { nowMs: deps.nowMs } : {}),
        },
      );
      if (outcome.ok) deps.logger.info("notification published", { id: outcome.id, key: holder.name, repeated: outcome.repeated });
      return published(outcome);
    }
    const receipt = RECEIPT_PATH.exec(path);
    if (receipt && method === "DELETE") {
      const id = segment(receipt[1]);
      const cancelled = await cancelNotification(id, { store: deps.publications, ...(deps.nowMs ? { nowMs: deps.nowMs } : {}) });
      if (!cancelled.ok) return error(cancelled.refusal === "unknown" ? 404 : 409, undefined, cancelled.message);
      deps.logger.info("notification cancelled", { id, key: holder.name, outcome: cancelled.outcome });
      return { statusCode: 204 };
    }
    if (receipt) {
      if (method !== "GET") {
        return error(405, undefined, "GET /v1/notifications/ID answers the receipt, DELETE cancels a scheduled one", {
          Allow: "GET, DELETE",
        });
      }
      const id = decodeURIComponent(receipt[1] as string);
      const found = EVENT_ID.test(id) ? await deps.publications.get(id) : undefined;
      if (!found) return error(404, undefined, `no notification ${id.slice(0, 64)}: use the id POST /v1/notifications answered`);
      const { notification, delivery, sendAt } = found;
      return json(200, {
        id: notification.id,
        to: notification.to,
        title: notification.title,
        status: receiptStatus(found),
        ...(sendAt ? { sendAt } : {}),
        ...(delivery
          ? {
              sentAt: delivery.sentAt,
              deliveries: { live: delivery.live, line: delivery.line, ...(delivery.email ? { email: delivery.email } : {}) },
            }
          : {}),
      });
    }
    const preferences = PREFERENCES_PATH.exec(path);
    if (preferences) return preferencesRoute(method, segment(preferences[1]), event, deps, holder.name);
    const members = MEMBERS_PATH.exec(path);
    const member = MEMBER_PATH.exec(path);
    const groups = deps.groups;
    if ((members || member) && !groups) return error(501, undefined, "groups are not available here yet: use npm start");
    if (!groups) return error(404, undefined, "unknown path: use /v1/notifications or /v1/notifications/ID");
    if (members) {
      if (method !== "GET") return error(405, undefined, "GET /v1/groups/NAME/members lists the members", { Allow: "GET" });
      return membership(await listMembers(groups, segment(members[1])), 200);
    }
    if (member) {
      const [group, userId] = [segment(member[1]), segment(member[2])];
      if (method === "PUT") {
        const outcome = await addMember(groups, group, userId);
        if (outcome.ok) deps.logger.info("group member put", { group, userId, key: holder.name, added: outcome.added });
        return membership(outcome, outcome.ok && outcome.added ? 201 : 200, { group, userId });
      }
      if (method === "DELETE") {
        const outcome = await removeMember(groups, group, userId);
        if (outcome.ok) deps.logger.info("group member deleted", { group, userId, key: holder.name });
        return membership(outcome, 204);
      }
      return error(405, undefined, "PUT adds a member, DELETE removes one", { Allow: "PUT, DELETE" });
    }
    return error(404, undefined, "unknown path: use /v1/notifications, /v1/notifications/ID or /v1/groups/NAME/members[/USER_ID]");
  };
}

/** GET answers the user's effective preferences, PUT changes them and answers the result. */
async function preferencesRoute(
  method: string,
  userId: string,
  event: APIGatewayProxyEventV2,
  deps: PublishDeps,
  key: string,
): Promise<Result> {
  if (!deps.preferences) return error(501, undefined, "preferences are not available here yet: use npm start");
  if (method !== "GET" && method !== "PUT") {
    return error(405, undefined, "GET answers a user's preferences, PUT changes them", { Allow: "GET, PUT" });
  }
  let outcome: Awaited<ReturnType<typeof readPreferences>>;
  if (method === "GET") outcome = await readPreferences(userId, deps.preferences);
  else {
    const raw = event.body !== undefined && event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
    let body: unknown;
    try {
      body = JSON.parse(raw ?? "");
    } catch {
      return error(400, "body", "send a JSON object with any of line, email, emailAddress, timeZone, digestHour");
    }
    outcome = await updatePreferences(userId, body, deps.preferences);
    if (outcome.ok) deps.logger.info("preferences changed", { userId, key });
  }
  if (!outcome.ok) return error(400, outcome.field, outcome.message);
  return json(200, { userId, preferences: outcome.preferences });
}

function membership(outcome: MembershipOutcome, status: number, body?: unknown): Result {
  if (!outcome.ok) return error(400, outcome.field, outcome.message);
  if (outcome.members) return json(status, { members: outcome.members });
  return body === undefined ? { statusCode: status } : json(status, body);
}

/** A path segment as sent; one that does not decode is kept raw (and then refused by validation). */
function segment(raw: string | undefined): string {
  try {
    return decodeURIComponent(raw as string);
  } catch {
    return raw as string;
  }
}

/**
 * The receipt's status: `sent` once delivered; `failed` when LINE refused its push for good;
 * `scheduled`, `cancelled` as kept; `accepted` while written (or released) and its delivery not
 * finished yet: the statuses have no word for it.
 */
function receiptStatus({ status, delivery }: StoredPublication): "accepted" | "scheduled" | "sent" | "cancelled" | "failed" {
  if (status === "failed") return "failed";
  if (delivery) return "sent";
  return status === "scheduled" || status === "cancelled" ? status : "accepted";
}

function published(outcome: PublishOutcome): Result {
  if (outcome.ok && outcome.sendAt) return json(202, { id: outcome.id, status: "scheduled", sendAt: outcome.sendAt });
  if (outcome.ok) return json(202, { id: outcome.id, status: "accepted" });
  return error(REFUSAL_STATUS[outcome.refusal], outcome.field, outcome.message);
}

function error(statusCode: number, field: string | undefined, message: string, headers: Record<string, string> = {}): Result {
  return json(statusCode, { error: field ? { field, message } : { message } }, headers);
}

function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): Result {
  return { statusCode, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}

/** API Gateway HTTP API lowercases header names already; an emulator or test may not. */
function lowerCaseKeys(headers: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
