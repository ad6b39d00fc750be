/**
 * The usage model: what a month of live-likes does for a number of writers, as counts the bill
 * prices. Pure arithmetic; every assumption is a named field so the printed bill can show it.
 */

export interface Usage {
  readonly writers: number;
  readonly articlesPerWriter: number;
  readonly pollIntervalMinutes: number;
  /** Browser tabs (or phones) each writer keeps open. */
  readonly tabsPerWriter: number;
  readonly hoursOpenPerDay: number;
  /** New likes a writer gets a day, each assumed to land on a different poll (worst case). */
  readonly likesPerWriterPerDay: number;
  /** Notifications a writer's systems publish with a future sendAt (POST /v1/notifications), a month. */
  readonly scheduledPerWriterPerMonth: number;
  readonly daysPerMonth: number;
}

/** The writer: 500 articles, a poll every 5 minutes, one tab 8 hours a day. */
export const DEFAULT_USAGE: Usage = {
  writers: 1,
  articlesPerWriter: 500,
  pollIntervalMinutes: 5,
  tabsPerWriter: 1,
  hoursOpenPerDay: 8,
  likesPerWriterPerDay: 10,
  // One a day: a generous reading of "a group's subscribers receive a message at a chosen date and hour".
  scheduledPerWriterPerMonth: 30,
  daysPerMonth: 30,
};

/** How the code behaves, measured or read from it; change with the code. */
export const BEHAVIOUR = {
  /**
   * One scheduled notification's release: a GetItem, the wait for the under-a-second rest of its
   * sendAt (at() is rounded down to the second; 0.5 s on average), one conditional UpdateItem.
   */
  releaseSeconds: 0.6,
  /** web/app.js PING_EVERY_MS. */
  pingIntervalMinutes: 5,
  /** API Gateway closes a WebSocket after 2 h; the page reconnects and resumes. */
  connectionLifetimeHours: 2,
  /** Qiita's per_page maximum: one list request per 100 articles. */
  articlesPerPage: 100,
  /** A stored article (title, url, counts, up to the known likers cap). */
  articleItemKb: 0.6,
  /** A written article item with its likers lists: 2 write units. */
  articleWriteUnits: 2,
  /** Collector: fixed part of a run (start, settings, one Query per writer is counted apart). */
  collectorBaseSeconds: 0.5,
  /** One Qiita request's round trip. */
  qiitaRequestSeconds: 0.3,
  /** Writers the collector polls side by side. */
  collectorConcurrency: 4,
  defaultSeconds: 0.05,
  connectSeconds: 0.3,
  disconnectSeconds: 0.1,
  /** The stream event source's batch size (infra/stateless-stack.ts). */
  streamBatchSize: 100,
  /** The collector's timeout at a 5-minute poll (infra/stateless-stack.ts): min(interval − 10 s, 120 s). */
  collectorTimeoutSeconds: 120,
  /** A stream batch: fan-out plus the LINE ledger and push. */
  streamSeconds: 0.5,
  /** Bytes of log per invocation: Lambda's START/END/REPORT lines plus the handler's own. */
  logBytesPerInvocation: 700,
  /** Bytes of API Gateway access log per WebSocket event (connect, message, disconnect). */
  accessLogBytesPerEvent: 350,
  /** A like frame as sent (JSON). */
  likeFrameBytes: 400,
  /** Page loads per tab a day: the page stays open and reconnects by itself. */
  pageLoadsPerTabPerDay: 1,
  /** Files a page load fetches (index.html, app.js, live-feed.js, style.css, config.json). */
  filesPerPageLoad: 5,
  pageBytes: 40_000,
  /** CDK's staging bucket keeps the function bundles and the page asset. */
  stagingBucketGb: 0.01,
} as const;

/** What one month of usage amounts to, before prices. */
export interface MonthlyCounts {
  readonly collectorRuns: number;
  readonly collectorSeconds: number;
  readonly qiitaRequestsPerHourPerToken: number;
  readonly likes: number;
  readonly streamInvocations: number;
  readonly connectionMinutes: number;
  readonly connects: number;
  readonly pings: number;
  readonly resumes: number;
  readonly likeFrames: number;
  readonly websocketMessages: number;
  readonly defaultInvocations: number;
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly articleStorageGb: number;
  readonly parameterReads: number;
  readonly pageRequests: number;
  readonly pageTransferGb: number;
  readonly frameTransferGb: number;
}

export function monthlyCounts(usage: Usage, behaviour: typeof BEHAVIOUR = BEHAVIOUR): MonthlyCounts {
  const { writers, daysPerMonth } = usage;
  const minutesPerMonth = daysPerMonth * 24 * 60;
  const collectorRuns = minutesPerMonth / usage.pollIntervalMinutes;
  const pagesPerWriter = Math.ceil(usage.articlesPerWriter / behaviour.articlesPerPage);
  // Writers are polled `collectorConcurrency` at a time; each reads its pages one after another.
  const collectorSeconds =
    behaviour.collectorBaseSeconds + Math.ceil(writers / behaviour.collectorConcurrency) * pagesPerWriter * behaviour.qiitaRequestSeconds;
  const likes = writers * usage.likesPerWriterPerDay * daysPerMonth;
  // The filter invokes only for likes; a poll's likes arrive together (5 s window), so one batch
  // per poll, unless a poll brings more likes than one batch holds.
  const streamInvocations = Math.max(Math.min(likes, collectorRuns), Math.ceil(likes / behaviour.streamBatchSize));

  const tabs = writers * usage.tabsPerWriter;
  const connectionMinutes = tabs * usage.hoursOpenPerDay * 60 * daysPerMonth;
  const connects = tabs * Math.ceil(usage.hoursOpenPerDay / behaviour.connectionLifetimeHours) * daysPerMonth;
  const pings = connectionMinutes / behaviour.pingIntervalMinutes;
  const resumes = connects; // the page resumes on every open
  const likeFrames = likes * usage.tabsPerWriter * (usage.hoursOpenPerDay / 24);
  // ping + pong, resume + its answer, the like frames (replayed ones are counted as frames too).
  const websocketMessages = 2 * pings + 2 * resumes + likeFrames;
  const defaultInvocations = pings + resumes;

  // One eventually consistent Query per writer per poll reads every stored article (4 KB steps).
  const queryReadUnits = Math.ceil((usage.articlesPerWriter * behaviour.articleItemKb) / 4) * 0.5;
  const readUnits =
    collectorRuns * writers * queryReadUnits +
    connects * (0.5 /* byUser count */ + 0.5) /* revocation */ +
    resumes * (0.5 /* connection */ + 0.5) /* events page */ +
    likes * (0.5 /* byUser */ + 0.5) /* ledger */;
  const writeUnits =
    likes * (behaviour.articleWriteUnits + 1 /* event log */ + 2) /* ledger claim + push */ +
    connects * 2 /* put + delete */ +
    resumes * 1 /* rate-limit counter */;

  return {
    collectorRuns,
    collectorSeconds,
    qiitaRequestsPerHourPerToken: (60 / usage.pollIntervalMinutes) * pagesPerWriter + usage.likesPerWriterPerDay / 24,
    likes,
    streamInvocations,
    connectionMinutes,
    connects,
    pings,
    resumes,
    likeFrames,
    websocketMessages,
    defaultInvocations,
    readUnits,
    writeUnits,
    articleStorageGb: (writers * usage.articlesPerWriter * behaviour.articleItemKb) / 1e6,
    // Cached five minutes; worst case every collector run and every connect and stream batch
    // starts cold and reads its parameters once (stream: token + recipients).
    parameterReads: collectorRuns + connects + 2 * streamInvocations,
    pageRequests: tabs * behaviour.pageLoadsPerTabPerDay * daysPerMonth * behaviour.filesPerPageLoad,
    pageTransferGb: (tabs * behaviour.pageLoadsPerTabPerDay * daysPerMonth * behaviour.pageBytes) / 1e9,
    frameTransferGb: (websocketMessages * 200 + likeFrames * behaviour.likeFrameBytes) / 1e9,
  };
}
