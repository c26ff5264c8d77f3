import type { Advice } from '@app/core';
import type { Channel } from '../contact/events.ts';
import { InvalidInputError, RuleViolationError } from '../errors.ts';
import { MAX_CHARS, text } from '../input.ts';
import { addDays, addHours } from '../policy/days.ts';
import { advise } from '../rules/rules.ts';
import { happened, hoursBetween, instant, ms, notBefore } from '../time.ts';
import type { InterviewCommand, InterviewContext } from './commands.ts';
import { meetingLength, minutes } from './preparing.ts';
import type { ActiveInterview } from './state.ts';
import { accept, decided, emit, type InterviewDecision } from './steps.ts';

// The meeting and what follows it (RULES.md "The meeting", "After").

type Cmd<T extends InterviewCommand['type']> = Extract<InterviewCommand, { type: T }>;

const MAX_COMMITMENTS = 50;
const HANDWRITTEN: readonly Channel[] = ['HANDWRITTEN_NOTE', 'LETTER'];

const heldAtOf = (s: ActiveInterview) => (s.held as NonNullable<ActiveInterview['held']>).heldAt;

const giveBack = (s: ActiveInterview): Advice[] =>
  s.offeredHelp
    ? []
    : [
        advise(
          'GIVE_BACK',
          'Offer something in return: an article they would enjoy, help with a project, an introduction.',
        ),
      ];

export const recordMeetingHeld = (
  command: Cmd<'RecordMeetingHeld'>,
  s: ActiveInterview,
  ctx: InterviewContext,
): InterviewDecision => {
  accept(s, 'MeetingHeld', 'recording the meeting as held');
  const heldAt = happened('heldAt', command.heldAt, ctx.now);
  notBefore('heldAt', heldAt, s.outreach?.sentAt, 'the outreach');
  notBefore('heldAt', heldAt, s.reply?.receivedAt, 'their reply');
  const durationMinutes = minutes('durationMinutes', command.durationMinutes);
  const longer = command.longerRequestedByContact ?? s.meeting?.longerRequestedByContact ?? false;
  const { policy } = ctx;
  const length = meetingLength(durationMinutes, longer, policy);
  const advice = [...length];
  if (s.meeting && durationMinutes > s.meeting.durationMinutes) {
    advice.push(
      advise(
        'OVERSTAYED',
        `The meeting ran ${durationMinutes - s.meeting.durationMinutes} minutes past the ${s.meeting.durationMinutes} you asked for: watch the clock and offer to end on time.`,
      ),
    );
  }
  if (command.askedForReferrals !== true) {
    advice.push(advise('ASK_FOR_REFERRALS', 'Before you leave, ask whom else you should talk to.'));
  }
  const data = {
    durationMinutes,
    askedForReferrals: command.askedForReferrals ?? null,
    lengthWithinPolicy: length.length === 0,
    questionsPrepared: s.questions.length,
    thankYouDueAt: addHours(heldAt, policy.thankYouWithinHours),
  };
  return decided([emit(s, 'MeetingHeld', data, heldAt)], advice);
};

export const recordNotes = (command: Cmd<'RecordNotes'>, s: ActiveInterview, ctx: InterviewContext) => {
  accept(s, 'NotesRecorded', 'recording notes');
  const writtenAt = command.writtenAt ? happened('writtenAt', command.writtenAt, ctx.now) : ctx.now;
  const heldAt = heldAtOf(s);
  notBefore('writtenAt', writtenAt, heldAt, 'the meeting');
  const level = command.interestLevel ?? null;
  if (level !== null && (!Number.isInteger(level) || level < 1 || level > 5)) {
    throw new InvalidInputError('interestLevel', `must be a whole number from 1 to 5, got ${level}`);
  }
  const data = {
    notes: text('notes', command.notes, { max: MAX_CHARS.notes }),
    impressions: command.impressions?.trim()
      ? text('impressions', command.impressions, { max: MAX_CHARS.impressions })
      : null,
    interestLevel: level,
  };
  const { notesWithinHours: within } = ctx.policy;
  const advice =
    ms(writtenAt) > ms(addHours(heldAt, within))
      ? [advise('NOTES_AFTER', `Write your notes within ${within} hours of the meeting, while you remember it.`)]
      : [];
  return decided([emit(s, 'NotesRecorded', data, writtenAt)], advice);
};

export const recordReferral = (command: Cmd<'RecordReferral'>, s: ActiveInterview, ctx: InterviewContext) => {
  accept(s, 'ReferralReceived', 'recording a referral');
  const referredContactId = text('referredContactId', command.referredContactId, { max: MAX_CHARS.id });
  if (s.referrals.includes(referredContactId)) return decided([]);
  return decided([emit(s, 'ReferralReceived', { referredContactId }, ctx.now)], giveBack(s));
};

export const recordThankYou = (command: Cmd<'RecordThankYou'>, s: ActiveInterview, ctx: InterviewContext) => {
  if (s.held === null) {
    throw new RuleViolationError(
      'THANK_YOU_BEFORE_MEETING',
      'a thank-you follows a meeting: record the meeting as held first',
    );
  }
  accept(s, 'ThankYouSent', 'recording a thank-you');
  const sentAt = happened('sentAt', command.sentAt, ctx.now);
  const { heldAt } = s.held;
  if (ms(sentAt) < ms(heldAt)) {
    throw new RuleViolationError('THANK_YOU_BEFORE_MEETING', `the thank-you is dated before the meeting (${heldAt})`);
  }
  const { policy } = ctx;
  const first = s.thankYou === null;
  const data = {
    channel: command.channel,
    first,
    onTime: ms(sentAt) <= ms(addHours(heldAt, policy.thankYouWithinHours)),
    hoursAfterMeeting: hoursBetween(heldAt, sentAt),
    keepInTouchDueAt: addDays(sentAt, policy.keepInTouchEveryDays, policy),
  };
  const advice: Advice[] = [];
  if (!s.handwrittenNoteSent && !HANDWRITTEN.includes(command.channel)) {
    advice.push(advise('HANDWRITTEN_NOTE', 'Follow your email with a short handwritten note: it is remembered.'));
  }
  if (first && ctx.contact?.preferredChannel === null) {
    advice.push(
      advise('STAY_IN_TOUCH_PREFERENCE', 'Ask how they prefer to stay in touch, and record it on the contact.'),
    );
  }
  if (first) advice.push(...giveBack(s));
  return decided([emit(s, 'ThankYouSent', data, sentAt)], advice);
};

export const recordCommitment = (command: Cmd<'RecordCommitment'>, s: ActiveInterview, ctx: InterviewContext) => {
  accept(s, 'CommitmentMade', 'recording a commitment');
  if (s.commitments.length >= MAX_COMMITMENTS) {
    throw new InvalidInputError('description', `an interview holds at most ${MAX_COMMITMENTS} commitments`);
  }
  const { policy } = ctx;
  const dueAt = command.dueAt
    ? instant('dueAt', command.dueAt)
    : addDays(ctx.now, policy.commitmentDefaultDays, policy);
  notBefore('dueAt', dueAt, heldAtOf(s), 'the meeting');
  const data = {
    commitmentId: ctx.newId('cmt'),
    description: text('description', command.description, { max: MAX_CHARS.commitment }),
    dueAt,
  };
  return decided([emit(s, 'CommitmentMade', data, ctx.now)]);
};

export const fulfilCommitment = (command: Cmd<'FulfilCommitment'>, s: ActiveInterview, ctx: InterviewContext) => {
  accept(s, 'CommitmentFulfilled', 'fulfilling a commitment');
  const commitment = s.commitments.find((c) => c.id === command.commitmentId);
  if (!commitment)
    throw new InvalidInputError('commitmentId', `no commitment ${command.commitmentId} on this interview`);
  if (commitment.status !== 'OPEN') {
    throw new RuleViolationError(
      'INVALID_TRANSITION',
      commitment.status === 'FULFILLED'
        ? `this commitment was already fulfilled (${commitment.fulfilledAt})`
        : 'this commitment was cancelled when the interview closed',
    );
  }
  const fulfilledAt = happened('fulfilledAt', command.fulfilledAt, ctx.now);
  notBefore('fulfilledAt', fulfilledAt, heldAtOf(s), 'the meeting');
  const { policy } = ctx;
  const data = {
    commitmentId: commitment.id,
    onTime: ms(fulfilledAt) <= ms(commitment.dueAt),
    keepInTouchDueAt: addDays(fulfilledAt, policy.keepInTouchEveryDays, policy),
  };
  return decided([emit(s, 'CommitmentFulfilled', data, fulfilledAt)]);
};

export const logKeepInTouch = (command: Cmd<'LogKeepInTouch'>, s: ActiveInterview, ctx: InterviewContext) => {
  if (s.held === null) {
    throw new RuleViolationError(
      'INVALID_TRANSITION',
      'keeping in touch follows a meeting: no meeting is recorded as held',
    );
  }
  accept(s, 'KeepInTouchLogged', 'logging a keep-in-touch');
  const at = happened('at', command.at, ctx.now);
  notBefore('at', at, s.held.heldAt, 'the meeting');
  const { policy } = ctx;
  const data = {
    kind: command.kind,
    channel: command.channel,
    note: command.note?.trim() ? text('note', command.note, { max: MAX_CHARS.note }) : null,
    keepInTouchDueAt: addDays(at, policy.keepInTouchEveryDays, policy),
  };
  return decided([emit(s, 'KeepInTouchLogged', data, at)]);
};
