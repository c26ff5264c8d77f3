import { AppError } from '@app/core';
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { DateTime } from 'luxon';
import { type DeadlineRef, type ScheduledDeadline, type Scheduler, scheduleName } from './port.ts';

// The AWS side of the scheduler port (DESIGN.md §5): one EventBridge Scheduler one-time schedule
// per deadline, named by `scheduleName`, in one group per stage (never per tenant: an account has
// 500 groups). The schedule deletes itself after it has fired; a failed call of the handler is
// retried by Scheduler, then dead-lettered. Arming and disarming are idempotent by name.

export interface EventBridgeSchedulerOptions {
  readonly client: SchedulerClient;
  /** The stage's schedule group. */
  readonly groupName: string;
  /** The deadline handler (a Lambda). */
  readonly targetArn: string;
  /** The role Scheduler assumes to invoke it. */
  readonly roleArn: string;
  /** An SQS queue for calls that failed every retry. */
  readonly deadLetterArn: string;
  /** Scheduler's retries of a failed call, 0–185 (default 185, AWS's own). */
  readonly maxRetries?: number;
  /** How long Scheduler keeps retrying, 60–86400 s (default 86400, AWS's own). */
  readonly maxEventAgeSeconds?: number;
  /** Our retries of a throttled API call, on top of the SDK's: total attempts, and the backoff base. */
  readonly retry?: { readonly attempts: number; readonly baseMs: number };
}

/** A deadline the schedule cannot be written for (no instant, or no such zone): retrying will not help. */
export class InvalidDeadlineError extends AppError<'INVALID_DEADLINE'> {
  constructor(message: string, details: Readonly<Record<string, unknown>>) {
    super('INVALID_DEADLINE', message, details);
  }
}

const MAX_DELAY_MS = 5_000;
const OFFSET = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/** Told apart by name, not `instanceof`: bundling can load the SDK's classes twice. */
const isNamed = (error: unknown, name: string): boolean =>
  typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * `at()` takes a wall time to the second, without an offset, in `ScheduleExpressionTimezone`.
 * Rounded up to the second, so it never fires before `dueAt`. A wall time the fall-back hour
 * repeats names two instants, and AWS does not document which one it picks: those are written
 * in UTC instead, where every wall time is one instant.
 */
export const atExpression = (dueAt: string, timeZone: string): { expression: string; timeZone: string } => {
  const instant = DateTime.fromISO(dueAt, { setZone: true });
  if (!OFFSET.test(dueAt) || !instant.isValid)
    throw new InvalidDeadlineError(`dueAt must be an ISO 8601 instant with an offset; got ${dueAt}`, { dueAt });
  const due = instant.millisecond === 0 ? instant : instant.startOf('second').plus({ seconds: 1 });
  const local = due.setZone(timeZone);
  if (!local.isValid) throw new InvalidDeadlineError(`unknown time zone ${timeZone}`, { timeZone });
  const [written, zone] = local.getPossibleOffsets().length > 1 ? [due.toUTC(), 'UTC'] : [local, timeZone];
  return { expression: `at(${written.toFormat("yyyy-MM-dd'T'HH:mm:ss")})`, timeZone: zone };
};

const checkRange = (name: string, value: number, min: number, max: number) => {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new RangeError(`${name} must be an integer from ${min} to ${max}; got ${value}`);
};

/** The scheduler port on EventBridge Scheduler. */
export const eventBridgeScheduler = (options: EventBridgeSchedulerOptions): Scheduler => {
  const { client, groupName, targetArn, roleArn, deadLetterArn } = options;
  const maxRetries = options.maxRetries ?? 185;
  const maxEventAgeSeconds = options.maxEventAgeSeconds ?? 86_400;
  const { attempts, baseMs } = options.retry ?? { attempts: 4, baseMs: 200 };
  checkRange('maxRetries', maxRetries, 0, 185);
  checkRange('maxEventAgeSeconds', maxEventAgeSeconds, 60, 86_400);
  checkRange('retry.attempts', attempts, 1, 20);

  // The SDK has already retried a throttled call a few times; a burst of armings (a replay, a
  // bulk import) can outlast that. Past our attempts the error goes up and the stream redelivers.
  const throttled = async (call: () => Promise<unknown>, tolerated: string): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await call();
        return;
      } catch (error) {
        if (isNamed(error, tolerated)) return;
        if (!isNamed(error, 'ThrottlingException') || attempt >= attempts) throw error;
        // Full jitter: throttled callers spread out instead of retrying in lockstep.
        await sleep(Math.random() * Math.min(MAX_DELAY_MS, baseMs * 2 ** attempt));
      }
    }
  };

  return {
    async arm(d: ScheduledDeadline) {
      const { expression, timeZone } = atExpression(d.dueAt, d.timeZone);
      const { tenantId, streamId, deadlineId, kind, armedAtVersion } = d;
      const input: CreateScheduleCommandInput = {
        Name: scheduleName(d),
        GroupName: groupName,
        ScheduleExpression: expression,
        ScheduleExpressionTimezone: timeZone,
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        State: 'ENABLED',
        // ids only: a schedule is readable in the console by anyone who may operate the stage
        Description: `${kind} ${deadlineId} of ${streamId} (tenant ${tenantId})`,
        Target: {
          Arn: targetArn,
          RoleArn: roleArn,
          Input: JSON.stringify({ tenantId, streamId, deadlineId, kind, armedAtVersion }),
          DeadLetterConfig: { Arn: deadLetterArn },
          RetryPolicy: { MaximumRetryAttempts: maxRetries, MaximumEventAgeInSeconds: maxEventAgeSeconds },
        },
      };
      // ConflictException: a schedule of that name exists, and the name fixes what it does.
      await throttled(() => client.send(new CreateScheduleCommand(input)), 'ConflictException');
    },
    async disarm(d: DeadlineRef) {
      // ResourceNotFoundException: it fired already (and deleted itself), or never was armed.
      await throttled(
        () => client.send(new DeleteScheduleCommand({ Name: scheduleName(d), GroupName: groupName })),
        'ResourceNotFoundException',
      );
    },
  };
};
