/**
 * The one description of every table, read by the CDK app (infra/) and by the local runtime
 * (src/local/) alike, so the laptop and the cloud cannot drift apart.
 * Plain data: no SDK or CDK import, so both sides can turn it into their own constructs.
 */

export type KeyType = "S" | "N";

export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyType;
}

export interface TableDefinition {
  /** Default physical name; overridable by an environment variable of the same role. */
  readonly defaultName: string;
  readonly envVar: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly timeToLiveAttribute?: string;
  readonly stream?: "NEW_AND_OLD_IMAGES" | "NEW_IMAGE";
  readonly globalSecondaryIndexes?: readonly {
    readonly indexName: string;
    readonly partitionKey: KeyAttribute;
    readonly sortKey?: KeyAttribute;
    /** Non-key attributes copied into the index (projection INCLUDE). */
    readonly nonKeyAttributes: readonly string[];
  }[];
}

/** One row per live WebSocket connection; API Gateway drops a connection after 2 h. */
export const connectionsTable = {
  defaultName: "live-likes-connections",
  envVar: "CONNECTIONS_TABLE",
  partitionKey: { name: "connectionId", type: "S" },
  timeToLiveAttribute: "expiresAt",
  globalSecondaryIndexes: [
    {
      indexName: "byUser",
      partitionKey: { name: "userId", type: "S" },
      sortKey: { name: "connectionId", type: "S" },
      // expiresAt lets the fan-out skip rows whose TTL passed but that DynamoDB has not yet deleted.
      nonKeyAttributes: ["expiresAt"],
    },
  ],
} as const satisfies TableDefinition;

/** One item per Qiita article, written by the collector only when its like count changes. */
export const articlesTable = {
  defaultName: "live-likes-articles",
  envVar: "ARTICLES_TABLE",
  partitionKey: { name: "userId", type: "S" },
  sortKey: { name: "itemId", type: "S" },
  stream: "NEW_AND_OLD_IMAGES",
} as const satisfies TableDefinition;

/**
 * One item per GitHub repository of a user (issue 12), sort key `repo` (`OWNER/NAME`), written by
 * the GitHub collector only when its star count or url changes; its stream becomes star frames.
 * The account's bookkeeping sorts first ("#" is below every owner name): `#account` {baselinedAt}
 * and `#page#NNNN` {etag, repos, hasNext}, one per page of the repository list, so an idle poll
 * reads only those and writes nothing, and a changed page rewrites only its own small item.
 */
export const repositoriesTable = {
  defaultName: "live-likes-repositories",
  envVar: "REPOSITORIES_TABLE",
  partitionKey: { name: "userId", type: "S" },
  sortKey: { name: "repo", type: "S" },
  stream: "NEW_AND_OLD_IMAGES",
} as const satisfies TableDefinition;

/** Like frames kept for 24 h so a client that was away can `resume`. */
export const eventsTable = {
  defaultName: "live-likes-events",
  envVar: "EVENTS_TABLE",
  partitionKey: { name: "userId", type: "S" },
  sortKey: { name: "id", type: "S" },
  timeToLiveAttribute: "expiresAt",
} as const satisfies TableDefinition;

/**
 * One row per user whose tokens were revoked: a token of that user issued before `revokedAt`
 * (epoch seconds) is refused at connect. Rare writes, one GetItem per connect.
 */
export const revocationsTable = {
  defaultName: "live-likes-revocations",
  envVar: "REVOCATIONS_TABLE",
  partitionKey: { name: "userId", type: "S" },
} as const satisfies TableDefinition;

/**
 * The delivery ledger of the channels beyond live frames (LINE now, e-mail later): one claim
 * row per notification and channel, and one row per push with its exact content and state, so
 * a push is sent once whatever the batch composition, retries, bisects or crashes. Rows outlive
 * the stream's 24 h retention (TTL), which bounds how late a record can be redelivered.
 */
export const deliveriesTable = {
  defaultName: "live-likes-deliveries",
  envVar: "DELIVERIES_TABLE",
  partitionKey: { name: "key", type: "S" },
  timeToLiveAttribute: "expiresAt",
} as const satisfies TableDefinition;

/**
 * Notifications published through the HTTP API (`POST /v1/notifications`): one item per
 * notification (`id`: its 40-digit event id), whose INSERT the stream handler delivers, and one
 * `idem#<Idempotency-Key>` item per key (24 h) written in the same transaction. Items expire
 * (TTL) once their receipt is no longer worth asking for. NEW_IMAGE: what delivers is told by the
 * new image alone (an INSERT without `status`, or the release's MODIFY to `status` "due").
 * A scheduled one (`sendAt`) carries `schedule` and `dueAt` (epoch ms) until it is released or
 * cancelled: the sparse index `byDueTime` holds only those, so the scheduler reads only what waits.
 */
/** The notifications table's sparse index of scheduled items by due time. */
export const DUE_INDEX = "byDueTime";

export const notificationsTable = {
  defaultName: "live-likes-notifications",
  envVar: "NOTIFICATIONS_TABLE",
  partitionKey: { name: "id", type: "S" },
  timeToLiveAttribute: "expiresAt",
  stream: "NEW_IMAGE",
  globalSecondaryIndexes: [
    {
      indexName: DUE_INDEX,
      partitionKey: { name: "schedule", type: "S" },
      sortKey: { name: "dueAt", type: "N" },
      // The release needs the id only (the table's key, always projected); sendAt makes a listing readable.
      nonKeyAttributes: ["sendAt"],
    },
  ],
} as const satisfies TableDefinition;

/**
 * Publish keys (`npm run key`): `name#<NAME>` {`hash`, `createdAt`, `revokedAt`?} and
 * `hash#<SHA-256 of the key>` {`name`}, written together, so a request's key is found by one
 * strongly consistent read and `list` reads only names. The key itself is never stored.
 */
export const publishKeysTable = {
  defaultName: "live-likes-publish-keys",
  envVar: "PUBLISH_KEYS_TABLE",
  partitionKey: { name: "id", type: "S" },
} as const satisfies TableDefinition;

/**
 * Group membership (`PUT /v1/groups/NAME/members/USER_ID`): one item per member, so a group's
 * members are one Query and adding or removing one touches one item. Decided by publish-key
 * holders only; a group exists while it has members.
 */
export const groupsTable = {
  defaultName: "live-likes-groups",
  envVar: "GROUPS_TABLE",
  partitionKey: { name: "group", type: "S" },
  sortKey: { name: "userId", type: "S" },
} as const satisfies TableDefinition;

/**
 * Daily rollups for `stats` (issue 12), one partition per user, sort key `key`:
 * `d#<YYYY-MM-DD>` {`likes`, `stars`} the day's totals, `d#<YYYY-MM-DD>#<kind>#<item>` {`kind`,
 * `title`, `url`, `count`} one article's or repository's count that day (days in the user's time
 * zone), and `counted#<notification id>`, the marker that counts a notification once. D days of
 * totals and items are one Query of `key` between `d#<first>` and `d#<last>~`. Days are kept
 * 402 days after their date, markers 35 days (as the deliveries ledger), by TTL.
 */
export const rollupsTable = {
  defaultName: "live-likes-rollups",
  envVar: "ROLLUPS_TABLE",
  partitionKey: { name: "userId", type: "S" },
  sortKey: { name: "key", type: "S" },
  timeToLiveAttribute: "expiresAt",
} as const satisfies TableDefinition;

/**
 * What a channel in `digest` mode owes each user until their daily digest (issue 13,
 * src/domain/digest): partition `owner` = `<channel>#<userId>`, sort `id` = the notification's id,
 * holding the notification itself so the digest can render it, `owedAt` (epoch ms) and `channel`;
 * plus one `#digest` item per owner, the day (`day`) of its last digest. `byChannel` indexes only
 * owed items (the `#digest` items carry no `channel`), so a run finds who is owed with one Query per
 * channel instead of a Scan. Items expire after 35 days (TTL) if nothing ever sends them.
 */
export const digestsTable = {
  defaultName: "live-likes-digests",
  envVar: "DIGESTS_TABLE",
  partitionKey: { name: "owner", type: "S" },
  sortKey: { name: "id", type: "S" },
  timeToLiveAttribute: "expiresAt",
  globalSecondaryIndexes: [
    {
      indexName: "byChannel",
      partitionKey: { name: "channel", type: "S" },
      sortKey: { name: "owner", type: "S" },
      // The owner's user id is all a run needs from the index.
      nonKeyAttributes: ["userId"],
    },
  ],
} as const satisfies TableDefinition;

/**
 * Each person's channel choices (issue 13, src/domain/preferences): one item per user holding only
 * what they set (`line`, `email`, `emailAddress`, `timeZone`, `digestHour`); the rest comes from
 * the settings. Kept, never expired: a person's choices outlive any notification.
 */
export const preferencesTable = {
  defaultName: "live-likes-preferences",
  envVar: "PREFERENCES_TABLE",
  partitionKey: { name: "userId", type: "S" },
} as const satisfies TableDefinition;

/** Every table live-likes keeps, by role: what the laptop creates and the tests make fresh. */
export const tablesByRole = {
  connections: connectionsTable,
  articles: articlesTable,
  repositories: repositoriesTable,
  events: eventsTable,
  deliveries: deliveriesTable,
  revocations: revocationsTable,
  notifications: notificationsTable,
  publishKeys: publishKeysTable,
  groups: groupsTable,
  digests: digestsTable,
  rollups: rollupsTable,
  preferences: preferencesTable,
} as const satisfies Record<string, TableDefinition>;

export type TableRole = keyof typeof tablesByRole;

/** Every role's physical name (see tableName). */
export function tableNames(env: Readonly<Record<string, string | undefined>> = process.env): Record<TableRole, string> {
  return Object.fromEntries(Object.entries(tablesByRole).map(([role, definition]) => [role, tableName(definition, env)])) as Record<
    TableRole,
    string
  >;
}

/** The physical table name: the role's environment variable, else its default. */
export function tableName(definition: TableDefinition, env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env[definition.envVar] || definition.defaultName;
}
