import { InvalidInputError } from '@app/domain';
import { DateTime } from 'luxon';
import { servingOf, type ViewScope, viewKeys } from './keys.ts';
import { mondayOf } from './projections/env.ts';
import { FUNNEL_STAGES, type FunnelStage, type PendingItem } from './projections/interview.ts';
import type { Row, ViewSource } from './viewTable.ts';

// Cohort analytics read from CohortDaily buckets (DESIGN.md §6): the cost grows with the days
// in the range, never with the events in it. Definitions and the choices made are in
// docs/metrics.md.

const MAX_RANGE_DAYS = 366;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const RISK_IDLE_DAYS = 14;
const RISK_UNANSWERED_MESSAGES = 5;

export type Granularity = 'DAY' | 'WEEK';
export interface AnalyticsBucket {
  readonly start: string;
  readonly outreachSent: number;
  readonly meetingsHeld: number;
  readonly thankYousSent: number;
  readonly referralsReceived: number;
}
export interface AtRiskStudent {
  readonly studentId: string;
  readonly reasons: readonly string[];
}

export interface CohortAnalytics {
  readonly from: string;
  readonly to: string;
  readonly studentsEnrolled: number;
  readonly activeStudents: number;
  readonly contactsAdded: number;
  readonly outreachSent: number;
  readonly followUpsSent: number;
  readonly repliesReceived: number;
  readonly replyRate: number | null;
  readonly meetingsScheduled: number;
  readonly meetingsHeld: number;
  readonly meetingLengthComplianceRate: number | null;
  readonly averageQuestionsPrepared: number | null;
  readonly thankYousSent: number;
  readonly thankYouOnTimeRate: number | null;
  readonly medianHoursToThankYou: number | null;
  readonly referralsReceived: number;
  readonly commitmentsMade: number;
  readonly commitmentsFulfilled: number;
  readonly commitmentsFulfilledRate: number | null;
  readonly outreachAbandoned: number;
  readonly funnel: readonly { readonly stage: FunnelStage; readonly count: number }[];
  /** Read when asked for: day by day, or by ISO week. */
  readonly series: (granularity: Granularity) => Promise<readonly AnalyticsBucket[]>;
  /**
   * Enrolled students at risk as of `now`: read per student (their progress), so it is asked
   * for apart from the figures, which read day buckets only.
   */
  readonly atRiskStudents: () => Promise<readonly AtRiskStudent[]>;
}

/** A rate, or null when there is nothing to divide (DESIGN.md §6). */
const rate = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

/** The exact median of a histogram of tenths (mean of the middle two when the count is even). */
export const medianOfTenths = (histogram: ReadonlyMap<number, number>): number | null => {
  const total = [...histogram.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const sorted = [...histogram.entries()].sort(([a], [b]) => a - b);
  const nth = (k: number) => {
    let seen = 0;
    for (const [value, n] of sorted) {
      seen += n;
      if (seen > k) return value;
    }
    return sorted[sorted.length - 1]?.[0] ?? 0;
  };
  const middle = total % 2 === 1 ? nth((total - 1) / 2) : (nth(total / 2 - 1) + nth(total / 2)) / 2;
  return middle / 10;
};

/** Checks a range of local dates: both real dates, in order, at most 366 days. */
export const checkRange = (from: string, to: string): { days: number } => {
  for (const [field, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!DAY.test(value) || !DateTime.fromISO(value, { zone: 'UTC' }).isValid) {
      throw new InvalidInputError(field, `"${value}" is not a date (yyyy-mm-dd)`);
    }
  }
  const days = DateTime.fromISO(to, { zone: 'UTC' }).diff(DateTime.fromISO(from, { zone: 'UTC' }), 'days').days + 1;
  if (days < 1) throw new InvalidInputError('to', `must not be before from (${from})`);
  if (days > MAX_RANGE_DAYS) throw new InvalidInputError('to', `the range is ${days} days; at most ${MAX_RANGE_DAYS}`);
  return { days };
};

const num = (row: Row, name: string): number => (typeof row[name] === 'number' ? (row[name] as number) : 0);

/** Sums the counters of buckets; collects active students and the thank-you histogram. */
const totals = (buckets: readonly Row[]) => {
  const sum = new Map<string, number>();
  const active = new Set<string>();
  const hours = new Map<number, number>();
  for (const b of buckets) {
    for (const [name, value] of Object.entries(b)) {
      if (typeof value !== 'number') continue;
      if (name.startsWith('a_')) {
        if (value > 0) active.add(name.slice(2));
      } else if (name.startsWith('h_')) {
        const tenths = Number(name.slice(2));
        hours.set(tenths, (hours.get(tenths) ?? 0) + value);
      } else sum.set(name, (sum.get(name) ?? 0) + value);
    }
  }
  return { get: (name: string) => sum.get(name) ?? 0, active, hours };
};

/** A student's progress as the contract shows it, with overdue items judged at `now`. */
export interface StudentProgress {
  readonly contacts: number;
  readonly outreachSent: number;
  readonly repliesReceived: number;
  readonly meetingsHeld: number;
  readonly thankYousSent: number;
  readonly thankYousOnTime: number;
  readonly referralsReceived: number;
  readonly openCommitments: number;
  readonly overdueItems: number;
  readonly lastActivityAt: string | null;
  readonly messagesSent: number;
  /** What is owed and past due now, by kind. */
  readonly overdue: readonly PendingItem[];
}

/** A student's progress from its counts and owed items, and its last activity (the latest `last#` item). */
export const progressOf = (
  row: Row | undefined,
  now: string,
  lastActivityAt: string | null = null,
): StudentProgress => {
  const r = row ?? {};
  const pending: PendingItem[] = [];
  for (const [name, value] of Object.entries(r)) {
    if (name.startsWith('pd_') && Array.isArray(value)) pending.push(...(value as PendingItem[]));
  }
  const overdue = pending.filter((p) => Date.parse(p.dueAt) <= Date.parse(now));
  return {
    contacts: num(r, 'contacts'),
    outreachSent: num(r, 'outreachSent'),
    repliesReceived: num(r, 'repliesReceived'),
    meetingsHeld: num(r, 'meetingsHeld'),
    thankYousSent: num(r, 'thankYousSent'),
    thankYousOnTime: num(r, 'thankYousOnTime'),
    referralsReceived: num(r, 'referralsReceived'),
    openCommitments: num(r, 'openCommitments'),
    messagesSent: num(r, 'messagesSent'),
    overdueItems: overdue.length,
    lastActivityAt,
    overdue,
  };
};

/** What the at-risk reasons are judged on: a few counts, what is owed, and recent activity. */
export interface RiskFacts {
  readonly messagesSent: number;
  readonly repliesReceived: number;
  readonly overdue: readonly PendingItem[];
  /** Whether the student did something of their own on any local day of the last 14 (today included). */
  readonly activeLately: boolean;
}

/** The reasons a student is at risk now (DESIGN.md §6), in a fixed order. */
export const riskReasons = (p: RiskFacts): string[] => {
  const reasons: string[] = [];
  if (!p.activeLately) reasons.push('NO_ACTIVITY_14D');
  if (p.overdue.some((o) => o.kind === 'THANK_YOU_OVERDUE')) reasons.push('THANK_YOU_OVERDUE');
  if (p.overdue.some((o) => o.kind === 'FOLLOW_UP_DUE')) reasons.push('FOLLOW_UP_DUE');
  if (p.messagesSent >= RISK_UNANSWERED_MESSAGES && p.repliesReceived === 0) reasons.push('NO_REPLY_AFTER_5');
  return reasons;
};

/** The local days from 14 days before `now` to `now`'s own, in the tenant's zone. */
export const lastFortnight = (now: string, timeZone: string): string[] => {
  const today = DateTime.fromISO(now, { zone: timeZone }).startOf('day');
  return Array.from({ length: RISK_IDLE_DAYS + 1 }, (_, i) => today.minus({ days: i }).toISODate() as string);
};

/**
 * A range of local dates as the whole months in it (`yyyy-mm`, first and last) and the runs of
 * days at its edges that do not fill a month.
 */
export const splitRange = (from: string, to: string) => {
  const start = DateTime.fromISO(from, { zone: 'UTC' });
  const end = DateTime.fromISO(to, { zone: 'UTC' });
  const firstFull = start.day === 1 ? start : start.plus({ months: 1 }).startOf('month');
  const lastFull = end.plus({ days: 1 }).day === 1 ? end.startOf('month') : end.startOf('month').minus({ months: 1 });
  if (firstFull > lastFull) return { months: null, days: [[from, to]] as [string, string][] };
  const days: [string, string][] = [];
  if (firstFull > start) days.push([from, firstFull.minus({ days: 1 }).toISODate() as string]);
  const afterLast = lastFull.endOf('month').plus({ days: 1 }).startOf('day');
  if (afterLast <= end) days.push([afterLast.toISODate() as string, to]);
  const month = (d: DateTime) => d.toFormat('yyyy-MM');
  return { months: [month(firstFull), month(lastFull)] as [string, string], days };
};

/** A range as the ISO weeks wholly in it (their Mondays, first and last) and the part-weeks at its edges. */
export const splitWeeks = (from: string, to: string) => {
  const start = DateTime.fromISO(from, { zone: 'UTC' });
  const end = DateTime.fromISO(to, { zone: 'UTC' });
  const firstFull = start.weekday === 1 ? start : start.plus({ weeks: 1 }).startOf('week');
  const lastFull = end.weekday === 7 ? end.startOf('week') : end.startOf('week').minus({ weeks: 1 });
  if (firstFull > lastFull) return { weeks: null, days: [[from, to]] as [string, string][] };
  const days: [string, string][] = [];
  if (firstFull > start) days.push([from, firstFull.minus({ days: 1 }).toISODate() as string]);
  const afterLast = lastFull.plus({ weeks: 1 });
  if (afterLast <= end) days.push([afterLast.toISODate() as string, to]);
  return { weeks: [firstFull.toISODate() as string, lastFull.toISODate() as string] as [string, string], days };
};

/** Reads views as coaches and students see them. */
export class ViewReader {
  constructor(private readonly views: ViewSource) {}

  async scope(tenantId: string): Promise<ViewScope> {
    const row = await this.views.get(viewKeys.generations(tenantId));
    return { tenantId, generation: servingOf(row) };
  }

  async studentProgress(scope: ViewScope, studentId: string, now: string): Promise<StudentProgress> {
    return (await this.studentsProgress(scope, [studentId], now))[0] as StudentProgress;
  }

  /** Several students' progress, in the order asked: their counts in one batch, each last activity apart. */
  async studentsProgress(scope: ViewScope, studentIds: readonly string[], now: string): Promise<StudentProgress[]> {
    const [items, lasts] = await Promise.all([
      this.views.getMany(
        studentIds.flatMap((id) => [viewKeys.studentProgress(scope, id), viewKeys.studentOwed(scope, id)]),
      ),
      Promise.all(
        studentIds.map((id) =>
          this.views.query(viewKeys.studentProgress(scope, id).pk, { from: 'last#', to: 'last#~', last: 1 }),
        ),
      ),
    ]);
    return studentIds.map((_, i) => {
      const last = lasts[i]?.[0];
      return progressOf({ ...items[2 * i], ...items[2 * i + 1] }, now, typeof last?.at === 'string' ? last.at : null);
    });
  }

  /**
   * The cohort's students now, each with the reasons they are at risk at `now` (those with none
   * left out). Per student it reads what is owed and only the counts and days at-risk needs,
   * however long the student's history.
   */
  async atRiskStudents(scope: ViewScope, cohortId: string, now: string): Promise<AtRiskStudent[]> {
    const [students, summary] = await Promise.all([
      this.enrolledStudents(scope, cohortId),
      this.views.get(viewKeys.tenantSummary(scope)),
    ]);
    const zone = typeof summary?.timeZone === 'string' ? summary.timeZone : 'UTC';
    const days = lastFortnight(now, zone).map((d) => `ld_${d}`);
    const [counts, owed] = await Promise.all([
      this.views.getMany(
        students.map((id) => viewKeys.studentProgress(scope, id)),
        { projection: ['messagesSent', 'repliesReceived', ...days] },
      ),
      this.views.getMany(students.map((id) => viewKeys.studentOwed(scope, id))),
    ]);
    return students.flatMap((studentId, i) => {
      const p = progressOf({ ...counts[i], ...owed[i] }, now);
      const row = counts[i] ?? {};
      const reasons = riskReasons({ ...p, activeLately: days.some((d) => num(row, d) > 0) });
      return reasons.length > 0 ? [{ studentId, reasons }] : [];
    });
  }

  async enrolledStudents(scope: ViewScope, cohortId: string): Promise<string[]> {
    const rows = await this.views.query(viewKeys.cohortMembers(scope, cohortId), { from: 'STUDENT#', to: 'STUDENT#~' });
    return rows.map((r) => String(r.memberId));
  }

  /** `CohortAnalytics` for local dates `from`..`to` (inclusive), at-risk judged at `now`. */
  async cohortAnalytics(
    scope: ViewScope,
    cohortId: string,
    range: { from: string; to: string; now: string },
  ): Promise<CohortAnalytics> {
    const { from, to, now } = range;
    checkRange(from, to);
    const pk = viewKeys.cohortDaily(scope, cohortId);
    // Whole months read their month items; only the days at the edges read day items.
    const { months, days } = splitRange(from, to);
    const reads = [
      ...(months
        ? [`mon#`, `mact#`].map((k) => this.views.query(pk, { from: `${k}${months[0]}`, to: `${k}${months[1]}` }))
        : []),
      ...days.flatMap(([a, b]) =>
        [`day#`, `act#`].map((k) => this.views.query(pk, { from: `${k}${a}`, to: `${k}${b}` })),
      ),
    ];
    const [enrolment, ...parts] = await Promise.all([
      this.views.query(pk, { from: 'enrol#', to: `enrol#${to}`, projection: ['enrolled'] }),
      ...reads,
    ]);
    const t = totals(parts.flat());
    /**
     * The series, read when asked for: by day from the day items; by week from the week items of
     * the weeks wholly in the range, and day items for the part-weeks at its edges.
     */
    const series = async (granularity: Granularity): Promise<AnalyticsBucket[]> => {
      const counters = ['n_outreachSent', 'n_meetingsHeld', 'n_thankYousSent', 'n_referralsReceived'];
      const dayRows = (a: string, b: string) =>
        this.views.query(pk, { from: `day#${a}`, to: `day#${b}`, projection: ['sk', ...counters] });
      const buckets = new Map<string, Row>();
      const add = (start: string, row: Row) => {
        const b = buckets.get(start) ?? {};
        for (const name of counters) b[name] = num(b, name) + num(row, name);
        buckets.set(start, b);
      };
      if (granularity === 'DAY') {
        for (const row of await dayRows(from, to)) add(String(row.sk).slice('day#'.length), row);
      } else {
        const { weeks, days } = splitWeeks(from, to);
        const reads = [
          ...(weeks
            ? [this.views.query(pk, { from: `wk#${weeks[0]}`, to: `wk#${weeks[1]}`, projection: ['sk', ...counters] })]
            : []),
          ...days.map(([a, b]) => dayRows(a, b)),
        ];
        for (const row of (await Promise.all(reads)).flat()) {
          const sk = String(row.sk);
          add(sk.startsWith('wk#') ? sk.slice('wk#'.length) : mondayOf(sk.slice('day#'.length)), row);
        }
      }
      const out: AnalyticsBucket[] = [];
      for (let d = DateTime.fromISO(from, { zone: 'UTC' }); (d.toISODate() as string) <= to; d = d.plus({ days: 1 })) {
        const day = d.toISODate() as string;
        const start = granularity === 'DAY' ? day : mondayOf(day);
        if (out.at(-1)?.start === start) continue;
        const b = buckets.get(start) ?? {};
        out.push({
          start,
          outreachSent: num(b, 'n_outreachSent'),
          meetingsHeld: num(b, 'n_meetingsHeld'),
          thankYousSent: num(b, 'n_thankYousSent'),
          referralsReceived: num(b, 'n_referralsReceived'),
        });
      }
      return out;
    };
    const meetingsHeld = t.get('n_meetingsHeld');
    return {
      from,
      to,
      studentsEnrolled: enrolment.reduce((n, r) => n + num(r, 'enrolled'), 0),
      activeStudents: t.active.size,
      contactsAdded: t.get('n_contactsAdded'),
      outreachSent: t.get('n_outreachSent'),
      followUpsSent: t.get('n_followUpsSent'),
      repliesReceived: t.get('n_repliesReceived'),
      replyRate: rate(t.get('o_replied'), t.get('o_interviews')),
      meetingsScheduled: t.get('n_meetingsScheduled'),
      meetingsHeld,
      meetingLengthComplianceRate: rate(t.get('m_lengthOk'), meetingsHeld),
      averageQuestionsPrepared: rate(t.get('m_questions'), meetingsHeld),
      thankYousSent: t.get('n_thankYousSent'),
      thankYouOnTimeRate: rate(t.get('t_onTime'), t.get('t_count')),
      medianHoursToThankYou: medianOfTenths(t.hours),
      referralsReceived: t.get('n_referralsReceived'),
      commitmentsMade: t.get('n_commitmentsMade'),
      commitmentsFulfilled: t.get('n_commitmentsFulfilled'),
      commitmentsFulfilledRate: rate(t.get('c_fulfilled'), t.get('n_commitmentsMade')),
      outreachAbandoned: t.get('n_outreachAbandoned'),
      funnel: FUNNEL_STAGES.map((stage) => ({ stage, count: t.get(`f_${stage}`) })),
      series,
      atRiskStudents: () => this.atRiskStudents(scope, cohortId, now),
    };
  }
}
