import type { RecordedEvent } from '@app/event-store';
import { DateTime } from 'luxon';
import type { ViewKey } from '../changes.ts';
import { ContributionBuilder } from '../changes.ts';
import { type ViewScope, viewKeys } from '../keys.ts';

/** What a projection knows besides the events: where its views live and the tenant's clock. */
export interface ProjectionEnv {
  readonly scope: ViewScope;
  /** The tenant's IANA zone: day buckets are local days. */
  readonly timeZone: string;
}

/** The tenant-local date of an instant, `yyyy-mm-dd`. */
export const localDay = (iso: string, timeZone: string): string =>
  DateTime.fromISO(iso, { zone: timeZone }).toISODate() as string;

/** The counters a series shows, which week items keep too. */
export const SERIES_COUNTERS: ReadonlySet<string> = new Set([
  'n_outreachSent',
  'n_meetingsHeld',
  'n_thankYousSent',
  'n_referralsReceived',
]);

/** The Monday that starts the ISO week of a local date. */
export const mondayOf = (day: string): string =>
  DateTime.fromISO(day, { zone: 'UTC' }).startOf('week').toISODate() as string;

/** The cohorts an event was stamped with when it was recorded (DESIGN.md §4). */
export const cohortsOf = (event: RecordedEvent): readonly string[] => event.meta.cohorts ?? [];

/** A contribution builder that also counts into the cohort-day buckets of an event. */
export class Contributions extends ContributionBuilder {
  constructor(private readonly env: ProjectionEnv) {
    super();
  }

  /**
   * Adds `n` to `name` in the bucket of the day `event` occurred, and in its month's, for each
   * cohort it was stamped with.
   */
  inBuckets(event: RecordedEvent, name: string, n = 1): this {
    const day = localDay(event.occurredAt, this.env.timeZone);
    const week = SERIES_COUNTERS.has(name) ? mondayOf(day) : undefined;
    for (const cohort of cohortsOf(event)) {
      this.count(viewKeys.cohortDay(this.env.scope, cohort, day), name, n);
      this.count(viewKeys.cohortMonth(this.env.scope, cohort, day.slice(0, 7)), name, n);
      if (week) this.count(viewKeys.cohortWeek(this.env.scope, cohort, week), name, n);
    }
    return this;
  }

  /** Marks the student active on the day (and the month) `event` occurred, for each cohort it was stamped with. */
  active(event: RecordedEvent, studentId: string): this {
    const day = localDay(event.occurredAt, this.env.timeZone);
    for (const cohort of cohortsOf(event)) {
      this.count(viewKeys.cohortActivity(this.env.scope, cohort, day), `a_${studentId}`);
      this.count(viewKeys.cohortMonthActivity(this.env.scope, cohort, day.slice(0, 7)), `a_${studentId}`);
    }
    return this;
  }

  /** Counts the student's own doing on the local day `event` occurred (what "active lately" is judged on). */
  activeDay(studentId: string, event: RecordedEvent): this {
    return this.count(this.progress(studentId), `ld_${localDay(event.occurredAt, this.env.timeZone)}`);
  }

  /** The stream's last activity of the student's own, an item of its own (the latest of them is the student's). */
  lastActivity(studentId: string, at: string, streamId: string): this {
    return this.item(viewKeys.studentLastActivity(this.env.scope, studentId, at, streamId), { at });
  }

  owed(studentId: string): ViewKey {
    return viewKeys.studentOwed(this.env.scope, studentId);
  }

  /** `n` added to a counter of the tenant summary. */
  tenant(name: string, n = 1): this {
    return this.count(viewKeys.tenantSummary(this.env.scope), name, n);
  }

  progress(studentId: string): ViewKey {
    return viewKeys.studentProgress(this.env.scope, studentId);
  }
}
