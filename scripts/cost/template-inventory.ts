/**
 * What the synthesized templates hold that has a price of its own: resources counted by type, plus
 * the few properties that change a bill (alarm metrics, whether the handlers emit custom metrics,
 * function memory, log retention). Pure: takes template JSON, does no I/O.
 */

import { DIGEST_SCHEDULE_DESCRIPTION } from "../../infra/stateless-stack.ts";

interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
}
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
}

export interface Inventory {
  readonly resourceCounts: Readonly<Record<string, number>>;
  /** CloudWatch bills an alarm per metric it watches (a metric-math alarm, one per metric in it). */
  readonly alarmMetrics: number;
  readonly dashboards: number;
  readonly secrets: number;
  readonly queues: number;
  readonly customerKeys: number;
  /** The collector's schedules (every poll interval). */
  readonly schedules: number;
  /**
   * Schedule groups that hold one one-time schedule per scheduled notification (infra/stateless-stack.ts
   * ReleaseSchedules): nothing runs, and nothing is billed, until a notification is scheduled.
   */
  readonly releaseScheduleGroups: number;
  /** The daily digests' runs (every 15 minutes; infra/stateless-stack.ts DIGEST_SCHEDULE_DESCRIPTION). */
  readonly digestSchedules: number;
  readonly distributions: number;
  /** Whether any project function emits Powertools custom metrics. */
  readonly customMetrics: boolean;
  /** Memory of the project's functions (the largest, if they differ). */
  readonly functionMemoryMb: number;
  /** The longest log retention of the stack's log groups. */
  readonly logRetentionDays: number;
}

const PROJECT_SERVICE = "live-likes";

export function inventory(templates: readonly CfnTemplate[]): Inventory {
  const resources = templates.flatMap((template) => Object.values(template.Resources ?? {}));
  const resourceCounts: Record<string, number> = {};
  for (const { Type } of resources) resourceCounts[Type] = (resourceCounts[Type] ?? 0) + 1;
  const ofType = (type: string) => resources.filter((resource) => resource.Type === type);
  const count = (type: string) => resourceCounts[type] ?? 0;

  const projectFunctions = ofType("AWS::Lambda::Function").filter(
    (fn) => fn.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === PROJECT_SERVICE,
  );
  const digestSchedules = ofType("AWS::Scheduler::Schedule").filter(
    (schedule) => schedule.Properties?.Description === DIGEST_SCHEDULE_DESCRIPTION,
  ).length;
  const alarmMetrics = ofType("AWS::CloudWatch::Alarm").reduce((sum, alarm) => {
    const metrics = alarm.Properties?.Metrics as { MetricStat?: unknown }[] | undefined;
    return sum + (metrics ? metrics.filter((metric) => metric.MetricStat !== undefined).length : 1);
  }, 0);

  return {
    resourceCounts,
    alarmMetrics,
    dashboards: count("AWS::CloudWatch::Dashboard"),
    secrets: count("AWS::SecretsManager::Secret"),
    queues: count("AWS::SQS::Queue"),
    customerKeys: count("AWS::KMS::Key"),
    schedules:
      count("AWS::Scheduler::Schedule") -
      digestSchedules +
      ofType("AWS::Events::Rule").filter((rule) => rule.Properties?.ScheduleExpression).length,
    releaseScheduleGroups: count("AWS::Scheduler::ScheduleGroup"),
    digestSchedules,
    distributions: count("AWS::CloudFront::Distribution"),
    customMetrics: projectFunctions.some((fn) => fn.Properties?.Environment?.Variables?.POWERTOOLS_METRICS_DISABLED !== "true"),
    functionMemoryMb: Math.max(128, ...projectFunctions.map((fn) => Number(fn.Properties?.MemorySize ?? 128))),
    logRetentionDays: Math.max(0, ...ofType("AWS::Logs::LogGroup").map((group) => Number(group.Properties?.RetentionInDays ?? 0))),
  };
}
