import { assertNever, type Decider } from '@app/core';
import { InvalidInputError, RuleViolationError } from '../errors.ts';
import { MAX_CHARS, text } from '../input.ts';
import {
  fulfilCommitment,
  logKeepInTouch,
  recordCommitment,
  recordMeetingHeld,
  recordNotes,
  recordReferral,
  recordThankYou,
} from './after.ts';
import type { InterviewCommand, InterviewContext } from './commands.ts';
import { fireDeadline } from './deadlines.ts';
import type { DeadlineOutcome, InterviewEvent } from './events.ts';
import { addQuestion, addResearchNote, cancelMeeting, removeQuestion, scheduleMeeting } from './preparing.ts';
import { planInterview, recordFollowUp, recordOutreach, recordReply } from './reachingOut.ts';
import {
  type ActiveInterview,
  evolveInterview,
  foldEntry,
  type InterviewState,
  isOutcome,
  stillAccepted,
} from './state.ts';
import { accept, decided, emit, type InterviewDecision } from './steps.ts';

const closeInterview = (
  command: Extract<InterviewCommand, { type: 'CloseInterview' }>,
  s: ActiveInterview,
  ctx: InterviewContext,
) => {
  accept(s, 'InterviewClosed', 'closing the interview');
  const outcome = command.outcome?.trim() ? text('outcome', command.outcome, { max: MAX_CHARS.outcome }) : null;
  const cancelledCommitments = s.commitments.filter((c) => c.status === 'OPEN').map((c) => c.id);
  return decided([emit(s, 'InterviewClosed', { outcome, cancelledCommitments }, ctx.now)]);
};

/**
 * `dismissNudge`: the student puts away what time recorded for one deadline (it has seen it). A
 * nudge dismissed already is dismissed (nothing is recorded twice); one time never recorded is
 * the client's mistake.
 */
const dismissNudge = (
  command: Extract<InterviewCommand, { type: 'DismissNudge' }>,
  s: ActiveInterview,
  ctx: InterviewContext,
): InterviewDecision => {
  const outcome = s.entries.find(
    (e) => isOutcome(e.type) && (e.data as { deadlineId?: string }).deadlineId === command.deadlineId,
  );
  if (!outcome)
    throw new InvalidInputError('deadlineId', `nothing fell due as ${command.deadlineId} on this interview`);
  const dismissed = s.entries.some((e) => e.type === 'NudgeDismissed' && e.data.deadlineId === command.deadlineId);
  if (dismissed) return decided([]);
  return decided([
    emit(s, 'NudgeDismissed', { deadlineId: command.deadlineId, outcome: outcome.type as DeadlineOutcome }, ctx.now),
  ]);
};

/**
 * `voidEntry`: a student corrects a mis-logged entry. The state becomes what it would be had
 * the entry never been logged, so an entry that later ones depend on (the outreach a follow-up
 * answers) is voided only after them. The plan itself and what time recorded are not entries to void.
 */
const voidEntry = (
  command: Extract<InterviewCommand, { type: 'VoidEntry' }>,
  s: ActiveInterview,
  ctx: InterviewContext,
): InterviewDecision => {
  const reason = text('reason', command.reason, { max: MAX_CHARS.reason });
  const target = s.entries.find((e) => e.version === command.version);
  if (!target) {
    if (s.voided.includes(command.version)) {
      throw new RuleViolationError('INVALID_TRANSITION', `entry ${command.version} is already voided`);
    }
    throw new InvalidInputError('version', `no entry ${command.version} to void on this interview`);
  }
  if (target.type === 'InterviewPlanned') {
    throw new RuleViolationError('INVALID_TRANSITION', 'the plan itself cannot be voided: close the interview instead');
  }
  if (isOutcome(target.type)) {
    throw new RuleViolationError(
      'INVALID_TRANSITION',
      `${target.type} was recorded by time, not by you: it cannot be voided`,
    );
  }
  let before: InterviewState = { status: 'NONE' };
  for (const entry of s.entries) {
    if (entry === target) continue;
    if (entry.version > target.version && !stillAccepted(before, entry)) {
      throw new RuleViolationError(
        'INVALID_TRANSITION',
        `void the later ${entry.type} (entry ${entry.version}) first: it depends on entry ${target.version}`,
      );
    }
    before = foldEntry(before, entry);
  }
  return decided([emit(s, 'EntryVoided', { version: target.version, voidedType: target.type, reason }, ctx.now)]);
};

const decide = (command: InterviewCommand, state: InterviewState, ctx: InterviewContext): InterviewDecision => {
  if (command.type === 'PlanInterview') return planInterview(command, state, ctx);
  if (state.status === 'NONE') throw new RuleViolationError('INVALID_TRANSITION', 'no such interview: plan it first');
  switch (command.type) {
    case 'RecordOutreach':
      return recordOutreach(command, state, ctx);
    case 'RecordFollowUp':
      return recordFollowUp(command, state, ctx);
    case 'RecordReply':
      return recordReply(command, state, ctx);
    case 'ScheduleMeeting':
      return scheduleMeeting(command, state, ctx);
    case 'CancelMeeting':
      return cancelMeeting(command, state, ctx);
    case 'AddResearchNote':
      return addResearchNote(command, state, ctx);
    case 'AddQuestion':
      return addQuestion(command, state, ctx);
    case 'RemoveQuestion':
      return removeQuestion(command, state, ctx);
    case 'RecordMeetingHeld':
      return recordMeetingHeld(command, state, ctx);
    case 'RecordNotes':
      return recordNotes(command, state, ctx);
    case 'RecordReferral':
      return recordReferral(command, state, ctx);
    case 'RecordThankYou':
      return recordThankYou(command, state, ctx);
    case 'RecordCommitment':
      return recordCommitment(command, state, ctx);
    case 'FulfilCommitment':
      return fulfilCommitment(command, state, ctx);
    case 'LogKeepInTouch':
      return logKeepInTouch(command, state, ctx);
    case 'CloseInterview':
      return closeInterview(command, state, ctx);
    case 'VoidEntry':
      return voidEntry(command, state, ctx);
    case 'DismissNudge':
      return dismissNudge(command, state, ctx);
    case 'FollowUpDue':
    case 'SecondContactDue':
    case 'OutreachAbandoned':
    case 'MeetingPrepDue':
    case 'ThankYouOverdue':
    case 'CommitmentOverdue':
    case 'KeepInTouchDue':
      return fireDeadline({ type: command.type, deadlineId: command.deadlineId }, state, ctx);
    default:
      return assertNever(command);
  }
};

/** The Interview stream: one informational interview, a student and one contact (DESIGN.md §4). */
export const interviewDecider: Decider<InterviewState, InterviewCommand, InterviewEvent, InterviewContext> = {
  initialState: { status: 'NONE' },
  decide,
  evolve: evolveInterview,
};
