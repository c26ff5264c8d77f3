import type { VersionedEvent } from '@app/core';
import {
  type ActiveInterview,
  DEADLINE_OUTCOMES,
  type DeadlineKind,
  type InterviewEvent,
  type InterviewState,
  interviewDeadlines,
  interviewDecider,
} from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { type Contribution, EMPTY_CONTRIBUTION } from '../changes.ts';
import { viewKeys } from '../keys.ts';
import { Contributions, cohortsOf, type ProjectionEnv } from './env.ts';

// The Interview stream's contribution to every view, computed from its events as a whole.
// The projector applies the difference an event makes, so an entry voided later, or a reply
// that arrives weeks after the outreach it answers, moves exactly the numbers it should.

type Recorded = RecordedEvent<InterviewEvent>;
type Of<T extends InterviewEvent['type']> = Recorded & { type: T };

export const FUNNEL_STAGES = [
  'CONTACTED',
  'REPLIED',
  'MEETING_SCHEDULED',
  'MEETING_HELD',
  'THANKED',
  'KEPT_IN_TOUCH',
] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

/** Something the student owes, due at a time: what "overdue" and "at risk" are judged on at read time. */
export interface PendingItem {
  readonly kind: Extract<DeadlineKind, 'FOLLOW_UP_DUE' | 'THANK_YOU_OVERDUE' | 'COMMITMENT_OVERDUE'>;
  readonly dueAt: string;
  /** The commitment, for a commitment; else null. */
  readonly ref: string | null;
}

const OUTCOMES: ReadonlySet<string> = new Set(DEADLINE_OUTCOMES);
/** The student's own doing: not what time recorded, not a correction. */
/** The student's own networking: not what time recorded, not corrections, not tidying reminders. */
const isOwn = (e: Recorded) => !OUTCOMES.has(e.type) && e.type !== 'EntryVoided' && e.type !== 'NudgeDismissed';

/** Every event of the bucket-counted kinds, by the metric it counts for (DESIGN.md §6). */
const COUNTED: Partial<Record<InterviewEvent['type'], string>> = {
  OutreachSent: 'outreachSent',
  FollowUpSent: 'followUpsSent',
  ReplyReceived: 'repliesReceived',
  MeetingScheduled: 'meetingsScheduled',
  MeetingHeld: 'meetingsHeld',
  ReferralReceived: 'referralsReceived',
  CommitmentMade: 'commitmentsMade',
  CommitmentFulfilled: 'commitmentsFulfilled',
};

export const foldInterview = (events: readonly Recorded[]): InterviewState =>
  events.reduce<InterviewState>(
    (state, e) =>
      interviewDecider.evolve(state, {
        type: e.type,
        data: e.data,
        occurredAt: e.occurredAt,
        version: e.version,
      } as VersionedEvent<InterviewEvent>),
    interviewDecider.initialState,
  );

const first = <T extends InterviewEvent['type']>(live: readonly Recorded[], type: T) =>
  live.find((e): e is Of<T> => e.type === type);
const all = <T extends InterviewEvent['type']>(live: readonly Recorded[], type: T) =>
  live.filter((e): e is Of<T> => e.type === type);

/** Elapsed hours to one decimal: the resolution of the thank-you histogram and its median. */
export const tenthsOfHours = (from: string, to: string): number =>
  Math.round((Date.parse(to) - Date.parse(from)) / 360_000);

/** What the student owes on this interview now (the deadlines it will be judged on). */
export const pendingItems = (s: ActiveInterview, live: readonly Recorded[]): PendingItem[] => {
  const items: PendingItem[] = [];
  if (s.status === 'AWAITING_REPLY') {
    const last = live.filter((e): e is Of<'OutreachSent' | 'FollowUpSent'> =>
      ['OutreachSent', 'FollowUpSent'].includes(e.type),
    );
    const deadline = last[last.length - 1]?.data.replyDeadline;
    if (deadline?.kind === 'FOLLOW_UP_DUE') items.push({ kind: 'FOLLOW_UP_DUE', dueAt: deadline.dueAt, ref: null });
  }
  if (s.status === 'HELD') {
    const held = first(live, 'MeetingHeld');
    if (held) items.push({ kind: 'THANK_YOU_OVERDUE', dueAt: held.data.thankYouDueAt, ref: null });
  }
  for (const c of s.commitments) {
    if (c.status === 'OPEN') items.push({ kind: 'COMMITMENT_OVERDUE', dueAt: c.dueAt, ref: c.id });
  }
  return items.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
};

/** What the student does that answers a nudge of each kind (after it fell due). */
const ANSWERED_BY: Readonly<Record<string, readonly string[]>> = {
  FollowUpDue: ['FollowUpSent', 'ReplyReceived', 'InterviewClosed'],
  OutreachAbandoned: ['ReplyReceived', 'FollowUpSent', 'InterviewClosed'],
  SecondContactDue: ['ReplyReceived', 'InterviewClosed'],
  MeetingPrepDue: ['MeetingHeld', 'MeetingCancelled', 'InterviewClosed'],
  ThankYouOverdue: ['ThankYouSent', 'InterviewClosed'],
  CommitmentOverdue: ['CommitmentFulfilled', 'InterviewClosed'],
  KeepInTouchDue: ['KeepInTouchLogged', 'ThankYouSent'],
};

/**
 * The student's nudges from this interview: each deadline outcome not yet answered by what the
 * student did after it, the latest of each kind (at most one open nudge per interview and kind).
 */
export const nudgeItems = (live: readonly Recorded[]) => {
  const open = new Map<string, Recorded>();
  const deadlineOf = (e: Recorded | undefined) => (e?.data as { deadlineId?: string } | undefined)?.deadlineId;
  for (const e of live) {
    if (OUTCOMES.has(e.type)) open.set(e.type, e);
    if (e.type === 'NudgeDismissed' && deadlineOf(open.get(e.data.outcome)) === e.data.deadlineId) {
      open.delete(e.data.outcome);
    }
    for (const [outcome, answers] of Object.entries(ANSWERED_BY)) {
      if (answers.includes(e.type)) open.delete(outcome);
    }
  }
  return [...open.values()].map((e) => {
    const advice = e.meta.advice?.[0];
    return {
      outcome: e.type,
      deadlineId: deadlineOf(e) ?? '',
      dueAt: e.occurredAt,
      code: advice?.code ?? null,
      message: advice?.message ?? null,
    };
  });
};

const latest = (times: readonly string[]) => times.reduce<string | null>((a, t) => (a === null || t > a ? t : a), null);

/** The interview's contribution to every view, given all its events up to some version. */
export const interviewContribution = (events: readonly Recorded[], env: ProjectionEnv): Contribution => {
  const state = foldInterview(events);
  if (state.status === 'NONE') return EMPTY_CONTRIBUTION;
  const byVersion = new Map(events.map((e) => [e.version, e]));
  const live = state.entries.flatMap((entry) => {
    const e = byVersion.get(entry.version);
    return e && e.type !== 'EntryVoided' ? [e] : [];
  });
  const interviewId = events[0]?.stream.id as string;
  const student = state.studentId;
  const c = new Contributions(env);
  const progress = c.progress(student);

  // Events counted in the bucket of the day they occurred, for the cohorts stamped on them.
  for (const e of live) {
    if (isOwn(e)) c.active(e, student).activeDay(student, e);
    const metric = COUNTED[e.type];
    if (metric) c.inBuckets(e, `n_${metric}`).count(progress, metric);
  }
  const thanks = first(live, 'ThankYouSent');
  if (thanks) c.inBuckets(thanks, 'n_thankYousSent').count(progress, 'thankYousSent');
  const abandoned = first(live, 'OutreachAbandoned');
  if (abandoned) c.inBuckets(abandoned, 'n_outreachAbandoned');
  c.count(progress, 'messagesSent', all(live, 'OutreachSent').length + all(live, 'FollowUpSent').length);

  // Interviews whose first outreach is in a bucket: replies and the furthest stage, "by now".
  const outreach = first(live, 'OutreachSent');
  const held = first(live, 'MeetingHeld');
  if (outreach) {
    const reached = [
      true,
      live.some((e) => e.type === 'ReplyReceived'),
      live.some((e) => e.type === 'MeetingScheduled') || held !== undefined,
      held !== undefined,
      thanks !== undefined,
      live.some((e) => e.type === 'KeepInTouchLogged'),
    ];
    const furthest = reached.lastIndexOf(true);
    c.inBuckets(outreach, 'o_interviews');
    if (reached[1]) c.inBuckets(outreach, 'o_replied');
    for (const stage of FUNNEL_STAGES.slice(0, furthest + 1)) c.inBuckets(outreach, `f_${stage}`);
  }

  // Meetings held in a bucket: length, questions, and the thank-you that followed, "by now".
  if (held) {
    if (held.data.lengthWithinPolicy) c.inBuckets(held, 'm_lengthOk');
    c.inBuckets(held, 'm_questions', held.data.questionsPrepared);
    if (thanks) {
      const onTime = Date.parse(thanks.occurredAt) <= Date.parse(held.data.thankYouDueAt);
      c.inBuckets(held, 't_count').inBuckets(held, `h_${tenthsOfHours(held.occurredAt, thanks.occurredAt)}`);
      if (onTime) c.inBuckets(held, 't_onTime').count(progress, 'thankYousOnTime');
    }
  }

  // Commitments made in a bucket, and whether they have been kept by now.
  for (const made of all(live, 'CommitmentMade')) {
    const kept = live.some((e) => e.type === 'CommitmentFulfilled' && e.data.commitmentId === made.data.commitmentId);
    if (kept) c.inBuckets(made, 'c_fulfilled');
  }

  const open = state.commitments.filter((x) => x.status === 'OPEN').length;
  const pending = pendingItems(state, live);
  const lastActivityAt = latest(live.filter(isOwn).map((e) => e.occurredAt));
  c.count(progress, 'interviews').count(progress, 'openCommitments', open).tenant('interviews');
  if (lastActivityAt) c.lastActivity(student, lastActivityAt, interviewId);
  if (pending.length > 0)
    c.own(
      c.owed(student),
      `pd_${interviewId}`,
      pending.map((p) => ({ ...p })),
    );

  for (const nudge of nudgeItems(live)) {
    c.item(viewKeys.studentNudge(env.scope, student, interviewId, nudge.outcome), {
      interviewId,
      studentId: student,
      ...nudge,
    });
  }

  const armed = interviewDeadlines(state);
  const next = armed[0] ?? null;
  c.item(viewKeys.studentInterview(env.scope, student, interviewId), {
    interviewId,
    studentId: student,
    contactId: state.contactId,
    status: state.status,
    version: state.version,
    plannedAt: events[0]?.occurredAt ?? null,
    lastActivityAt,
    followUpsSent: state.followUps.length,
    meetingStartsAt: state.meeting?.startsAt ?? null,
    meetingDurationMinutes: state.meeting?.durationMinutes ?? null,
    heldAt: state.held?.heldAt ?? null,
    thankYouSentAt: state.thankYou?.sentAt ?? null,
    questionsPrepared: state.questions.length,
    openCommitments: open,
    nextDeadline: next ? { kind: next.kind, dueAt: next.dueAt } : null,
    pending: pending.map((p) => ({ ...p })),
  });

  // Deadlines: those armed now, and what fell due and is still owed; by student and by cohort.
  const deadline = (kind: string, dueAt: string, ref: string, state: 'ARMED' | 'OWED', from: Recorded | undefined) => {
    const sk = `${dueAt}#${interviewId}#${ref}`;
    const item = { interviewId, studentId: student, kind, dueAt, ref, state };
    c.item({ pk: viewKeys.studentDeadlines(env.scope, student), sk }, item);
    for (const cohort of from ? cohortsOf(from) : []) {
      c.item({ pk: viewKeys.cohortDeadlines(env.scope, cohort), sk }, item);
    }
  };
  for (const d of armed) {
    deadline(d.kind, d.dueAt, d.deadlineId, 'ARMED', byVersion.get(Number(d.deadlineId.split('-').at(-1))));
  }
  for (const p of pending) {
    const ref = `${p.kind}${p.ref ? `:${p.ref}` : ''}`;
    if (armed.some((d) => d.kind === p.kind && d.dueAt === p.dueAt)) continue;
    deadline(p.kind, p.dueAt, ref, 'OWED', live[live.length - 1]);
  }
  return c.build();
};
