import { assertNever, type VersionedEvent } from '@app/core';
import type { Channel } from '../contact/events.ts';
import { ms } from '../time.ts';
import {
  DEADLINE_OUTCOMES,
  type DeadlineKind,
  type DeadlineOutcome,
  INTERVIEW_STATUSES,
  type InterviewEvent,
  type InterviewEventType,
  type InterviewStatus,
  OUTCOME_OF,
  type QuestionTopic,
} from './events.ts';

/** A deadline armed now: `deadlineId` names the arming (kind and version), stable across reloads. */
export interface Deadline {
  readonly kind: DeadlineKind;
  readonly dueAt: string;
  readonly deadlineId: string;
}

export interface Question {
  readonly id: string;
  readonly text: string;
  readonly topic: QuestionTopic;
  readonly flags: readonly string[];
}

export interface Commitment {
  readonly id: string;
  readonly description: string;
  readonly dueAt: string;
  readonly deadlineId: string;
  readonly status: 'OPEN' | 'FULFILLED' | 'CANCELLED';
  readonly fulfilledAt: string | null;
  readonly overdue: boolean;
}

/** A folded event, kept so that voiding an entry can fold the rest again as if it never happened. */
export type Entry = VersionedEvent<InterviewEvent>;

export interface ActiveInterview {
  readonly status: InterviewStatus;
  /** The last version folded (voided entries and the voids themselves included). */
  readonly version: number;
  readonly studentId: string;
  readonly contactId: string;
  readonly goals: readonly string[];
  /** The first outreach: follow-ups, replies and meetings are timed from it. */
  readonly outreach: { readonly sentAt: string; readonly channel: Channel } | null;
  readonly followUps: readonly { readonly sentAt: string; readonly channel: Channel }[];
  readonly reply: { readonly receivedAt: string; readonly outcome: 'ACCEPTED' | 'DECLINED' } | null;
  /** Times the outreach fell to "leave them alone" (a late reply reopens it; the count stays). */
  readonly abandonments: number;
  readonly abandonedAt: string | null;
  readonly meeting: {
    readonly startsAt: string;
    readonly durationMinutes: number;
    readonly longerRequestedByContact: boolean;
  } | null;
  readonly held: { readonly heldAt: string; readonly durationMinutes: number } | null;
  readonly researchNotes: number;
  readonly questions: readonly Question[];
  readonly notes: number;
  readonly referrals: readonly string[];
  /** The first thank-you: the one timed against the policy. */
  readonly thankYou: { readonly sentAt: string; readonly onTime: boolean } | null;
  readonly handwrittenNoteSent: boolean;
  readonly offeredHelp: boolean;
  readonly commitments: readonly Commitment[];
  /** The keep-in-touch clock runs from the last contact with the person. */
  readonly lastContactAt: string | null;
  readonly armed: readonly Deadline[];
  readonly entries: readonly Entry[];
  readonly voided: readonly number[];
}

export type InterviewState = { readonly status: 'NONE' } | ActiveInterview;

const BEFORE_MEETING: readonly InterviewStatus[] = ['PLANNED', 'AWAITING_REPLY', 'ACCEPTED', 'SCHEDULED'];
const AFTER_MEETING: readonly InterviewStatus[] = ['HELD', 'FOLLOWING_UP'];

/** What each state accepts (DESIGN.md §4): the one table decide and voiding both consult. */
export const ACCEPTED_IN: Readonly<
  Record<Exclude<InterviewEventType, 'InterviewPlanned' | 'EntryVoided' | DeadlineOutcome>, readonly InterviewStatus[]>
> = {
  OutreachSent: ['PLANNED'],
  FollowUpSent: ['AWAITING_REPLY', 'UNRESPONSIVE'],
  ReplyReceived: ['AWAITING_REPLY', 'UNRESPONSIVE'],
  MeetingScheduled: ['ACCEPTED'],
  MeetingRescheduled: ['SCHEDULED'],
  MeetingCancelled: ['SCHEDULED'],
  ResearchNoteAdded: BEFORE_MEETING,
  QuestionAdded: BEFORE_MEETING,
  QuestionRemoved: BEFORE_MEETING,
  MeetingHeld: ['SCHEDULED', 'ACCEPTED'],
  NotesRecorded: AFTER_MEETING,
  ReferralReceived: ['DECLINED', ...AFTER_MEETING],
  ThankYouSent: AFTER_MEETING,
  CommitmentMade: AFTER_MEETING,
  CommitmentFulfilled: AFTER_MEETING,
  KeepInTouchLogged: [...AFTER_MEETING, 'CLOSED'],
  InterviewClosed: ['PLANNED', 'AWAITING_REPLY', 'ACCEPTED', 'DECLINED', 'UNRESPONSIVE', 'SCHEDULED', ...AFTER_MEETING],
  NudgeDismissed: INTERVIEW_STATUSES,
};

export const isOutcome = (type: InterviewEventType): type is DeadlineOutcome =>
  (DEADLINE_OUTCOMES as readonly string[]).includes(type);

export const deadlineId = (kind: DeadlineKind, version: number) => `${kind}-${version}`;

const without = (armed: readonly Deadline[], ...kinds: DeadlineKind[]) => armed.filter((d) => !kinds.includes(d.kind));
const arm = (kind: DeadlineKind, dueAt: string, version: number): Deadline => ({
  kind,
  dueAt,
  deadlineId: deadlineId(kind, version),
});

const planned = (e: Entry & { type: 'InterviewPlanned' }): ActiveInterview => ({
  status: 'PLANNED',
  version: e.version,
  studentId: e.data.studentId,
  contactId: e.data.contactId,
  goals: e.data.goals,
  outreach: null,
  followUps: [],
  reply: null,
  abandonments: 0,
  abandonedAt: null,
  meeting: null,
  held: null,
  researchNotes: 0,
  questions: [],
  notes: 0,
  referrals: [],
  thankYou: null,
  handwrittenNoteSent: false,
  offeredHelp: false,
  commitments: [],
  lastContactAt: null,
  armed: [],
  entries: [],
  voided: [],
});

/** A contact with the person (thank-you, promise kept, keep-in-touch): the latest restarts the clock. */
const contacted = (s: ActiveInterview, at: string, data: { keepInTouchDueAt: string }, version: number) =>
  s.lastContactAt !== null && ms(at) < ms(s.lastContactAt)
    ? s
    : {
        ...s,
        lastContactAt: at,
        armed: [...without(s.armed, 'KEEP_IN_TOUCH_DUE'), arm('KEEP_IN_TOUCH_DUE', data.keepInTouchDueAt, version)],
      };

const HANDWRITTEN: readonly Channel[] = ['HANDWRITTEN_NOTE', 'LETTER'];

/** A deadline outcome settles the deadline it names, if that deadline is still armed; else it changes nothing. */
const settle = (s: ActiveInterview, e: Entry & { type: DeadlineOutcome }): ActiveInterview => {
  const due = s.armed.find((d) => d.deadlineId === e.data.deadlineId && OUTCOME_OF[d.kind] === e.type);
  if (!due) return s;
  const armed = s.armed.filter((d) => d !== due);
  switch (e.type) {
    case 'FollowUpDue':
      return { ...s, armed: [...armed, arm('OUTREACH_ABANDONED', e.data.abandonDueAt, e.version)] };
    case 'OutreachAbandoned':
      return { ...s, armed, status: 'UNRESPONSIVE', abandonments: s.abandonments + 1, abandonedAt: e.occurredAt };
    case 'CommitmentOverdue':
      return {
        ...s,
        armed,
        commitments: s.commitments.map((c) => (c.id === e.data.commitmentId ? { ...c, overdue: true } : c)),
      };
    case 'SecondContactDue':
    case 'MeetingPrepDue':
    case 'ThankYouOverdue':
    case 'KeepInTouchDue':
      return { ...s, armed };
    default:
      return assertNever(e);
  }
};

const applyTo = (s: ActiveInterview, e: Entry): ActiveInterview => {
  const v = e.version;
  switch (e.type) {
    case 'InterviewPlanned':
    case 'EntryVoided':
    case 'NudgeDismissed':
      return s;
    case 'OutreachSent': {
      const { replyDeadline: reply, secondContactDueAt } = e.data;
      const armed = [arm(reply.kind, reply.dueAt, v)];
      if (secondContactDueAt) armed.push(arm('SECOND_CONTACT_DUE', secondContactDueAt, v));
      return {
        ...s,
        status: 'AWAITING_REPLY',
        outreach: { sentAt: e.occurredAt, channel: e.data.channel },
        armed: [...s.armed, ...armed],
      };
    }
    case 'FollowUpSent':
      return {
        ...s,
        status: 'AWAITING_REPLY',
        followUps: [...s.followUps, { sentAt: e.occurredAt, channel: e.data.channel }],
        armed: [
          ...without(s.armed, 'FOLLOW_UP_DUE', 'OUTREACH_ABANDONED'),
          arm(e.data.replyDeadline.kind, e.data.replyDeadline.dueAt, v),
        ],
      };
    case 'ReplyReceived':
      return {
        ...s,
        status: e.data.outcome,
        reply: { receivedAt: e.occurredAt, outcome: e.data.outcome },
        armed: without(s.armed, 'FOLLOW_UP_DUE', 'OUTREACH_ABANDONED', 'SECOND_CONTACT_DUE'),
      };
    case 'MeetingScheduled':
    case 'MeetingRescheduled': {
      const { startsAt, durationMinutes, longerRequestedByContact, prepDueAt } = e.data;
      const armed = without(s.armed, 'MEETING_PREP_DUE');
      return {
        ...s,
        status: 'SCHEDULED',
        meeting: { startsAt, durationMinutes, longerRequestedByContact },
        armed: prepDueAt ? [...armed, arm('MEETING_PREP_DUE', prepDueAt, v)] : armed,
      };
    }
    case 'MeetingCancelled':
      return { ...s, status: 'ACCEPTED', meeting: null, armed: without(s.armed, 'MEETING_PREP_DUE') };
    case 'ResearchNoteAdded':
      return { ...s, researchNotes: s.researchNotes + 1 };
    case 'QuestionAdded': {
      const { questionId: id, text, topic, flags } = e.data;
      return { ...s, questions: [...s.questions, { id, text, topic, flags }] };
    }
    case 'QuestionRemoved':
      return { ...s, questions: s.questions.filter((q) => q.id !== e.data.questionId) };
    case 'MeetingHeld':
      return {
        ...s,
        status: 'HELD',
        held: { heldAt: e.occurredAt, durationMinutes: e.data.durationMinutes },
        armed: [...without(s.armed, 'MEETING_PREP_DUE'), arm('THANK_YOU_OVERDUE', e.data.thankYouDueAt, v)],
      };
    case 'NotesRecorded':
      return { ...s, notes: s.notes + 1 };
    case 'ReferralReceived':
      return { ...s, referrals: [...s.referrals, e.data.referredContactId] };
    case 'ThankYouSent': {
      const first = s.thankYou === null;
      const thanked: ActiveInterview = {
        ...s,
        status: s.status === 'HELD' ? 'FOLLOWING_UP' : s.status,
        thankYou: first ? { sentAt: e.occurredAt, onTime: e.data.onTime } : s.thankYou,
        handwrittenNoteSent: s.handwrittenNoteSent || HANDWRITTEN.includes(e.data.channel),
        armed: without(s.armed, 'THANK_YOU_OVERDUE'),
      };
      return contacted(thanked, e.occurredAt, e.data, v);
    }
    case 'CommitmentMade': {
      const due = arm('COMMITMENT_OVERDUE', e.data.dueAt, v);
      const { commitmentId: id, description, dueAt } = e.data;
      return {
        ...s,
        commitments: [
          ...s.commitments,
          { id, description, dueAt, deadlineId: due.deadlineId, status: 'OPEN', fulfilledAt: null, overdue: false },
        ],
        armed: [...s.armed, due],
      };
    }
    case 'CommitmentFulfilled': {
      const kept = s.commitments.find((c) => c.id === e.data.commitmentId && c.status === 'OPEN');
      if (!kept) return s;
      const fulfilled: ActiveInterview = {
        ...s,
        commitments: s.commitments.map((c) =>
          c === kept ? { ...c, status: 'FULFILLED', fulfilledAt: e.occurredAt } : c,
        ),
        armed: s.armed.filter((d) => d.deadlineId !== kept.deadlineId),
      };
      return contacted(fulfilled, e.occurredAt, e.data, v);
    }
    case 'KeepInTouchLogged':
      return contacted({ ...s, offeredHelp: s.offeredHelp || e.data.kind === 'OFFERED_HELP' }, e.occurredAt, e.data, v);
    case 'InterviewClosed':
      return {
        ...s,
        status: 'CLOSED',
        commitments: s.commitments.map((c) => (c.status === 'OPEN' ? { ...c, status: 'CANCELLED' } : c)),
        // the relationship outlives the interview: only the keep-in-touch clock keeps running
        armed: s.armed.filter((d) => d.kind === 'KEEP_IN_TOUCH_DUE'),
      };
    case 'FollowUpDue':
    case 'SecondContactDue':
    case 'OutreachAbandoned':
    case 'MeetingPrepDue':
    case 'ThankYouOverdue':
    case 'CommitmentOverdue':
    case 'KeepInTouchDue':
      return settle(s, e);
    default:
      return assertNever(e);
  }
};

/** One event folded into the state, without the bookkeeping of versions and entries. */
export const foldEntry = (s: InterviewState, e: Entry): InterviewState => {
  if (s.status === 'NONE') return e.type === 'InterviewPlanned' ? planned(e) : s;
  return applyTo(s, e);
};

/** Folds entries from the start: the state as if only these had happened. */
export const refold = (entries: readonly Entry[]): InterviewState => entries.reduce(foldEntry, { status: 'NONE' });

const entryOf = (e: Entry): Entry =>
  ({ type: e.type, data: e.data, occurredAt: e.occurredAt, version: e.version }) as Entry;

/**
 * `evolve`: folds an event. `EntryVoided` folds the remaining entries again, so the state is
 * exactly as if the voided event had never happened; the event stays in the log.
 */
export const evolveInterview = (state: InterviewState, event: Entry): InterviewState => {
  if (state.status === 'NONE' && event.type !== 'InterviewPlanned') return state;
  if (event.type === 'EntryVoided') {
    const s = state as ActiveInterview;
    const entries = s.entries.filter((e) => e.version !== event.data.version);
    const again = refold(entries);
    if (again.status === 'NONE') return state;
    return { ...again, version: event.version, entries, voided: [...s.voided, event.data.version] };
  }
  const next = foldEntry(state, event);
  if (next.status === 'NONE') return next;
  const entries = state.status === 'NONE' ? [] : state.entries;
  const voided = state.status === 'NONE' ? [] : state.voided;
  return { ...next, version: event.version, entries: [...entries, entryOf(event)], voided };
};

/** Whether an entry is still accepted by the state before it (used to check a void leaves a coherent log). */
export const stillAccepted = (s: InterviewState, e: Entry): boolean => {
  if (e.type === 'InterviewPlanned') return s.status === 'NONE';
  if (s.status === 'NONE') return false;
  if (e.type === 'EntryVoided' || isOutcome(e.type)) return true;
  const statuses = ACCEPTED_IN[e.type as keyof typeof ACCEPTED_IN];
  if (!statuses.includes(s.status)) return false;
  switch (e.type) {
    case 'FollowUpSent':
      return s.status !== 'UNRESPONSIVE' || (s.abandonedAt !== null && ms(e.occurredAt) < ms(s.abandonedAt));
    case 'KeepInTouchLogged':
      return s.held !== null;
    case 'QuestionRemoved':
      return s.questions.some((q) => q.id === e.data.questionId);
    case 'CommitmentFulfilled':
      return s.commitments.some((c) => c.id === e.data.commitmentId && c.status === 'OPEN');
    default:
      return true;
  }
};

/** The deadlines armed now, soonest first (DESIGN.md §5). */
export const interviewDeadlines = (state: InterviewState): readonly Deadline[] =>
  state.status === 'NONE' ? [] : [...state.armed].sort((a, b) => ms(a.dueAt) - ms(b.dueAt));
