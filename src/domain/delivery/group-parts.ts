/**
 * group message with many members ─▶ [group-parts] ─▶ parts, each delivered by an invocation of its
 * own (deployed: the GroupPart function, invoked asynchronously; locally: in process).
 * Why: one stream invocation has 60 s, and a group of 2,000 members with 20 tabs each is 40,000
 * posts plus a Query, a ledger write and an events write per member. A part of
 * GROUP_PART_MEMBERS members is at most 250 × 20 = 5,000 posts: at 64 open posts of ~30 ms that
 * is ~2.4 s, far inside its timeout, whatever the group's size.
 * 1. Slice the members, in the order kept at publish, into parts of at most `partSize`.
 * 2. Each part carries the message without the member list, its members, its index and the count
 *    of parts, so whoever delivers it needs nothing else; the copies' ids come from the published id
 *    and the member (event-id.ts memberEventId), so a part delivered twice is recognised by the ledger.
 * 3. Each part records its own receipt under its index; the message's receipt is "sent" once every
 *    part recorded one, its counts added up (combineDeliveries).
 */
import { memberEventId } from "../event-id.ts";
import type { GroupPublication, PublishedNotification } from "../notification.ts";
import type { ChannelOutcome, PublicationDelivery } from "../ports.ts";

/** Members per part: 250 members × 20 connections (MAX_CONNECTIONS_PER_USER) = 5,000 posts at most. */
export const GROUP_PART_MEMBERS = 250;

/** One slice of a group message's members, delivered on its own. */
export interface GroupPart {
  readonly notification: Omit<GroupPublication, "members">;
  readonly members: readonly string[];
  /** 0-based. */
  readonly part: number;
  readonly parts: number;
}

/** Whether a group message is delivered in parts rather than by the invocation that read it. */
export const needsParts = (memberCount: number, partSize = GROUP_PART_MEMBERS): boolean => memberCount > partSize;

export function splitGroup(publication: GroupPublication, partSize = GROUP_PART_MEMBERS): GroupPart[] {
  if (!Number.isInteger(partSize) || partSize < 1) throw new RangeError(`part size ${partSize} is not a whole number above 0`);
  const { members, ...notification } = publication;
  const parts = Math.max(1, Math.ceil(members.length / partSize));
  return Array.from({ length: parts }, (_, part) => ({
    notification,
    members: members.slice(part * partSize, (part + 1) * partSize),
    part,
    parts,
  }));
}

/** The members' own copies of one part, as the fan-out delivers them. */
export function copiesOf(part: GroupPart): PublishedNotification[] {
  return part.members.map((userId) => ({ ...part.notification, id: memberEventId(part.notification.id, userId), userId }));
}

/** Which outcome a receipt shows when its copies differ: the first of these any copy had, else not-needed. */
const OUTCOME_PRECEDENCE = ["sent", "failed", "digest", "not-configured"] as const satisfies readonly ChannelOutcome[];

/**
 * One receipt from several (a group's members, or its parts): connections reached add up; per
 * channel "sent" when any push went, else "failed", else "digest" (owed to a daily digest), else
 * "not-configured" (a member needed the channel and has none), else "not-needed"; e-mail only when
 * the receipts say anything of it; sent when the last one was. None: nothing delivered at `sentAt`.
 */
export function combineDeliveries(deliveries: readonly PublicationDelivery[], sentAt = ""): PublicationDelivery {
  const over = (outcomes: readonly ChannelOutcome[]): ChannelOutcome =>
    OUTCOME_PRECEDENCE.find((outcome) => outcomes.includes(outcome)) ?? "not-needed";
  const emails = deliveries.flatMap((delivery) => (delivery.email ? [delivery.email] : []));
  return {
    sentAt: deliveries.map((delivery) => delivery.sentAt).reduce((latest, at) => (at > latest ? at : latest), sentAt),
    live: deliveries.reduce((sum, delivery) => sum + delivery.live, 0),
    line: over(deliveries.map((delivery) => delivery.line)),
    ...(emails.length > 0 ? { email: over(emails) } : {}),
  };
}
