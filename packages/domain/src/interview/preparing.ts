import type { Advice } from '@app/core';
import { InvalidInputError } from '../errors.ts';
import { MAX_CHARS, text } from '../input.ts';
import { addDays, addHours } from '../policy/days.ts';
import type { Policy } from '../policy/policy.ts';
import { advise } from '../rules/rules.ts';
import { instant, ms } from '../time.ts';
import type { InterviewCommand, InterviewContext } from './commands.ts';
import { type Preparation, prepAdvice } from './prepAdvice.ts';
import { lintQuestion, type QuestionFlag } from './questionLint.ts';
import type { ActiveInterview } from './state.ts';
import { accept, decided, emit, type InterviewDecision } from './steps.ts';

// Scheduling the meeting and preparing for it (RULES.md "Preparing").

type Cmd<T extends InterviewCommand['type']> = Extract<InterviewCommand, { type: T }>;

const MAX_QUESTIONS = 100;

/** What preparation advice is computed from, read off the state. */
export const preparation = (s: ActiveInterview): Preparation => ({
  goals: s.goals,
  researchNotes: s.researchNotes,
  questions: s.questions,
});

/** Minutes within 1–480 (a meeting of a working day at most). */
export const minutes = (field: string, value: number): number => {
  if (!Number.isInteger(value) || value < 1 || value > 480) {
    throw new InvalidInputError(field, `must be a whole number of minutes from 1 to 480, got ${value}`);
  }
  return value;
};

/** `MEETING_LENGTH`: 15 to 30 minutes, unless the contact asked for longer. */
export const meetingLength = (duration: number, longerRequested: boolean, policy: Policy): Advice[] => {
  const { minMeetingMinutes: min, maxMeetingMinutes: max } = policy;
  if (duration >= min && (duration <= max || longerRequested)) return [];
  return [
    advise(
      'MEETING_LENGTH',
      `Keep the meeting to ${min}–${max} minutes (${duration} planned) unless they ask for longer: respect their time.`,
    ),
  ];
};

export const scheduleMeeting = (
  command: Cmd<'ScheduleMeeting'>,
  s: ActiveInterview,
  ctx: InterviewContext,
): InterviewDecision => {
  const rescheduling = s.status === 'SCHEDULED';
  if (!rescheduling) accept(s, 'MeetingScheduled', 'scheduling a meeting');
  const { policy } = ctx;
  const startsAt = instant('startsAt', command.startsAt);
  const durationMinutes = minutes('durationMinutes', command.durationMinutes);
  const location = command.location?.trim() ? text('location', command.location, { max: MAX_CHARS.location }) : null;
  const longerRequestedByContact = command.longerRequestedByContact === true;
  const meeting = { startsAt, durationMinutes, format: command.format, location, longerRequestedByContact };
  const prepDueAt = ms(startsAt) > ms(ctx.now) ? addHours(startsAt, -policy.prepReminderHours) : null;
  const from = s.reply?.receivedAt ?? ctx.now;
  const advice = [
    ...meetingLength(durationMinutes, longerRequestedByContact, policy),
    ...(ms(startsAt) > ms(addDays(from, policy.meetingWithinDays, policy))
      ? [advise('MEETING_WINDOW', `Meet within ${policy.meetingWithinDays} days of their yes, while it is fresh.`)]
      : []),
    ...prepAdvice(preparation(s), policy),
  ];
  const type = rescheduling ? 'MeetingRescheduled' : 'MeetingScheduled';
  return decided([emit(s, type, { ...meeting, prepDueAt }, ctx.now)], advice);
};

export const cancelMeeting = (command: Cmd<'CancelMeeting'>, s: ActiveInterview, ctx: InterviewContext) => {
  accept(s, 'MeetingCancelled', 'cancelling the meeting');
  const reason = command.reason?.trim() ? text('reason', command.reason, { max: MAX_CHARS.reason }) : null;
  const cancelled = emit(s, 'MeetingCancelled', { reason }, ctx.now);
  if (command.closeInterview !== true) return decided([cancelled]);
  return decided([cancelled, emit(s, 'InterviewClosed', { outcome: reason, cancelledCommitments: [] }, ctx.now)]);
};

export const addResearchNote = (command: Cmd<'AddResearchNote'>, s: ActiveInterview, ctx: InterviewContext) => {
  accept(s, 'ResearchNoteAdded', 'adding research');
  return decided([
    emit(s, 'ResearchNoteAdded', { text: text('text', command.text, { max: MAX_CHARS.researchNote }) }, ctx.now),
  ]);
};

const FLAG_ADVICE: Readonly<Record<QuestionFlag, string>> = {
  ASKS_FOR_JOB:
    'Never ask for a job, or say that you are looking for one: ask about their work, and let them offer help.',
  ASKS_ABOUT_PAY: 'Don’t ask about pay: research salary ranges instead.',
  LAZY_QUESTION: 'A quick web search answers this: ask what only they can tell you.',
};

export const addQuestion = (command: Cmd<'AddQuestion'>, s: ActiveInterview, ctx: InterviewContext) => {
  accept(s, 'QuestionAdded', 'adding a question');
  if (s.questions.length >= MAX_QUESTIONS) {
    throw new InvalidInputError('text', `an interview holds at most ${MAX_QUESTIONS} questions`);
  }
  const question = text('text', command.text, { max: MAX_CHARS.question });
  const flags = lintQuestion(question);
  const count = s.questions.length + 1;
  const advice = flags.map((flag) => advise(flag, FLAG_ADVICE[flag]));
  if (count > ctx.policy.maxQuestions) {
    advice.push(
      advise(
        'QUESTION_COUNT',
        `${count} questions is more than the ${ctx.policy.maxQuestions} you will have time for: keep the best.`,
      ),
    );
  }
  const data = { questionId: ctx.newId('que'), text: question, topic: command.topic, flags };
  return decided([emit(s, 'QuestionAdded', data, ctx.now)], advice);
};

export const removeQuestion = (command: Cmd<'RemoveQuestion'>, s: ActiveInterview, ctx: InterviewContext) => {
  accept(s, 'QuestionRemoved', 'removing a question');
  if (!s.questions.some((q) => q.id === command.questionId)) {
    throw new InvalidInputError('questionId', `no question ${command.questionId} on this interview`);
  }
  return decided([emit(s, 'QuestionRemoved', { questionId: command.questionId }, ctx.now)]);
};
