import { isAppError } from '@app/core';
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { DateTime } from 'luxon';
import { beforeEach, describe, expect, it } from 'vitest';
import { eventBridgeScheduler } from './eventBridgeScheduler.ts';
import { type ScheduledDeadline, scheduleName } from './port.ts';

// Scheduler has no local form: the two calls are checked against the request shapes the
// EventBridge Scheduler API documents (CreateSchedule: Name and GroupName ≤ 64 of
// [0-9a-zA-Z-_.], `at(yyyy-mm-ddThh:mm:ss)` in ScheduleExpressionTimezone, FlexibleTimeWindow,
// ActionAfterCompletion, Target with RoleArn, Input, DeadLetterConfig and RetryPolicy;
// DeleteSchedule: Name and GroupName), and its errors are the SDK's own exception classes.

const scheduler = mockClient(SchedulerClient);
beforeEach(() => scheduler.reset());

const OPTIONS = {
  groupName: 'deadlines-prod',
  targetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:deadline-handler',
  roleArn: 'arn:aws:iam::123456789012:role/deadline-scheduler',
  deadLetterArn: 'arn:aws:sqs:eu-west-1:123456789012:deadlines-dlq',
  maxRetries: 10,
  maxEventAgeSeconds: 3_600,
  retry: { attempts: 3, baseMs: 1 },
};
const make = () => eventBridgeScheduler({ client: new SchedulerClient({ region: 'eu-west-1' }), ...OPTIONS });

const deadline = (over: Partial<ScheduledDeadline> = {}): ScheduledDeadline => ({
  tenantId: 'ten_01J9Z3K4M5N6P7Q8R9S0T1V2W3',
  streamId: 'int_01J9Z3K4M5N6P7Q8R9S0T1V2W4',
  deadlineId: 'FOLLOW_UP_DUE-7',
  kind: 'FOLLOW_UP_DUE',
  dueAt: '2026-06-15T07:30:00.000Z',
  armedAtVersion: 7,
  timeZone: 'Europe/Berlin',
  ...over,
});

const sent = () => scheduler.commandCalls(CreateScheduleCommand).map((call) => call.args[0].input);
const deleted = () => scheduler.commandCalls(DeleteScheduleCommand).map((call) => call.args[0].input);
// what the SDK's deserializer passes: the message twice (Error's and the model's `Message`), and metadata
const opts = (message: string) => ({ message, Message: message, $metadata: {} });
const throttling = () => new ThrottlingException(opts('Rate exceeded'));

describe('arming', () => {
  it('creates one one-time schedule in the stage group, due at the instant in the tenant zone', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:::schedule/x' });
    const d = deadline();
    await make().arm(d);

    expect(sent()).toEqual([
      {
        Name: scheduleName(d),
        GroupName: 'deadlines-prod',
        ScheduleExpression: 'at(2026-06-15T09:30:00)',
        ScheduleExpressionTimezone: 'Europe/Berlin',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        State: 'ENABLED',
        Description:
          'FOLLOW_UP_DUE FOLLOW_UP_DUE-7 of int_01J9Z3K4M5N6P7Q8R9S0T1V2W4 (tenant ten_01J9Z3K4M5N6P7Q8R9S0T1V2W3)',
        Target: {
          Arn: OPTIONS.targetArn,
          RoleArn: OPTIONS.roleArn,
          Input:
            '{"tenantId":"ten_01J9Z3K4M5N6P7Q8R9S0T1V2W3","streamId":"int_01J9Z3K4M5N6P7Q8R9S0T1V2W4",' +
            '"deadlineId":"FOLLOW_UP_DUE-7","kind":"FOLLOW_UP_DUE","armedAtVersion":7}',
          DeadLetterConfig: { Arn: OPTIONS.deadLetterArn },
          RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3_600 },
        },
      },
    ]);
  });

  it('names a deadline deterministically, within 64 characters of the allowed alphabet', async () => {
    scheduler.on(CreateScheduleCommand).resolves({});
    const a = deadline();
    const other = deadline({ deadlineId: 'FOLLOW_UP_DUE-9', armedAtVersion: 9 });
    await make().arm(a);
    await make().arm({ ...a });
    await make().arm(other);

    const names = sent().map((input) => input.Name);
    expect(names[0]).toBe(names[1]);
    expect(names[2]).not.toBe(names[0]);
    for (const name of names) expect(name).toMatch(/^[0-9a-zA-Z\-_.]{1,64}$/);
  });

  it('takes AWS defaults for the retry policy when none is given', async () => {
    scheduler.on(CreateScheduleCommand).resolves({});
    const { maxRetries: _r, maxEventAgeSeconds: _a, ...rest } = OPTIONS;
    await eventBridgeScheduler({ client: new SchedulerClient({}), ...rest }).arm(deadline());
    expect(sent()[0]?.Target?.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 });
  });

  it('refuses a retry policy AWS would refuse, before any call', () => {
    const client = new SchedulerClient({});
    expect(() => eventBridgeScheduler({ client, ...OPTIONS, maxRetries: 186 })).toThrow(RangeError);
    expect(() => eventBridgeScheduler({ client, ...OPTIONS, maxEventAgeSeconds: 59 })).toThrow(RangeError);
  });
});

describe('the at() expression', () => {
  const expressionFor = async (dueAt: string, timeZone: string) => {
    scheduler.reset();
    scheduler.on(CreateScheduleCommand).resolves({});
    await make().arm(deadline({ dueAt, timeZone }));
    const [input] = sent();
    return { at: input?.ScheduleExpression, zone: input?.ScheduleExpressionTimezone };
  };
  // What Scheduler will do with it: read the wall time in the zone.
  const instantOf = ({ at, zone }: { at?: string | undefined; zone?: string | undefined }) =>
    DateTime.fromISO(at?.slice(3, -1) ?? '', { zone: zone ?? 'UTC' })
      .toUTC()
      .toISO();

  it.each([
    // America/New_York springs forward on 2026-03-08 at 02:00 EST (07:00Z)
    ['2026-03-08T06:30:00.000Z', 'America/New_York', 'at(2026-03-08T01:30:00)'],
    ['2026-03-08T07:30:00.000Z', 'America/New_York', 'at(2026-03-08T03:30:00)'],
    ['2026-03-15T13:00:00.000Z', 'America/New_York', 'at(2026-03-15T09:00:00)'],
    // Europe/Berlin springs forward on 2026-03-29 at 02:00 CET (01:00Z)
    ['2026-03-29T00:30:00.000Z', 'Europe/Berlin', 'at(2026-03-29T01:30:00)'],
    ['2026-03-29T01:30:00.000Z', 'Europe/Berlin', 'at(2026-03-29T03:30:00)'],
    // an offset other than Z names the same instant
    ['2026-03-29T03:30:00+02:00', 'Europe/Berlin', 'at(2026-03-29T03:30:00)'],
  ])('writes %s in %s as %s, the same instant', async (dueAt, zone, expected) => {
    const written = await expressionFor(dueAt, zone);
    expect(written).toEqual({ at: expected, zone });
    expect(instantOf(written)).toBe(DateTime.fromISO(dueAt).toUTC().toISO());
  });

  it.each([
    // the fall-back hour happens twice: 02:30 in Berlin on 2026-10-25 is 00:30Z and 01:30Z
    ['2026-10-25T00:30:00.000Z', 'Europe/Berlin', 'at(2026-10-25T00:30:00)'],
    ['2026-10-25T01:30:00.000Z', 'Europe/Berlin', 'at(2026-10-25T01:30:00)'],
    ['2026-11-01T05:30:00.000Z', 'America/New_York', 'at(2026-11-01T05:30:00)'],
    ['2026-11-01T06:30:00.000Z', 'America/New_York', 'at(2026-11-01T06:30:00)'],
  ])('writes %s, a wall time %s repeats, in UTC', async (dueAt, zone, expected) => {
    const written = await expressionFor(dueAt, zone);
    expect(written).toEqual({ at: expected, zone: 'UTC' });
    expect(instantOf(written)).toBe(dueAt);
  });

  it('rounds a fraction of a second up, never firing early', async () => {
    expect(await expressionFor('2026-06-15T07:30:00.250Z', 'Europe/Berlin')).toEqual({
      at: 'at(2026-06-15T09:30:01)',
      zone: 'Europe/Berlin',
    });
  });

  it('refuses an instant without an offset, or a zone that does not exist, without a call', async () => {
    for (const bad of [{ dueAt: '2026-06-15T09:30:00' }, { dueAt: 'soon' }, { timeZone: 'Mars/Olympus_Mons' }]) {
      const error = await make()
        .arm(deadline(bad))
        .catch((e: unknown) => e);
      expect(isAppError(error, 'INVALID_DEADLINE')).toBe(true);
    }
    expect(sent()).toEqual([]);
  });
});

describe('disarming', () => {
  it('deletes the schedule of that name in the stage group', async () => {
    scheduler.on(DeleteScheduleCommand).resolves({});
    const d = deadline();
    await make().disarm({ tenantId: d.tenantId, streamId: d.streamId, deadlineId: d.deadlineId, kind: d.kind });
    expect(deleted()).toEqual([{ Name: scheduleName(d), GroupName: 'deadlines-prod' }]);
  });
});

describe('errors', () => {
  it('takes a schedule that exists already as armed', async () => {
    scheduler.on(CreateScheduleCommand).rejects(new ConflictException(opts('Schedule exists')));
    await expect(make().arm(deadline())).resolves.toBeUndefined();
    expect(sent()).toHaveLength(1);
  });

  it('takes a schedule that is gone (fired, or never armed) as disarmed', async () => {
    scheduler.on(DeleteScheduleCommand).rejects(new ResourceNotFoundException(opts('no such schedule')));
    await expect(make().disarm(deadline())).resolves.toBeUndefined();
    expect(deleted()).toHaveLength(1);
  });

  it('lets a missing group through when arming, and a conflict when disarming', async () => {
    scheduler.on(CreateScheduleCommand).rejects(new ResourceNotFoundException(opts('no such group')));
    scheduler.on(DeleteScheduleCommand).rejects(new ConflictException(opts('inconsistent state')));
    await expect(make().arm(deadline())).rejects.toThrow('no such group');
    await expect(make().disarm(deadline())).rejects.toThrow('inconsistent state');
    expect(sent()).toHaveLength(1);
    expect(deleted()).toHaveLength(1);
  });

  it('retries a throttled call with backoff, and succeeds', async () => {
    scheduler.on(CreateScheduleCommand).rejectsOnce(throttling()).rejectsOnce(throttling()).resolves({});
    scheduler.on(DeleteScheduleCommand).rejectsOnce(throttling()).rejectsOnce(throttling()).resolves({});
    await expect(make().arm(deadline())).resolves.toBeUndefined();
    await expect(make().disarm(deadline())).resolves.toBeUndefined();
    expect(sent()).toHaveLength(3);
    expect(deleted()).toHaveLength(3);
  });

  it('gives up on throttling after the configured attempts, for the stream to redeliver', async () => {
    scheduler.on(CreateScheduleCommand).rejects(throttling());
    await expect(make().arm(deadline())).rejects.toBeInstanceOf(ThrottlingException);
    expect(sent()).toHaveLength(3);
  });

  it('lets any other error through at once', async () => {
    scheduler.on(CreateScheduleCommand).rejects(new ValidationException(opts('bad expression')));
    await expect(make().arm(deadline())).rejects.toBeInstanceOf(ValidationException);
    expect(sent()).toHaveLength(1);
  });
});
