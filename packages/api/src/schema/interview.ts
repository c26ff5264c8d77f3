import {
  type DeadlineKind,
  INTERVIEW_STATUSES,
  type InterviewEvent,
  interviewDeadlines,
  QUESTION_TOPICS,
} from '@app/domain';
import { builder } from '../builder.ts';
import { type ApiContext, callerOf } from '../context.ts';
import { apiError } from '../errors.ts';
import type { InterviewView } from '../interviews.ts';
import { Advice } from './advice.ts';
import { Contact } from './contact.ts';

export const InterviewStatus = builder.enumType('InterviewStatus', { values: INTERVIEW_STATUSES });
export { ChannelEnum as Channel } from './contact.ts';
export const QuestionTopic = builder.enumType('QuestionTopic', { values: QUESTION_TOPICS });

const Question = builder.objectRef<InterviewView['questions'][number]>('Question').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    text: t.exposeString('text'),
    topic: t.field({ type: QuestionTopic, resolve: (q) => q.topic }),
    flags: t.stringList({ resolve: (q) => [...q.flags] }),
  }),
});

const Commitment = builder.objectRef<InterviewView['commitments'][number]>('Commitment').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    description: t.exposeString('description'),
    dueAt: t.field({ type: 'DateTime', resolve: (c) => c.dueAt }),
    fulfilledAt: t.field({ type: 'DateTime', nullable: true, resolve: (c) => c.fulfilledAt }),
  }),
});

const Deadline = builder.objectRef<{ kind: DeadlineKind; dueAt: string }>('Deadline').implement({
  fields: (t) => ({
    kind: t.exposeString('kind'),
    dueAt: t.field({ type: 'DateTime', resolve: (d) => d.dueAt }),
  }),
});

const TimelineEntry = builder
  .objectRef<{ version: number; type: string; occurredAt: string }>('TimelineEntry')
  .implement({
    fields: (t) => ({
      version: t.exposeInt('version'),
      type: t.exposeString('type'),
      occurredAt: t.field({ type: 'DateTime', resolve: (e) => e.occurredAt }),
    }),
  });

export const Interview = builder.objectRef<InterviewView>('Interview');

/**
 * What the student wrote, by event type, in order, voided entries left out — for the student
 * alone (DESIGN.md §7: a coach never reads a student's notes or messages).
 */
type Written = 'OutreachSent' | 'ResearchNoteAdded' | 'NotesRecorded';
type DataOf<T extends Written> = Extract<InterviewEvent, { type: T }>['data'];
const ownWords = <T extends Written>(i: InterviewView, ctx: ApiContext, type: T): DataOf<T>[] =>
  callerOf(ctx).userId !== i.studentId
    ? []
    : i.events.filter((e) => e.type === type && !i.voided.includes(e.version)).map((e) => e.data as DataOf<T>);

const MeetingNotes = builder.objectRef<DataOf<'NotesRecorded'>>('MeetingNotes').implement({
  fields: (t) => ({
    notes: t.exposeString('notes'),
    impressions: t.exposeString('impressions', { nullable: true }),
    interestLevel: t.exposeInt('interestLevel', { nullable: true }),
  }),
});

builder.node(Interview, {
  id: { resolve: (x) => x.id },
  loadOne: async (id, ctx) =>
    (await ctx.app.interviews.get(callerOf(ctx), id)) ?? Promise.reject(apiError('NOT_FOUND', `no interview ${id}`)),
  description: "One informational interview, from planning to keeping in touch: its student's own.",
  fields: (t) => ({
    version: t.exposeInt('version'),
    status: t.field({ type: InterviewStatus, resolve: (i) => i.status }),
    contact: t.field({
      type: Contact,
      resolve: async (i, _args, ctx) => {
        const contact = await ctx.app.contacts.get(callerOf(ctx), i.contactId);
        if (!contact) throw new Error(`interview ${i.id} names contact ${i.contactId}, which its student cannot read`);
        return contact;
      },
    }),
    goals: t.stringList({ resolve: (i) => [...i.goals] }),
    outreachMessage: t.string({
      nullable: true,
      description: 'The first outreach message as sent. The student’s alone: `null` for coaches and admins.',
      resolve: (i, _args, ctx) => ownWords(i, ctx, 'OutreachSent')[0]?.message ?? null,
    }),
    researchNotes: t.stringList({
      description: 'What the student noted while preparing. The student’s alone: empty for coaches and admins.',
      resolve: (i, _args, ctx) => ownWords(i, ctx, 'ResearchNoteAdded').map((d) => d.text),
    }),
    notes: t.field({
      type: MeetingNotes,
      nullable: true,
      description: 'The notes written after the meeting (the latest). The student’s alone: `null` for others.',
      resolve: (i, _args, ctx) => ownWords(i, ctx, 'NotesRecorded').at(-1) ?? null,
    }),
    followUpsSent: t.int({ resolve: (i) => i.followUps.length }),
    meetingStartsAt: t.field({ type: 'DateTime', nullable: true, resolve: (i) => i.meeting?.startsAt ?? null }),
    meetingDurationMinutes: t.int({ nullable: true, resolve: (i) => i.meeting?.durationMinutes ?? null }),
    heldAt: t.field({ type: 'DateTime', nullable: true, resolve: (i) => i.held?.heldAt ?? null }),
    thankYouSentAt: t.field({ type: 'DateTime', nullable: true, resolve: (i) => i.thankYou?.sentAt ?? null }),
    questions: t.field({ type: [Question], resolve: (i) => [...i.questions] }),
    commitments: t.field({ type: [Commitment], resolve: (i) => [...i.commitments] }),
    nextDeadline: t.field({ type: Deadline, nullable: true, resolve: (i) => interviewDeadlines(i)[0] ?? null }),
    advice: t.field({ type: [Advice], resolve: (i) => [...i.advice] }),
    timeline: t.field({
      type: [TimelineEntry],
      description: 'Every event of the interview in version order, deadline outcomes included, by event type.',
      resolve: (i) => i.events.map((e) => ({ version: e.version, type: e.type, occurredAt: e.occurredAt })),
    }),
  }),
});

export const InterviewPayload = builder
  .objectRef<{ interview: InterviewView; advice: readonly Advice[] }>('InterviewPayload')
  .implement({
    fields: (t) => ({
      interview: t.field({ type: Interview, resolve: (p) => p.interview }),
      advice: t.field({ type: [Advice], resolve: (p) => [...p.advice] }),
    }),
  });

builder.queryField('interview', (t) =>
  t.field({
    type: Interview,
    nullable: true,
    authScopes: { signedIn: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      const interview = await ctx.app.interviews.get(callerOf(ctx), String(id));
      if (!interview) throw apiError('NOT_FOUND', `no interview ${String(id)}`);
      return interview;
    },
  }),
);
