/**
 * PUT / DELETE /v1/groups/NAME/members/USER_ID, GET /v1/groups/NAME/members ─▶ [group-membership]
 * ─▶ GroupDirectory. Who is in a group is decided by a publish-key holder (the handler checked
 * the key), never by a client; a publish to `group:NAME` reaches the members of that moment.
 * 1. Validate the group name and the user id; a refusal names its field and what to fix.
 * 2. Add (saying whether the member is new), remove, or list.
 */
import type { GroupDirectory } from "../ports.ts";
import { USER_ID } from "../token.ts";

/** A group's name: what `group:NAME` and `/v1/groups/NAME` carry. */
export const GROUP_NAME = /^[a-z0-9-]{1,64}$/;

export const GROUP_NAME_HELP = "a group name is 1-64 characters of a-z 0-9 -";
const USER_ID_HELP = "a user id is 1-64 characters of A-Z a-z 0-9 _ . @ -, as in tokens";

export type MembershipOutcome =
  | { readonly ok: true; readonly added?: boolean; readonly members?: readonly string[] }
  | { readonly ok: false; readonly field: "group" | "userId"; readonly message: string };

export async function addMember(groups: GroupDirectory, group: string, userId: string): Promise<MembershipOutcome> {
  const refused = validate(group, userId);
  if (refused) return refused;
  return { ok: true, added: await groups.add(group, userId) };
}

export async function removeMember(groups: GroupDirectory, group: string, userId: string): Promise<MembershipOutcome> {
  const refused = validate(group, userId);
  if (refused) return refused;
  await groups.remove(group, userId);
  return { ok: true };
}

export async function listMembers(groups: GroupDirectory, group: string): Promise<MembershipOutcome> {
  const refused = validate(group);
  if (refused) return refused;
  return { ok: true, members: await groups.members(group) };
}

function validate(group: string, userId?: string): MembershipOutcome | undefined {
  if (!GROUP_NAME.test(group)) return { ok: false, field: "group", message: GROUP_NAME_HELP };
  if (userId !== undefined && !USER_ID.test(userId)) return { ok: false, field: "userId", message: USER_ID_HELP };
  return undefined;
}
