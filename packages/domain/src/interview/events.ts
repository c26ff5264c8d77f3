import { defineEvent, type EventOf, personal } from '@app/core';
import * as z from 'zod';
import { CHANNELS } from '../contact/events.ts';

// The Interview stream (DESIGN.md §4). Times a rule computed with the tenant's policy (the
// due time of a follow-up, of a thank-you…) are recorded in the event that armed them, so a
// later policy change never moves a deadline already armed ("a policy change never rewrites
// history"), and the deadlines can be read from the state alone.

const instant = z.iso.datetime({ offset: true });
const channel = z.enum(CHANNELS);

export const INTERVIEW_STATUSES = [
  'PLANNED',
  'AWAITING_REPLY',
  'ACCEPTED',
  'DECLINED',
  'UNRESPONSIVE',
  'SCHEDULED',
  'HELD',
  'FOLLOWING_UP',
  'CLOSED',
] as const;
export type InterviewStatus = (typeof INTERVIEW_STATUSES)[number];

export const MEETING_FORMATS = ['IN_PERSON', 'VIDEO', 'PHONE'] as const;
export const REPLY_OUTCOMES = ['ACCEPTED', 'DECLINED'] as const;
export const KEEP_IN_TOUCH_KINDS = ['CAREER_UPDATE', 'SHARED_ARTICLE', 'OFFERED_HELP', 'CHECK_IN', 'OTHER'] as const;
export const QUESTION_TOPICS = [
  'HOW_THEY_STARTED',
  'CAREER_PATHS',
  'LIFESTYLE',
  'QUALIFICATIONS',
  'ADVICE',
  'DAILY_WORK',
  'ROLE',
  'ORGANIZATION',
  'CULTURE',
  'INDUSTRY',
  'TRENDS',
  'INSIGHTS',
  'RESOURCES',
  'ASSIGNMENTS',
  'OTHER',
] as const;
export type QuestionTopic = (typeof QUESTION_TOPICS)[number];

/** The deadlines of DESIGN.md §5, named by their RULES.md codes. */
export const DEADLINE_KINDS = [
  'FOLLOW_UP_DUE',
  'OUTREACH_ABANDONED',
  'SECOND_CONTACT_DUE',
  'MEETING_PREP_DUE',
  'THANK_YOU_OVERDUE',
  'COMMITMENT_OVERDUE',
  'KEEP_IN_TOUCH_DUE',
] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

/** What an outreach or a follow-up arms: one brief follow-up, or (after the last) giving up. */
const replyDeadline = z.strictObject({ kind: z.enum(['FOLLOW_UP_DUE', 'OUTREACH_ABANDONED']), dueAt: instant });

export const InterviewPlanned = defineEvent('InterviewPlanned', {
  schema: z.strictObject({
    studentId: z.string(),
    contactId: z.string(),
    goals: z
      .array(personal(z.string().max(300)))
      .max(10)
      .readonly(),
  }),
});
export const OutreachSent = defineEvent('OutreachSent', {
  schema: z.strictObject({
    channel,
    message: personal(z.string().max(5000)).nullable(),
    proposedTimes: z.array(instant).max(10).readonly(),
    mentionedReferrer: z.boolean().nullable(),
    statedPurpose: z.boolean().nullable(),
    replyDeadline,
    secondContactDueAt: instant.nullable(),
  }),
});
export const FollowUpSent = defineEvent('FollowUpSent', {
  schema: z.strictObject({ channel, replyDeadline }),
});
export const ReplyReceived = defineEvent('ReplyReceived', {
  schema: z.strictObject({
    outcome: z.enum(REPLY_OUTCOMES),
    /** Accepted before the second-contact time (RULES.md `BOOSTER`): the contact is marked a booster. */
    booster: z.boolean(),
    /** Elapsed days since the first outreach, to one decimal. */
    repliedAfterDays: z.number().nonnegative(),
  }),
});
const meeting = {
  startsAt: instant,
  durationMinutes: z.number().int().min(1).max(480),
  format: z.enum(MEETING_FORMATS),
  location: personal(z.string().max(300)).nullable(),
  longerRequestedByContact: z.boolean(),
  /** When the preparation reminder falls due; `null` when the meeting has already begun. */
  prepDueAt: instant.nullable(),
};
export const MeetingScheduled = defineEvent('MeetingScheduled', { schema: z.strictObject(meeting) });
export const MeetingRescheduled = defineEvent('MeetingRescheduled', { schema: z.strictObject(meeting) });
export const MeetingCancelled = defineEvent('MeetingCancelled', {
  schema: z.strictObject({ reason: personal(z.string().max(500)).nullable() }),
});
export const ResearchNoteAdded = defineEvent('ResearchNoteAdded', {
  schema: z.strictObject({ text: personal(z.string().min(1).max(5000)) }),
});
export const QuestionAdded = defineEvent('QuestionAdded', {
  schema: z.strictObject({
    questionId: z.string(),
    text: personal(z.string().min(1).max(500)),
    topic: z.enum(QUESTION_TOPICS),
    flags: z.array(z.enum(['ASKS_FOR_JOB', 'ASKS_ABOUT_PAY', 'LAZY_QUESTION'])).readonly(),
  }),
});
export const QuestionRemoved = defineEvent('QuestionRemoved', {
  schema: z.strictObject({ questionId: z.string() }),
});
export const MeetingHeld = defineEvent('MeetingHeld', {
  schema: z.strictObject({
    durationMinutes: z.number().int().min(1).max(480),
    askedForReferrals: z.boolean().nullable(),
    /** Within the policy's 15–30 minutes, or longer at the contact's request (analytics counts it). */
    lengthWithinPolicy: z.boolean(),
    /** Questions prepared (not removed) when the meeting was held. */
    questionsPrepared: z.number().int().nonnegative(),
    thankYouDueAt: instant,
  }),
});
export const NotesRecorded = defineEvent('NotesRecorded', {
  schema: z.strictObject({
    notes: personal(z.string().min(1).max(10_000)),
    impressions: personal(z.string().max(5000)).nullable(),
    interestLevel: z.number().int().min(1).max(5).nullable(),
  }),
});
export const ReferralReceived = defineEvent('ReferralReceived', {
  schema: z.strictObject({ referredContactId: z.string() }),
});
const contactMade = { keepInTouchDueAt: instant };
export const ThankYouSent = defineEvent('ThankYouSent', {
  schema: z.strictObject({
    channel,
    /** The first thank-you is the one timed against `thankYouWithinHours`. */
    first: z.boolean(),
    onTime: z.boolean(),
    hoursAfterMeeting: z.number().nonnegative(),
    ...contactMade,
  }),
});
export const CommitmentMade = defineEvent('CommitmentMade', {
  schema: z.strictObject({
    commitmentId: z.string(),
    description: personal(z.string().min(1).max(500)),
    dueAt: instant,
  }),
});
export const CommitmentFulfilled = defineEvent('CommitmentFulfilled', {
  schema: z.strictObject({ commitmentId: z.string(), onTime: z.boolean(), ...contactMade }),
});
export const KeepInTouchLogged = defineEvent('KeepInTouchLogged', {
  schema: z.strictObject({
    kind: z.enum(KEEP_IN_TOUCH_KINDS),
    channel,
    note: personal(z.string().max(2000)).nullable(),
    ...contactMade,
  }),
});
export const InterviewClosed = defineEvent('InterviewClosed', {
  schema: z.strictObject({
    outcome: personal(z.string().max(500)).nullable(),
    /** Open commitments closing cancels. */
    cancelledCommitments: z.array(z.string()).readonly(),
  }),
});
export const DEADLINE_OUTCOMES = [
  'FollowUpDue',
  'SecondContactDue',
  'OutreachAbandoned',
  'MeetingPrepDue',
  'ThankYouOverdue',
  'CommitmentOverdue',
  'KeepInTouchDue',
] as const;
/** The student put a nudge away (a deadline outcome it has seen and will not act on). */
export const NudgeDismissed = defineEvent('NudgeDismissed', {
  schema: z.strictObject({ deadlineId: z.string().min(1).max(100), outcome: z.enum(DEADLINE_OUTCOMES) }),
});
export const EntryVoided = defineEvent('EntryVoided', {
  schema: z.strictObject({
    version: z.number().int().positive(),
    voidedType: z.string(),
    reason: personal(z.string().min(1).max(500)),
  }),
});

// Deadline outcomes: each names the deadline it settles; they occur at the deadline's due time.
const settles = { deadlineId: z.string() };
export const FollowUpDue = defineEvent('FollowUpDue', {
  schema: z.strictObject({ ...settles, abandonDueAt: instant }),
});
export const SecondContactDue = defineEvent('SecondContactDue', {
  schema: z.strictObject({ ...settles, organization: z.string().nullable() }),
});
export const OutreachAbandoned = defineEvent('OutreachAbandoned', {
  schema: z.strictObject({ ...settles, followUpsSent: z.number().int().nonnegative() }),
});
export const MeetingPrepDue = defineEvent('MeetingPrepDue', {
  schema: z.strictObject({
    ...settles,
    /** The preparation advice codes that still hold (QUESTION_COUNT, RESEARCH_FIRST…); empty when ready. */
    gaps: z.array(z.string()).readonly(),
    questionsPrepared: z.number().int().nonnegative(),
  }),
});
export const ThankYouOverdue = defineEvent('ThankYouOverdue', { schema: z.strictObject(settles) });
export const CommitmentOverdue = defineEvent('CommitmentOverdue', {
  schema: z.strictObject({ ...settles, commitmentId: z.string() }),
});
export const KeepInTouchDue = defineEvent('KeepInTouchDue', {
  schema: z.strictObject({ ...settles, lastContactAt: instant }),
});

export const INTERVIEW_EVENTS = [
  InterviewPlanned,
  OutreachSent,
  FollowUpSent,
  ReplyReceived,
  MeetingScheduled,
  MeetingRescheduled,
  MeetingCancelled,
  ResearchNoteAdded,
  QuestionAdded,
  QuestionRemoved,
  MeetingHeld,
  NotesRecorded,
  ReferralReceived,
  ThankYouSent,
  CommitmentMade,
  CommitmentFulfilled,
  KeepInTouchLogged,
  InterviewClosed,
  EntryVoided,
  NudgeDismissed,
  FollowUpDue,
  SecondContactDue,
  OutreachAbandoned,
  MeetingPrepDue,
  ThankYouOverdue,
  CommitmentOverdue,
  KeepInTouchDue,
];

type Defined =
  | EventOf<typeof InterviewPlanned>
  | EventOf<typeof OutreachSent>
  | EventOf<typeof FollowUpSent>
  | EventOf<typeof ReplyReceived>
  | EventOf<typeof MeetingScheduled>
  | EventOf<typeof MeetingRescheduled>
  | EventOf<typeof MeetingCancelled>
  | EventOf<typeof ResearchNoteAdded>
  | EventOf<typeof QuestionAdded>
  | EventOf<typeof QuestionRemoved>
  | EventOf<typeof MeetingHeld>
  | EventOf<typeof NotesRecorded>
  | EventOf<typeof ReferralReceived>
  | EventOf<typeof ThankYouSent>
  | EventOf<typeof CommitmentMade>
  | EventOf<typeof CommitmentFulfilled>
  | EventOf<typeof KeepInTouchLogged>
  | EventOf<typeof InterviewClosed>
  | EventOf<typeof EntryVoided>
  | EventOf<typeof NudgeDismissed>
  | EventOf<typeof FollowUpDue>
  | EventOf<typeof SecondContactDue>
  | EventOf<typeof OutreachAbandoned>
  | EventOf<typeof MeetingPrepDue>
  | EventOf<typeof ThankYouOverdue>
  | EventOf<typeof CommitmentOverdue>
  | EventOf<typeof KeepInTouchDue>;

export type InterviewEvent = Defined & { readonly occurredAt: string; readonly subject?: string };
export type InterviewEventType = InterviewEvent['type'];
export type EventData<T extends InterviewEventType> = Extract<InterviewEvent, { type: T }>['data'];

/** The events time produces (a deadline falling due): never logged by a student, never voided. */
export type DeadlineOutcome = (typeof DEADLINE_OUTCOMES)[number];
// every outcome is an event type (checked here, apart, as NudgeDismissed's schema names them)
const OUTCOMES_ARE_EVENTS: readonly InterviewEventType[] = DEADLINE_OUTCOMES;
void OUTCOMES_ARE_EVENTS;

/** Which outcome settles each kind of deadline. */
export const OUTCOME_OF: Readonly<Record<DeadlineKind, DeadlineOutcome>> = {
  FOLLOW_UP_DUE: 'FollowUpDue',
  OUTREACH_ABANDONED: 'OutreachAbandoned',
  SECOND_CONTACT_DUE: 'SecondContactDue',
  MEETING_PREP_DUE: 'MeetingPrepDue',
  THANK_YOU_OVERDUE: 'ThankYouOverdue',
  COMMITMENT_OVERDUE: 'CommitmentOverdue',
  KEEP_IN_TOUCH_DUE: 'KeepInTouchDue',
};
