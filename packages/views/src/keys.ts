import type { ViewKey } from './changes.ts';

// Where each view lives in the `views` table. The tenant leads every key (IAM LeadingKeys);
// the generation follows it, so a rebuild writes a fresh copy beside the one still serving.

/** A tenant's views of one generation. */
export interface ViewScope {
  readonly tenantId: string;
  readonly generation: number;
}

const base = (s: ViewScope) => `${s.tenantId}#g${s.generation}`;

export const VIEW_NAMES = [
  'StudentInterviews',
  'StudentProgress',
  'CohortMembers',
  'CohortDaily',
  'TenantSummary',
  'Deadlines',
  'ReferralGraph',
] as const;
export type ViewName = (typeof VIEW_NAMES)[number];

/** The generation that serves reads, from the tenant's generations item (the first, before any rebuild). */
export const servingOf = (generations: { readonly serving?: unknown } | undefined): number =>
  typeof generations?.serving === 'number' ? generations.serving : 1;

export const viewKeys = {
  /** Which generation serves reads, and which is being built (not generation-scoped). */
  generations: (tenantId: string): ViewKey => ({ pk: `${tenantId}#Views`, sk: 'generations' }),
  /** The projector's checkpoint for one source stream: the last version applied. */
  checkpoint: (s: ViewScope, streamPk: string): ViewKey => ({
    pk: `${base(s)}#Checkpoint#${streamPk.slice(streamPk.indexOf('#') + 1)}`,
    sk: 'v',
  }),
  tenantSummary: (s: ViewScope): ViewKey => ({ pk: `${base(s)}#TenantSummary`, sk: 'summary' }),
  /** The tenant's cohorts, listed beside its summary (sort keys `cohort#{cohortId}`). */
  tenantCohort: (s: ViewScope, cohortId: string): ViewKey => ({
    pk: `${base(s)}#TenantSummary`,
    sk: `cohort#${cohortId}`,
  }),
  studentInterviews: (s: ViewScope, studentId: string) => `${base(s)}#StudentInterviews#${studentId}`,
  studentInterview: (s: ViewScope, studentId: string, interviewId: string): ViewKey => ({
    pk: viewKeys.studentInterviews(s, studentId),
    sk: interviewId,
  }),
  studentProgress: (s: ViewScope, studentId: string): ViewKey => ({
    pk: `${base(s)}#StudentProgress#${studentId}`,
    sk: 'progress',
  }),
  /**
   * When the student last did something on one stream, in the sort key: the highest of these
   * items is the student's last activity, read as one item however many streams there are.
   */
  studentLastActivity: (s: ViewScope, studentId: string, at: string, streamId: string): ViewKey => ({
    pk: `${base(s)}#StudentProgress#${studentId}`,
    sk: `last#${at}#${streamId}`,
  }),
  /** What a student owes now (pending follow-ups, thank-yous, commitments), apart from the counts. */
  studentOwed: (s: ViewScope, studentId: string): ViewKey => ({
    pk: `${base(s)}#StudentProgress#${studentId}`,
    sk: 'owed',
  }),
  cohortMembers: (s: ViewScope, cohortId: string) => `${base(s)}#CohortMembers#${cohortId}`,
  cohortMember: (s: ViewScope, cohortId: string, role: 'COACH' | 'STUDENT', memberId: string): ViewKey => ({
    pk: viewKeys.cohortMembers(s, cohortId),
    sk: `${role}#${memberId}`,
  }),
  /** The gsi1 partition listing a member's cohorts. */
  memberCohorts: (s: ViewScope, memberId: string) => `${base(s)}#MemberCohorts#${memberId}`,
  cohortSummary: (s: ViewScope, cohortId: string): ViewKey => ({
    pk: viewKeys.cohortMembers(s, cohortId),
    sk: '#summary',
  }),
  cohortDaily: (s: ViewScope, cohortId: string) => `${base(s)}#CohortDaily#${cohortId}`,
  cohortDay: (s: ViewScope, cohortId: string, day: string): ViewKey => ({
    pk: viewKeys.cohortDaily(s, cohortId),
    sk: `day#${day}`,
  }),
  /** A month's counters: the sum of its days, so a long range reads months, not every day. */
  cohortMonth: (s: ViewScope, cohortId: string, month: string): ViewKey => ({
    pk: viewKeys.cohortDaily(s, cohortId),
    sk: `mon#${month}`,
  }),
  /** A month's active students (a count per student). */
  cohortMonthActivity: (s: ViewScope, cohortId: string, month: string): ViewKey => ({
    pk: viewKeys.cohortDaily(s, cohortId),
    sk: `mact#${month}`,
  }),
  /** The students active on a day (a count per student): apart from the day's counters, which stay small. */
  cohortActivity: (s: ViewScope, cohortId: string, day: string): ViewKey => ({
    pk: viewKeys.cohortDaily(s, cohortId),
    sk: `act#${day}`,
  }),
  /** A week's series counters (the week starting that Monday): a weekly series reads weeks, not days. */
  cohortWeek: (s: ViewScope, cohortId: string, monday: string): ViewKey => ({
    pk: viewKeys.cohortDaily(s, cohortId),
    sk: `wk#${monday}`,
  }),
  /** Days on which the cohort's enrolment changed: sparse, so "enrolled at the end of a day" reads few items. */
  cohortEnrolment: (s: ViewScope, cohortId: string, day: string): ViewKey => ({
    pk: viewKeys.cohortDaily(s, cohortId),
    sk: `enrol#${day}`,
  }),
  /** A student's open nudges: one per interview and deadline outcome. */
  studentNudges: (s: ViewScope, studentId: string) => `${base(s)}#Nudges#${studentId}`,
  studentNudge: (s: ViewScope, studentId: string, interviewId: string, outcome: string): ViewKey => ({
    pk: viewKeys.studentNudges(s, studentId),
    sk: `${interviewId}#${outcome}`,
  }),
  studentDeadlines: (s: ViewScope, studentId: string) => `${base(s)}#Deadlines#student#${studentId}`,
  cohortDeadlines: (s: ViewScope, cohortId: string) => `${base(s)}#Deadlines#cohort#${cohortId}`,
  referrals: (s: ViewScope, studentId: string) => `${base(s)}#ReferralGraph#${studentId}`,
};
