import { createHash } from 'node:crypto';
import type { DeadlineKind } from '@app/domain';

// What time needs from its host (DESIGN.md §5): a way to be called back once, at a deadline.
// In AWS an EventBridge Scheduler one-time schedule; locally an item per deadline and a poller.
// Both name a deadline the same deterministic way, so arming twice is one schedule, and
// disarming one that already fired (or never was) is no error.

/** One armed deadline of one interview: what the handler is called back with. */
export interface DeadlineRef {
  readonly tenantId: string;
  readonly streamId: string;
  /** The arming (`KIND-version`), stable across reloads: what the deadline command settles. */
  readonly deadlineId: string;
  readonly kind: DeadlineKind;
}

export interface ScheduledDeadline extends DeadlineRef {
  /** When it falls due (an instant, ISO 8601). */
  readonly dueAt: string;
  /** The stream version that armed it. */
  readonly armedAtVersion: number;
  /** The tenant's time zone: a schedule is written in it (readable in the console), due at the same instant. */
  readonly timeZone: string;
}

export interface Scheduler {
  /** Arms a one-time call of the deadline handler at `dueAt`; arming again is a no-op. */
  arm(deadline: ScheduledDeadline): Promise<void>;
  /** Disarms it; one that fired already, or never was, is no error. */
  disarm(deadline: DeadlineRef): Promise<void>;
}

/**
 * The deadline's name: deterministic, within Scheduler's 64 characters and its alphabet
 * (`[0-9a-zA-Z-_.]`): `dl-` and 43 characters of a SHA-256 of the tenant, stream and arming.
 */
export const scheduleName = (d: DeadlineRef): string =>
  `dl-${createHash('sha256').update(`${d.tenantId}/${d.streamId}/${d.deadlineId}`).digest('base64url')}`;
