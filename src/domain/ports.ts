/**
 * The interfaces the domain needs from the outside world. Adapters in src/adapters implement
 * them; tests pass small in-memory fakes. Named for what the domain needs, not for a service.
 */
import type { Article, Connection, StoredArticle } from "./model.ts";
import type { ListedPage, ReadPage, RepositorySnapshot, StoredRepository } from "./github/repository.ts";
import type { GroupPart } from "./delivery/group-parts.ts";
import type { Notification, Publication } from "./notification.ts";
import type { PreferenceChanges, StoredPreferences } from "./preferences/preferences.ts";

/** Where live connections are remembered (DynamoDB connections table). */
export interface ConnectionStore {
  save(connection: Connection): Promise<void>;
  remove(connectionId: string): Promise<void>;
  /** The row of one connection, or undefined once it is gone. */
  get(connectionId: string): Promise<Connection | undefined>;
  /** Connection ids of a user whose TTL has not passed at `nowSeconds`. */
  listByUser(userId: string, nowSeconds: number): Promise<string[]>;
  /**
   * Counts one request against the connection's allowance of `max` per window of `windowMs`
   * (a fixed window: the clock's current one). Resolves the ms until the next window when the
   * allowance is spent, 0 when the request may go ahead.
   */
  takeSlot(connectionId: string, max: number, windowMs: number, nowMs: number): Promise<number>;
}

export type PostOutcome = "delivered" | "gone";

/** Sends one frame to one connection (API Gateway Management API). */
export interface FramePoster {
  /**
   * Resolves "delivered", or "gone" when the connection no longer exists (410).
   * Throttling and 5xx are retried inside; what still fails rejects.
   */
  post(connectionId: string, frame: string): Promise<PostOutcome>;
}

export type PushOutcome = "sent" | "already-accepted";

/** Pushes text messages to one LINE recipient. */
export interface LineSender {
  /**
   * `retryKey` is a UUID derived from the events, so LINE drops a repeat of the same push.
   * Resolves "already-accepted" for LINE's 409 with `x-line-accepted-request-id`.
   */
  push(to: string, texts: readonly string[], retryKey: string): Promise<PushOutcome>;
}

/** Reads one writer's articles and their likers (Qiita API v2, or the demo simulation). */
export interface ArticleSource {
  /** The writer's Qiita user id. */
  userId(): Promise<string>;
  /** Every article of the writer, all pages. Rejects on any partial or malformed answer. */
  listArticles(): Promise<Article[]>;
  /**
   * The writer's newest articles, one request (Qiita: the first page of 100), for hot polls.
   * Absent: the collector takes the head of listArticles().
   */
  listFirstPage?(): Promise<Article[]>;
  /**
   * Likers of an article, newest first, page by page until `enough(likersSoFar)` says stop
   * or the list ends.
   */
  listLikers(itemId: string, enough: (likersSoFar: readonly string[]) => boolean): Promise<string[]>;
}

/**
 * One hot poll per account per interval, whoever asks: several tabs, Lambda invocations or
 * processes share it, so they do not multiply the source's requests.
 */
export interface HotPollLease {
  /**
   * Takes the account's lease until `untilMs` (epoch ms) when nobody holds it at `nowMs`.
   * Resolves false when another caller holds it: that caller polls, this one does not.
   */
  take(userId: string, nowMs: number, untilMs: number): Promise<boolean>;
}

/** What the collector knows of one account. */
export interface AccountSnapshot {
  readonly baselined: boolean;
  readonly articles: ReadonlyMap<string, StoredArticle>;
}

/** The articles table, as the collector uses it. */
export interface ArticleStore {
  /** One query: every stored article of the user plus whether the baseline was taken. */
  load(userId: string): Promise<AccountSnapshot>;
  /**
   * Writes `next` only if the stored count is still `previousCount` (undefined: only if absent).
   * Resolves false when another writer got there first.
   */
  write(next: StoredArticle, previousCount: number | undefined): Promise<boolean>;
  markBaselined(userId: string, at: number): Promise<void>;
}

/**
 * Reads the token's user's own repositories and their stargazers (GitHub REST API, or the demo).
 *
 * @example
 *   const pages = await source.listRepositories(stored.pages); // all 304: nothing changed, nothing spent
 */
export interface RepositorySource {
  /** The token's user's GitHub login. */
  login(): Promise<string>;
  /**
   * Every page of the repositories the user owns, page i asked with `If-None-Match: known[i].etag`;
   * a page that answered 304 comes back without `repositories`. Rejects on any partial answer.
   */
  listRepositories(known: readonly ListedPage[]): Promise<ReadPage[]>;
  /**
   * Stargazers of `repo` (`OWNER/NAME`), newest first, read from the last page backwards (the
   * last page is found from `stargazersCount`) until `enough(soFar)` says stop or the list's start.
   */
  listStargazers(repo: string, stargazersCount: number, enough: (soFar: readonly string[]) => boolean): Promise<string[]>;
}

/** The repositories table, as the GitHub collector uses it. */
export interface RepositoryStore {
  /** The last listing's pages (ETags) and whether the baseline was taken: the account's "#" items only. */
  listing(userId: string): Promise<{ readonly baselined: boolean; readonly pages: readonly ListedPage[] }>;
  /** One query: every stored repository of the user plus whether the baseline was taken. */
  load(userId: string): Promise<RepositorySnapshot>;
  /**
   * Writes `next` only if the stored count is still `previousCount` (undefined: only if absent).
   * Resolves false when another writer got there first.
   */
  write(next: StoredRepository, previousCount: number | undefined): Promise<boolean>;
  /**
   * Keeps the listing's pages for the next poll's `If-None-Match`: writes the pages read fresh
   * (those with `repositories`), forgets pages past the end of a list that got shorter than
   * `previousPageCount`, and with `baselinedAt` marks the baseline.
   */
  saveListing(
    userId: string,
    listing: { readonly pages: readonly ReadPage[]; readonly previousPageCount: number; readonly baselinedAt?: number },
  ): Promise<void>;
}

/** The log of notifications that `resume` replays (kept RESUME_WINDOW_SECONDS). */
export interface EventLog {
  append(notifications: readonly Notification[]): Promise<void>;
  /** Up to `limit` notifications of the user after `sinceId`, oldest first. */
  after(userId: string, sinceId: string, limit: number): Promise<Notification[]>;
  /** The user's `count` newest notifications, oldest first. */
  recent(userId: string, count: number): Promise<Notification[]>;
}

/** A channel beyond live frames that must get each notification exactly once. */
export type Channel = "line" | "email";

/**
 * One push on a channel, recorded before it is sent: its exact content and retry key, so a
 * retry after a crash sends the very same push again and the channel drops the repeat.
 */
export interface ChannelPush {
  readonly key: string;
  readonly channel: Channel;
  readonly to: string;
  readonly texts: readonly string[];
  readonly notificationIds: readonly string[];
  readonly sent: boolean;
}

/** What was already delivered, kept apart from any one batch (the deliveries table). */
export interface DeliveryLedger {
  /** For each id whose live fan-out finished: how many connections got it. */
  liveDeliveries(ids: readonly string[]): Promise<Map<string, number>>;
  recordLiveDelivery(id: string, delivered: number): Promise<void>;
  /** Notification id → key of the push that carries it on `channel`. */
  claims(channel: Channel, ids: readonly string[]): Promise<Map<string, string>>;
  /**
   * Records `push` and claims each of its notifications in one transaction. Resolves false and
   * writes nothing when one of them is claimed already.
   */
  open(push: ChannelPush): Promise<boolean>;
  push(key: string): Promise<ChannelPush | undefined>;
  markSent(key: string): Promise<void>;
}

/** Per-user token revocations (the revocations table): tokens issued before `revokedAt` are refused. */
export interface RevocationStore {
  /** Epoch seconds of the user's latest revocation, or undefined when there is none. */
  revokedAt(userId: string): Promise<number | undefined>;
  /** Records a revocation at `atSeconds`; an earlier one never replaces a later one. */
  revoke(userId: string, atSeconds: number): Promise<void>;
}

export type CloseOutcome = "closed" | "gone";

/** Closes one live connection from the server side (Management API `DeleteConnection`). */
export interface ConnectionCloser {
  /** Resolves "gone" when the connection no longer exists (410). */
  close(connectionId: string): Promise<CloseOutcome>;
}

/** The idempotency claim of one publish request: the key, the request's hash, until when it holds. */
export interface IdempotencyClaim {
  readonly key: string;
  readonly requestHash: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

/**
 * Where a published notification stands, as kept: `scheduled` (waits for its sendAt), `due`
 * (released: its MODIFY delivers it), `cancelled`, `sent` (its receipt is recorded), `failed`
 * (LINE refused its push for good; a later try that sends it makes it `sent`). One sent at once
 * has none until its receipt.
 */
export type PublicationStatus = "scheduled" | "due" | "cancelled" | "sent" | "failed";

/** When a scheduled notification is to go out. */
export interface PublicationSchedule {
  /** Epoch ms. */
  readonly sendAtMs: number;
}

/** What cancelling found: cancelled now, cancelled before, released or sent already, or no such notification. */
export type CancelOutcome = "cancelled" | "already-cancelled" | "not-scheduled" | "unknown";

/** What holds an Idempotency-Key: the notification it named, the request's hash, until when (epoch seconds). */
export interface HeldClaim {
  readonly id: string;
  readonly requestHash: string;
  readonly expiresAt: number;
}

/** A published notification as kept, with what its delivery recorded once the stream handler ran. */
export interface StoredPublication {
  readonly notification: Publication;
  readonly status?: PublicationStatus;
  /** ISO 8601, for a scheduled one. */
  readonly sendAt?: string;
  /** For a group, added up over its members (docs/ARCHITECTURE.md "Publish API"). */
  readonly delivery?: PublicationDelivery;
}

/** What the stream handler recorded of one published notification's delivery. */
export interface PublicationDelivery {
  /** ISO 8601. */
  readonly sentAt: string;
  readonly live: number;
  readonly line: ChannelOutcome;
  /** Absent on receipts recorded before e-mail existed, or where no e-mail channel is wired. */
  readonly email?: ChannelOutcome;
}

/**
 * What one channel did with a notification: pushed; not needed (a tab got it in `fallback`, or the
 * mode is `off`); owed to the user's daily digest; not set up (no LINE target, no e-mail address);
 * failed (the batch retries it).
 */
export type ChannelOutcome = "sent" | "not-needed" | "digest" | "not-configured" | "failed";

/** Where published notifications are kept (DynamoDB notifications table; its stream delivers them). */
export interface PublicationStore {
  /**
   * Writes the notification, and with a claim the claim in the same transaction. When the claim's
   * key is already held (within its time), writes nothing and resolves what holds it.
   */
  publish(
    notification: Publication,
    claim?: IdempotencyClaim,
    schedule?: PublicationSchedule,
  ): Promise<{ readonly written: true } | ({ readonly written: false } & HeldClaim)>;
  /** The unexpired claim of an Idempotency-Key at `nowMs`, if any. */
  heldClaim(key: string, nowMs: number): Promise<HeldClaim | undefined>;
  get(id: string): Promise<StoredPublication | undefined>;
  recordDelivery(id: string, delivery: PublicationDelivery): Promise<void>;
  /**
   * Records a delivery that a channel refused for good (status `failed`, with what did go out);
   * the first finished delivery (recordDelivery) still replaces it, never the reverse.
   */
  recordFailure(id: string, delivery: PublicationDelivery): Promise<void>;
  /** Scheduled notifications due at or before `untilMs` (epoch ms), earliest first, at most `limit`. */
  due(untilMs: number, limit: number): Promise<{ readonly id: string; readonly dueAt: number }[]>;
  /**
   * scheduled → due in one conditional write: the claim that makes its delivery happen once.
   * Resolves false when it is not scheduled any more (another scheduler released it, or it was cancelled).
   */
  release(id: string, atMs: number): Promise<boolean>;
  /** scheduled → cancelled in one conditional write; nothing is delivered after it. */
  cancel(id: string, atMs: number): Promise<CancelOutcome>;
}

/** One publish key as listed: never the key, only its name and times (epoch ms). */
export interface PublishKeyInfo {
  readonly name: string;
  readonly createdAt: number;
  readonly revokedAt?: number;
}

/** Where publish keys are kept, by the SHA-256 hash of the key (DynamoDB publish-keys table). */
export interface PublishKeyStore {
  /** Resolves false when a key of that name exists and is not revoked. */
  create(name: string, hash: string, createdAt: number): Promise<boolean>;
  /** Resolves false when there is no live key of that name. */
  revoke(name: string, revokedAt: number): Promise<boolean>;
  list(): Promise<PublishKeyInfo[]>;
  /** The live key with this hash; undefined for an unknown or revoked key. */
  findByHash(hash: string): Promise<{ readonly name: string } | undefined>;
}

/**
 * Who belongs to which group (DynamoDB groups table). Membership is decided by publish-key
 * holders through `/v1/groups`, never by a client.
 */
export interface GroupDirectory {
  /** Resolves true when the user was not a member before. */
  add(group: string, userId: string): Promise<boolean>;
  remove(group: string, userId: string): Promise<void>;
  /** Every member, in user-id order; none for a group nobody joined. */
  members(group: string): Promise<string[]>;
}

/** Each person's channel choices and time zone (preferences table); see preferences/preferences.ts. */
export interface PreferenceStore {
  /** What the user set, or undefined when they never set anything. */
  get(userId: string): Promise<StoredPreferences | undefined>;
  /** Merges `changes` into what is stored (one write) and resolves the result. */
  update(userId: string, changes: PreferenceChanges): Promise<StoredPreferences>;
}

/** The receipts of a large group message's parts (delivery/group-parts.ts), kept on its item. */
export interface GroupPartReceipts {
  /**
   * Records what one part's delivery did; the message's receipt is the parts' combined once all
   * `parts` recorded. Recording a part again keeps the first.
   */
  recordPartDelivery(id: string, part: number, parts: number, delivery: PublicationDelivery): Promise<void>;
}

/** Hands the parts of a large group message to invocations of their own (delivery/group-parts.ts). */
export interface GroupPartDispatcher {
  /** Resolves once every part is accepted for delivery (deployed: queued by Lambda; locally: delivered). */
  dispatch(parts: readonly GroupPart[]): Promise<void>;
}

/**
 * What a channel in `digest` mode owes a user, kept until that user's daily digest goes out
 * (issue 13; src/domain/digest). Idempotent per channel, user and notification id: a retried
 * batch owes the same notifications again and the digest still lists each once.
 *
 * @example
 *   await digests.owe("email", "alice", [likeOnArticle]);
 */
export interface DigestQueue {
  owe(channel: Channel, userId: string, notifications: readonly Notification[]): Promise<void>;
}

/** One e-mail as sent: what the ledger records before sending, so a retry sends the very same mail. */
export interface EmailMessage {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Sends one e-mail (Amazon SES v2, or the laptop's SES emulator). */
export interface EmailSender {
  /**
   * `key` is the push's ledger key, the same on every retry of that push. SES has no idempotency
   * key and replaces any Message-ID, so the adapter marks the mail with it (a header) instead: a
   * repeat sent after a crash is recognisable (docs/ARCHITECTURE.md "E-mail").
   */
  send(to: string, message: EmailMessage, key: string): Promise<void>;
}

/** One notification a channel owes a user, as the digest queue keeps it. */
export interface OwedNotification {
  readonly notification: Notification;
  /** Epoch ms: when it was first owed (owing it again keeps the first time). */
  readonly owedAt: number;
}

/**
 * The digest side of the queue (DynamoDB digests table; src/domain/digest/send-digests.ts): who is
 * owed what, and settling once a digest went.
 *
 * @example
 *   for (const { channel, userId } of await backlog.debtors()) await backlog.owed(channel, userId);
 */
export interface DigestBacklog extends DigestQueue {
  /** Every channel and user with something owed. */
  debtors(): Promise<{ readonly channel: Channel; readonly userId: string }[]>;
  /** What the channel owes the user, oldest first. */
  owed(channel: Channel, userId: string): Promise<OwedNotification[]>;
  /** The day (YYYY-MM-DD, the user's zone) of the last digest that went out, if any is remembered. */
  lastDigest(channel: Channel, userId: string): Promise<string | undefined>;
  /** Records `day`'s digest as sent, then forgets the notifications it carried. */
  settle(channel: Channel, userId: string, day: string, ids: readonly string[]): Promise<void>;
}

/**
 * LINE's monthly message count for the whole channel (LINE counts one message per recipient of a
 * push), in the deliveries table; the rule is src/domain/delivery/line-quota.ts.
 *
 * @example
 *   if (!(await quota.claimSlot("2026-11", push.key, 200))) throw new LineQuotaExhaustedError("2026-11");
 */
export interface LineQuota {
  /** Slots taken in `month` (YYYY-MM) and, once the pace rule switched LINE to digests, since when (epoch ms). */
  usage(month: string): Promise<{ readonly used: number; readonly digestSince?: number }>;
  /** Marks `month` as switched to daily digests; the first mark stays. */
  switchToDigests(month: string, atMs: number): Promise<void>;
  /**
   * Takes one of `limit` slots of `month` for the push `pushKey`, in one conditional write, so
   * concurrent pushes can never take more than `limit`. The same push gets its slot again (a retry
   * after a crash is not counted twice). Resolves false when none is left.
   */
  claimSlot(month: string, pushKey: string, limit: number): Promise<boolean>;
  /** Resolves true once per month and recipient: that caller puts the switch's note in its push. */
  takeNote(month: string, to: string): Promise<boolean>;
}

/**
 * Where bodies too large for a frame are kept (S3; large-bodies.ts), and how a client reads one:
 * a URL anyone holding it can GET, with no credentials of its own.
 *
 * @example
 *   await bodies.put("bodies/3f2a…", body);
 *   const url = await bodies.urlFor("bodies/3f2a…"); // valid for at least an hour
 */
export interface BodyStore {
  put(key: string, body: string): Promise<void>;
  /** A presigned GET URL of the object, valid for at least an hour from now. */
  urlFor(key: string): Promise<string>;
}

/**
 * Wakes the release of one scheduled notification at its time (deployed: a one-time EventBridge
 * Scheduler schedule that invokes the release function with `{"id"}`). Set before the item is
 * written; setting it twice for one id is one alarm. An alarm whose notification was never written,
 * was cancelled or was released already finds nothing to release when it fires.
 */
export interface ReleaseAlarm {
  /** Resolves once the alarm is set (or was set before) for `sendAtMs` (epoch ms); rejects when it could not be. */
  setFor(id: string, sendAtMs: number): Promise<void>;
}
