/**
 * ReleaseAlarm on EventBridge Scheduler: one one-time schedule per scheduled notification,
 * `release-<id>` in the stack's schedule group, `at(YYYY-MM-DDTHH:MM:SS)` in UTC (sendAt rounded
 * DOWN to the second, or the next second when that is too close: the release function waits out
 * the rest, never sends before sendAt), no
 * flexible window, deleted by Scheduler once it has run. Its target is the release function with
 * `{"id": ID}` as the event, invoked by the scheduler role the stack made for that only.
 * A schedule of that name already there (ConflictException: a retried request, a repeated publish
 * of the same id) counts as set; ids are unique, so the same name is the same notification.
 * Nothing deletes a schedule when its notification is cancelled: it fires, the conditional release
 * finds the item cancelled and does nothing, and Scheduler deletes it (one invocation, $0.0000002).
 *
 * @example
 *   const alarm = new EventBridgeReleaseAlarm({ groupName, roleArn, targetArn });
 *   await alarm.setFor("0001798102800000…", Date.parse("2026-12-24T09:00:00Z"));
 */
import { ConflictException, CreateScheduleCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import type { ReleaseAlarm } from "#domain/ports.ts";

/** Schedule names are `release-<id>`: the prefix the publish function's grant is limited to. */
export const RELEASE_SCHEDULE_PREFIX = "release-";

/**
 * Scheduler's own retries of a failed invocation (Lambda throttled or unavailable), within an hour:
 * past that a late release would break the contract's "at most 60 s after sendAt" anyway, but late
 * is still better than never.
 */
export const RELEASE_RETRY_POLICY = { MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 3_600 } as const;

export interface EventBridgeReleaseAlarmOptions {
  /** The schedule group the stack created (RELEASE_SCHEDULE_GROUP). */
  readonly groupName: string;
  /** The role Scheduler assumes to invoke the target (RELEASE_SCHEDULER_ROLE_ARN). */
  readonly roleArn: string;
  /** The release function's ARN (RELEASE_FUNCTION_ARN). */
  readonly targetArn: string;
  readonly client?: SchedulerClient;
  /** Epoch ms (tests). */
  readonly nowMs?: () => number;
}

export class EventBridgeReleaseAlarm implements ReleaseAlarm {
  private readonly options: EventBridgeReleaseAlarmOptions;
  private readonly client: SchedulerClient;

  constructor(options: EventBridgeReleaseAlarmOptions) {
    this.options = options;
    this.client = options.client ?? new SchedulerClient({});
  }

  async setFor(id: string, sendAtMs: number): Promise<void> {
    try {
      await this.client.send(
        new CreateScheduleCommand({
          Name: scheduleNameOf(id),
          GroupName: this.options.groupName,
          ScheduleExpression: atExpression(alarmTimeMs(sendAtMs, (this.options.nowMs ?? Date.now)())),
          ScheduleExpressionTimezone: "UTC",
          FlexibleTimeWindow: { Mode: "OFF" },
          ActionAfterCompletion: "DELETE",
          Description: "live-likes: release one scheduled notification",
          Target: {
            Arn: this.options.targetArn,
            RoleArn: this.options.roleArn,
            Input: JSON.stringify({ id }),
            RetryPolicy: RELEASE_RETRY_POLICY,
          },
        }),
      );
    } catch (error) {
      // Set before: the same id is the same notification at the same time.
      if (error instanceof ConflictException) return;
      throw error;
    }
  }
}

/** `release-<id>`: ids are 40-digit event ids, so 48 characters, inside the 64 of `[0-9a-zA-Z-_.]` a schedule name may have. */
export function scheduleNameOf(id: string): string {
  return `${RELEASE_SCHEDULE_PREFIX}${id}`;
}

/**
 * When the schedule fires: sendAt rounded down to the second, never before a whole second at least
 * 1 s from now. A sendAt within a second or two of the request would otherwise name a time already
 * past when Scheduler reads it, which the API reference does not promise to run; the release waits
 * for sendAt anyway, so the later of the two is never early.
 */
export function alarmTimeMs(sendAtMs: number, nowMs: number): number {
  return Math.max(Math.floor(sendAtMs / 1000) * 1000, Math.ceil((nowMs + 1000) / 1000) * 1000);
}

/** `at(YYYY-MM-DDTHH:MM:SS)` of an epoch ms in UTC, rounded down to the second. */
export function atExpression(epochMs: number): string {
  return `at(${new Date(Math.floor(epochMs / 1000) * 1000).toISOString().slice(0, 19)})`;
}
