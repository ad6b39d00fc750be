/**
 * EventBridge Scheduler (every 15 min) ─▶ [send-digests handler] ─▶ send-digests
 * (src/domain/digest/send-digests.ts) ─▶ LINE / e-mail. Thin: runs the use case, logs what it did
 * and what went wrong, and fails the invocation only when the queue itself could not be read (the
 * next run, 15 minutes later, tries again; a digest that failed for one user waits for it too).
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { type DigestSummary, type SendDigestsDeps, sendDigests } from "#domain/digest/send-digests.ts";

export interface SendDigestsHandlerDeps extends SendDigestsDeps {
  readonly logger: Logger;
  readonly metrics?: Metrics;
}

export function createSendDigestsHandler(deps: SendDigestsHandlerDeps) {
  return async (): Promise<DigestSummary> => {
    const summary = await sendDigests(deps);
    for (const problem of summary.problems) {
      deps.logger.warn(problem.message, { channel: problem.channel, userId: problem.userId, error: problem.error as Error });
    }
    if (summary.dropped > 0)
      deps.logger.warn("digest items dropped: their channel is not set up for the user", { dropped: summary.dropped });
    deps.logger.info("digests run", { digests: summary.digests, pushes: summary.pushes, problems: summary.problems.length });
    if (deps.metrics) {
      deps.metrics.addMetric("DigestsSent", MetricUnit.Count, summary.digests);
      deps.metrics.publishStoredMetrics();
    }
    return summary;
  };
}
