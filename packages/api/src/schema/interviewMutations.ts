import { type InterviewCommand, KEEP_IN_TOUCH_KINDS, MEETING_FORMATS, REPLY_OUTCOMES } from '@app/domain';
import type { InputFieldMap, InputShapeFromFields } from '@pothos/core';
import { builder } from '../builder.ts';
import { type ContactView, callerOf } from '../context.ts';
import type { InterviewView } from '../interviews.ts';
import { type Advice, Advice as AdviceType } from './advice.ts';
import { Contact } from './contact.ts';
import { Channel, Interview, InterviewPayload, QuestionTopic } from './interview.ts';

// Every student-side interview mutation: one input (with `interviewId`, `idempotencyKey`,
// `expectedVersion`), one command, the interview read back with the decision's advice.

const ReplyOutcome = builder.enumType('ReplyOutcome', { values: REPLY_OUTCOMES });
const MeetingFormat = builder.enumType('MeetingFormat', { values: MEETING_FORMATS });
const KeepInTouchKind = builder.enumType('KeepInTouchKind', { values: KEEP_IN_TOUCH_KINDS });

const interviewMutation = <F extends InputFieldMap>(
  name: string,
  inputName: string,
  fields: (t: Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0]) => F,
  command: (input: InputShapeFromFields<F>) => InterviewCommand,
) => {
  const Input = builder.inputType(inputName, {
    fields: (t) => ({
      interviewId: t.id({ required: true }),
      ...fields(t),
      idempotencyKey: t.string(),
      expectedVersion: t.int(),
    }),
  });
  builder.mutationField(name, (t) =>
    t.field({
      type: InterviewPayload,
      authScopes: { role: 'STUDENT' },
      args: { input: t.arg({ type: Input, required: true }) },
      resolve: (_root, args, ctx) => {
        // what the input type above declares: its own fields and the three every mutation has
        const input = (args as unknown as { input: Common & InputShapeFromFields<F> }).input;
        return ctx.app.interviews.send(callerOf(ctx), String(input.interviewId), command(input), input);
      },
    }),
  );
};

interface Common {
  readonly interviewId: string | number;
  readonly idempotencyKey?: string | null;
  readonly expectedVersion?: number | null;
}

builder.mutationField('planInterview', (t) =>
  t.field({
    type: InterviewPayload,
    authScopes: { role: 'STUDENT' },
    args: {
      input: t.arg({
        required: true,
        type: builder.inputType('PlanInterviewInput', {
          fields: (f) => ({
            contactId: f.id({ required: true }),
            goals: f.stringList({ required: true }),
            idempotencyKey: f.string(),
          }),
        }),
      }),
    },
    resolve: (_root, { input }, ctx) =>
      ctx.app.interviews.send(
        callerOf(ctx),
        null,
        { type: 'PlanInterview', contactId: String(input.contactId), goals: input.goals },
        { idempotencyKey: input.idempotencyKey },
      ),
  }),
);

interviewMutation(
  'recordOutreach',
  'RecordOutreachInput',
  (t) => ({
    channel: t.field({ type: Channel, required: true }),
    sentAt: t.field({ type: 'DateTime', required: true }),
    message: t.string(),
    mentionedReferrer: t.boolean(),
    statedPurpose: t.boolean(),
    proposedTimes: t.field({ type: ['DateTime'] }),
  }),
  (i) => ({
    type: 'RecordOutreach',
    channel: i.channel,
    sentAt: i.sentAt,
    message: i.message ?? null,
    mentionedReferrer: i.mentionedReferrer ?? null,
    statedPurpose: i.statedPurpose ?? null,
    proposedTimes: i.proposedTimes ?? null,
  }),
);

interviewMutation(
  'recordFollowUp',
  'RecordFollowUpInput',
  (t) => ({
    channel: t.field({ type: Channel, required: true }),
    sentAt: t.field({ type: 'DateTime', required: true }),
  }),
  (i) => ({ type: 'RecordFollowUp', channel: i.channel, sentAt: i.sentAt }),
);

interviewMutation(
  'recordReply',
  'RecordReplyInput',
  (t) => ({
    receivedAt: t.field({ type: 'DateTime', required: true }),
    outcome: t.field({ type: ReplyOutcome, required: true }),
  }),
  (i) => ({ type: 'RecordReply', receivedAt: i.receivedAt, outcome: i.outcome }),
);

interviewMutation(
  'scheduleMeeting',
  'ScheduleMeetingInput',
  (t) => ({
    startsAt: t.field({ type: 'DateTime', required: true }),
    durationMinutes: t.int({ required: true }),
    format: t.field({ type: MeetingFormat, required: true }),
    location: t.string(),
    longerRequestedByContact: t.boolean(),
  }),
  (i) => ({
    type: 'ScheduleMeeting',
    startsAt: i.startsAt,
    durationMinutes: i.durationMinutes,
    format: i.format,
    location: i.location ?? null,
    longerRequestedByContact: i.longerRequestedByContact ?? null,
  }),
);

interviewMutation(
  'cancelMeeting',
  'CancelMeetingInput',
  (t) => ({ reason: t.string(), closeInterview: t.boolean() }),
  (i) => ({ type: 'CancelMeeting', reason: i.reason ?? null, closeInterview: i.closeInterview ?? null }),
);

interviewMutation(
  'addResearchNote',
  'AddResearchNoteInput',
  (t) => ({ text: t.string({ required: true }) }),
  (i) => ({ type: 'AddResearchNote', text: i.text }),
);

interviewMutation(
  'addQuestion',
  'AddQuestionInput',
  (t) => ({ text: t.string({ required: true }), topic: t.field({ type: QuestionTopic, required: true }) }),
  (i) => ({ type: 'AddQuestion', text: i.text, topic: i.topic }),
);

interviewMutation(
  'removeQuestion',
  'RemoveQuestionInput',
  (t) => ({ questionId: t.id({ required: true }) }),
  (i) => ({ type: 'RemoveQuestion', questionId: String(i.questionId) }),
);

interviewMutation(
  'recordMeetingHeld',
  'RecordMeetingHeldInput',
  (t) => ({
    heldAt: t.field({ type: 'DateTime', required: true }),
    durationMinutes: t.int({ required: true }),
    askedForReferrals: t.boolean(),
  }),
  (i) => ({
    type: 'RecordMeetingHeld',
    heldAt: i.heldAt,
    durationMinutes: i.durationMinutes,
    askedForReferrals: i.askedForReferrals ?? null,
  }),
);

interviewMutation(
  'recordNotes',
  'RecordNotesInput',
  (t) => ({
    notes: t.string({ required: true }),
    impressions: t.string(),
    interestLevel: t.int(),
    writtenAt: t.field({ type: 'DateTime' }),
  }),
  (i) => ({
    type: 'RecordNotes',
    notes: i.notes,
    impressions: i.impressions ?? null,
    interestLevel: i.interestLevel ?? null,
    writtenAt: i.writtenAt ?? null,
  }),
);

interviewMutation(
  'recordThankYou',
  'RecordThankYouInput',
  (t) => ({
    sentAt: t.field({ type: 'DateTime', required: true }),
    channel: t.field({ type: Channel, required: true }),
  }),
  (i) => ({ type: 'RecordThankYou', sentAt: i.sentAt, channel: i.channel }),
);

interviewMutation(
  'recordCommitment',
  'RecordCommitmentInput',
  (t) => ({ description: t.string({ required: true }), dueAt: t.field({ type: 'DateTime' }) }),
  (i) => ({ type: 'RecordCommitment', description: i.description, dueAt: i.dueAt ?? null }),
);

interviewMutation(
  'fulfilCommitment',
  'FulfilCommitmentInput',
  (t) => ({ commitmentId: t.id({ required: true }), fulfilledAt: t.field({ type: 'DateTime', required: true }) }),
  (i) => ({ type: 'FulfilCommitment', commitmentId: String(i.commitmentId), fulfilledAt: i.fulfilledAt }),
);

interviewMutation(
  'logKeepInTouch',
  'LogKeepInTouchInput',
  (t) => ({
    at: t.field({ type: 'DateTime', required: true }),
    kind: t.field({ type: KeepInTouchKind, required: true }),
    channel: t.field({ type: Channel, required: true }),
    note: t.string(),
  }),
  (i) => ({ type: 'LogKeepInTouch', at: i.at, kind: i.kind, channel: i.channel, note: i.note ?? null }),
);

interviewMutation(
  'closeInterview',
  'CloseInterviewInput',
  (t) => ({ outcome: t.string() }),
  (i) => ({ type: 'CloseInterview', outcome: i.outcome ?? null }),
);

interviewMutation(
  'voidEntry',
  'VoidEntryInput',
  (t) => ({ version: t.int({ required: true }), reason: t.string({ required: true }) }),
  (i) => ({ type: 'VoidEntry', version: i.version, reason: i.reason }),
);

interviewMutation(
  'dismissNudge',
  'DismissNudgeInput',
  (t) => ({ deadlineId: t.string({ required: true }) }),
  (i) => ({ type: 'DismissNudge', deadlineId: i.deadlineId }),
);

const ReferralPayload = builder
  .objectRef<{ interview: InterviewView; contact: ContactView; advice: readonly Advice[] }>('ReferralPayload')
  .implement({
    fields: (t) => ({
      interview: t.field({ type: Interview, resolve: (p) => p.interview }),
      contact: t.field({ type: Contact, resolve: (p) => p.contact }),
      advice: t.field({ type: [AdviceType], resolve: (p) => [...p.advice] }),
    }),
  });

builder.mutationField('recordReferral', (t) =>
  t.field({
    type: ReferralPayload,
    description: 'Someone the professional referred the student to: a new contact, and the referral on the interview.',
    authScopes: { role: 'STUDENT' },
    args: {
      input: t.arg({
        required: true,
        type: builder.inputType('RecordReferralInput', {
          fields: (f) => ({
            interviewId: f.id({ required: true }),
            name: f.string({ required: true }),
            title: f.string(),
            company: f.string(),
            email: f.string(),
            idempotencyKey: f.string(),
            expectedVersion: f.int(),
          }),
        }),
      }),
    },
    resolve: (_root, { input }, ctx) =>
      ctx.app.contacts.refer(callerOf(ctx), { ...input, interviewId: String(input.interviewId) }),
  }),
);
