import { type Advice, assertNever } from '@app/core';
import { addDays } from '../policy/days.ts';
import { advise } from '../rules/rules.ts';
import { ms } from '../time.ts';
import type { DeadlineCommand, InterviewContext } from './commands.ts';
import { OUTCOME_OF } from './events.ts';
import { prepAdvice } from './prepAdvice.ts';
import { preparation } from './preparing.ts';
import type { ActiveInterview, Deadline } from './state.ts';
import { decided, emit, type InterviewDecision } from './steps.ts';

// Time acting on an interview (DESIGN.md §5): a deadline command is decided on the recorded
// state, never on the clock alone. A deadline no longer armed (its awaited action is in the
// stream, whatever its time) decides nothing, so firing twice appends nothing twice.

/** Scheduler fires within about a minute of the time; a command this early still counts as due. */
const EARLY_MS = 60_000;

const nudge = (due: Deadline, gaps: readonly string[]): Advice => {
  switch (due.kind) {
    case 'FOLLOW_UP_DUE':
      return advise('FOLLOW_UP_DUE', 'No reply yet: send one brief, polite follow-up.');
    case 'OUTREACH_ABANDONED':
      return advise(
        'OUTREACH_ABANDONED',
        'No reply after your follow-up: leave them alone and reach out to someone else.',
      );
    case 'SECOND_CONTACT_DUE':
      return advise('SECOND_CONTACT_DUE', 'No reply yet: write to a second person at the same organization.');
    case 'MEETING_PREP_DUE':
      return advise(
        'MEETING_PREP_DUE',
        gaps.length === 0
          ? 'Your meeting is soon, and you are prepared.'
          : `Your meeting is soon; still to do: ${gaps.join(', ')}.`,
      );
    case 'THANK_YOU_OVERDUE':
      return advise('THANK_YOU_OVERDUE', 'Send your thank-you now: it was due within a day of the meeting.');
    case 'COMMITMENT_OVERDUE':
      // never the promise's words: advice is kept in plain text (the event's meta, the nudge views)
      return advise('COMMITMENT_OVERDUE', 'Do what you promised: it is overdue.');
    case 'KEEP_IN_TOUCH_DUE':
      return advise('KEEP_IN_TOUCH_DUE', 'Time to let them know how your career is going.');
    default:
      return assertNever(due.kind);
  }
};

export const fireDeadline = (
  command: DeadlineCommand,
  s: ActiveInterview,
  ctx: InterviewContext,
): InterviewDecision => {
  const due = s.armed.find((d) => d.deadlineId === command.deadlineId && OUTCOME_OF[d.kind] === command.type);
  if (!due || ms(due.dueAt) > ms(ctx.now) + EARLY_MS) return decided([]);
  const at = due.dueAt;
  const settles = { deadlineId: due.deadlineId };
  const { policy } = ctx;
  switch (command.type) {
    case 'FollowUpDue': {
      const abandonDueAt = addDays(at, policy.followUpAfterDays, policy);
      return decided([emit(s, 'FollowUpDue', { ...settles, abandonDueAt }, at)], [nudge(due, [])]);
    }
    case 'OutreachAbandoned':
      return decided(
        [emit(s, 'OutreachAbandoned', { ...settles, followUpsSent: s.followUps.length }, at)],
        [nudge(due, [])],
      );
    case 'SecondContactDue': {
      const since = ms((s.outreach as NonNullable<ActiveInterview['outreach']>).sentAt);
      if ((ctx.organizationReplies ?? []).some((t) => ms(t) >= since)) return decided([]);
      const organization = ctx.contact?.organization ?? null;
      return decided([emit(s, 'SecondContactDue', { ...settles, organization }, at)], [nudge(due, [])]);
    }
    case 'MeetingPrepDue': {
      const gaps = prepAdvice(preparation(s), policy).map((a) => a.code);
      const data = { ...settles, gaps, questionsPrepared: s.questions.length };
      return decided([emit(s, 'MeetingPrepDue', data, at)], [nudge(due, gaps)]);
    }
    case 'ThankYouOverdue':
      return decided([emit(s, 'ThankYouOverdue', settles, at)], [nudge(due, [])]);
    case 'CommitmentOverdue': {
      const commitment = s.commitments.find((c) => c.deadlineId === due.deadlineId);
      if (!commitment) return decided([]);
      const data = { ...settles, commitmentId: commitment.id };
      return decided([emit(s, 'CommitmentOverdue', data, at)], [nudge(due, [])]);
    }
    case 'KeepInTouchDue': {
      const data = { ...settles, lastContactAt: s.lastContactAt ?? at };
      return decided([emit(s, 'KeepInTouchDue', data, at)], [nudge(due, [])]);
    }
    default:
      return assertNever(command.type);
  }
};
