import type { Advice, Decision } from '@app/core';
import { RuleViolationError } from '../errors.ts';
import type { InterviewContact, InterviewContext } from './commands.ts';
import type { EventData, InterviewEvent, InterviewEventType, InterviewStatus } from './events.ts';
import { ACCEPTED_IN, type ActiveInterview } from './state.ts';

// What the command functions of the interview decider share.

export type InterviewDecision = Decision<InterviewEvent>;

/** An event of the student's interview: their personal data is sealed under their key. */
export const emit = <T extends InterviewEventType>(
  s: ActiveInterview,
  type: T,
  data: EventData<T>,
  occurredAt: string,
): InterviewEvent => ({ type, data, occurredAt, subject: s.studentId }) as InterviewEvent;

export const decided = (events: readonly InterviewEvent[], advice: readonly Advice[] = []): InterviewDecision => ({
  events,
  advice,
});

const IN_WORDS: Readonly<Record<InterviewStatus, string>> = {
  PLANNED: 'only planned: no outreach is recorded yet',
  AWAITING_REPLY: 'awaiting a reply',
  ACCEPTED: 'accepted, with no meeting scheduled',
  DECLINED: 'declined',
  UNRESPONSIVE: 'unresponsive: the outreach was left alone after the last follow-up',
  SCHEDULED: 'scheduled, and the meeting is not recorded as held',
  HELD: 'held',
  FOLLOWING_UP: 'following up',
  CLOSED: 'closed',
};

/** Refuses (INVALID_TRANSITION) what the interview's state does not accept, in words a student can act on. */
export const accept = (s: ActiveInterview, type: keyof typeof ACCEPTED_IN, what: string): void => {
  if (!ACCEPTED_IN[type].includes(s.status)) {
    throw new RuleViolationError(
      'INVALID_TRANSITION',
      `${what} is not possible: the interview is ${IN_WORDS[s.status]}`,
    );
  }
};

/** The interview's contact, which the caller must load for commands that need it. */
export const contactOf = (ctx: InterviewContext): InterviewContact => {
  if (!ctx.contact) throw new Error('the interview’s contact must be loaded into the context for this command');
  return ctx.contact;
};
