/** EventBridgeReleaseAlarm with the real Scheduler SDK client against the fake Scheduler's REST API. */
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  alarmTimeMs,
  atExpression,
  EventBridgeReleaseAlarm,
  RELEASE_RETRY_POLICY,
  scheduleNameOf,
} from "#adapters/scheduler/eventbridge-release-alarm.ts";
import { FakeSchedulerServer } from "#test/fakes/fake-scheduler-server.ts";

const TARGET = "arn:aws:lambda:us-east-1:123456789012:function:live-likes-ReleaseScheduled";
const ROLE = "arn:aws:iam::123456789012:role/live-likes-ReleaseSchedulerRole";
const GROUP = "live-likes-releases";
const ID = "0001798102800000100000000000000000000042";

describe("EventBridgeReleaseAlarm", () => {
  let scheduler: FakeSchedulerServer;
  let client: SchedulerClient;
  let alarm: EventBridgeReleaseAlarm;

  beforeAll(async () => {
    scheduler = await FakeSchedulerServer.start();
    client = new SchedulerClient({
      endpoint: scheduler.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    });
    alarm = new EventBridgeReleaseAlarm({ groupName: GROUP, roleArn: ROLE, targetArn: TARGET, client });
  });
  afterAll(async () => {
    client.destroy();
    await scheduler.close();
  });

  it("creates one one-time schedule release-<id> in the group, at sendAt rounded down to the second in UTC, deleted after it runs", async () => {
    // Act
    await alarm.setFor(ID, Date.parse("2026-12-24T09:00:05.999Z"));

    // Assess
    const schedule = scheduler.schedule(`release-${ID}`, GROUP);
    expect(schedule?.request).toMatchObject({
      ScheduleExpression: "at(2026-12-24T09:00:05)",
      ScheduleExpressionTimezone: "UTC",
      FlexibleTimeWindow: { Mode: "OFF" },
      ActionAfterCompletion: "DELETE",
      Target: { Arn: TARGET, RoleArn: ROLE, Input: JSON.stringify({ id: ID }), RetryPolicy: RELEASE_RETRY_POLICY },
    });
    // The SDK fills the idempotency token itself.
    expect(schedule?.request.ClientToken).toEqual(expect.any(String));
  });

  it("counts a schedule of the same name already there as set (ConflictException)", async () => {
    // Prepare
    const id = "0001798102800000100000000000000000000043";
    await alarm.setFor(id, Date.parse("2026-12-24T09:00:00Z"));

    // Act: a retried publish sets it again, with a fresh client token
    await alarm.setFor(id, Date.parse("2026-12-24T09:00:00Z"));

    // Assess
    expect(scheduler.requests.filter((request) => request.name === `release-${id}`).map((request) => request.status)).toEqual([200, 409]);
    expect(scheduler.list().filter((schedule) => schedule.name === `release-${id}`)).toHaveLength(1);
  });

  it("rejects what Scheduler refuses or fails on, so the publish fails unwritten", async () => {
    // A name Scheduler refuses (ValidationException), then a server error
    await expect(alarm.setFor("not allowed/here", Date.now() + 60_000)).rejects.toMatchObject({ name: "ValidationException" });
    scheduler.failNext(1);
    await expect(alarm.setFor("0001798102800000100000000000000000000044", Date.now() + 60_000)).rejects.toMatchObject({
      name: "InternalServerException",
    });
    expect(scheduler.schedule("release-0001798102800000100000000000000000000044")).toBeUndefined();
  });

  it("fires into the release function with {id}", async () => {
    // Prepare
    const id = "0001798102800000100000000000000000000045";
    const seen: unknown[] = [];
    scheduler.register(TARGET, async (event) => seen.push(event));
    await alarm.setFor(id, Date.now() + 1_000);

    // Act
    await scheduler.fire(scheduleNameOf(id), GROUP);

    // Assess: run once, then deleted
    expect(seen).toEqual([{ id }]);
    expect(scheduler.schedule(scheduleNameOf(id), GROUP)).toBeUndefined();
  });

  it("never names a time less than a second ahead: a sendAt that close fires at the next whole second after", () => {
    const now = Date.parse("2026-12-24T09:00:00.300Z");
    expect(alarmTimeMs(now + 400, now)).toBe(Date.parse("2026-12-24T09:00:02Z"));
    expect(alarmTimeMs(now + 5_900, now)).toBe(Date.parse("2026-12-24T09:00:06Z"));
  });

  it("writes at() in UTC whatever the offset sendAt was given with", () => {
    expect(atExpression(Date.parse("2026-12-24T18:00:00.400+09:00"))).toBe("at(2026-12-24T09:00:00)");
  });
});
