import type { Advice } from '@app/core';
import type { Channel } from '../contact/events.ts';
import { InvalidInputError, RuleViolationError } from '../errors.ts';
import { MAX_CHARS, text } from '../input.ts';
import { addDays } from '../policy/days.ts';
import { advise } from '../rules/rules.ts';
import { happened, instant, latest, ms, notBefore } from '../time.ts';
import type { InterviewCommand, InterviewContact, InterviewContext } from './commands.ts';
import type { InterviewEvent } from './events.ts';
import { lintOutreach } from './outreachLint.ts';
import type { ActiveInterview, InterviewState } from './state.ts';
import { accept, contactOf, decided, emit, type InterviewDecision } from './steps.ts';

// Planning an interview and reaching out (RULES.md "Reaching out").

type Cmd<T extends InterviewCommand['type']> = Extract<InterviewCommand, { type: T }>;

const MAX_GOALS = 10;
const CASUAL: readonly Channel[] = ['TEXT_MESSAGE', 'INSTANT_MESSAGE'];
/** Without a second-contact rule, a reply within this many days still marks a booster (RULES.md `BOOSTER`). */
const BOOSTER_DAYS_WHEN_OFF = 3;

/** `CONTACT_FATIGUE`: other students already have open requests with this professional. */
const fatigue = (ctx: InterviewContext): Advice[] => {
  const open = ctx.openRequestsToContact ?? 0;
  if (open < ctx.policy.maxOpenRequestsPerContact) return [];
  return [
    advise(
      'CONTACT_FATIGUE',
      `${open} other students from your university are already waiting on this professional; consider someone else at the organization first.`,
    ),
  ];
};

/** `NO_CASUAL_CHANNEL`: no texting or instant messages to someone who has not asked for them. */
const casual = (channel: Channel, contact: InterviewContact): Advice[] =>
  CASUAL.includes(channel) && contact.preferredChannel !== channel
    ? [advise('NO_CASUAL_CHANNEL', 'Never text or instant-message someone you do not know well: write an email.')]
    : [];

export const planInterview = (
  command: Cmd<'PlanInterview'>,
  state: InterviewState,
  ctx: InterviewContext,
): InterviewDecision => {
  if (state.status !== 'NONE') throw new RuleViolationError('INVALID_TRANSITION', 'this interview is already planned');
  const contact = contactOf(ctx);
  if (contact.id !== command.contactId || contact.ownerId !== ctx.studentId) {
    throw new InvalidInputError('contactId', 'no such contact among yours');
  }
  if (contact.status === 'ARCHIVED') throw new InvalidInputError('contactId', 'this contact is archived');
  if (command.goals.length > MAX_GOALS) throw new InvalidInputError('goals', `at most ${MAX_GOALS} goals`);
  const goals = command.goals.map((goal, i) => text(`goals[${i}]`, goal, { max: MAX_CHARS.goal }));
  const advice = goals.length === 0 ? [advise('DEFINE_GOALS', 'Write down what you want from the meeting.')] : [];
  const event: InterviewEvent = {
    type: 'InterviewPlanned',
    data: { studentId: ctx.studentId, contactId: contact.id, goals },
    occurredAt: ctx.now,
    subject: ctx.studentId,
  };
  return decided([event], [...advice, ...fatigue(ctx)]);
};

/** After an outreach or the n-th follow-up: one more follow-up, or (after the last) giving up. */
const replyDeadline = (sentAt: string, followUpsAfter: number, ctx: InterviewContext) => ({
  kind: followUpsAfter < ctx.policy.maxFollowUps ? ('FOLLOW_UP_DUE' as const) : ('OUTREACH_ABANDONED' as const),
  dueAt: addDays(sentAt, ctx.policy.followUpAfterDays, ctx.policy),
});

export const recordOutreach = (
  command: Cmd<'RecordOutreach'>,
  s: ActiveInterview,
  ctx: InterviewContext,
): InterviewDecision => {
  if (s.outreach !== null && s.status !== 'CLOSED') {
    throw new RuleViolationError(
      'INVALID_TRANSITION',
      'the first outreach is already recorded: a later message is a follow-up',
    );
  }
  accept(s, 'OutreachSent', 'recording an outreach');
  const sentAt = happened('sentAt', command.sentAt, ctx.now);
  const proposed = (command.proposedTimes ?? []).map((t, i) => instant(`proposedTimes[${i}]`, t));
  if (proposed.length > 10) throw new InvalidInputError('proposedTimes', 'propose at most 10 times');
  for (const [i, t] of proposed.entries()) notBefore(`proposedTimes[${i}]`, t, sentAt, 'the outreach itself');
  const message = command.message?.trim() ? text('message', command.message, { max: MAX_CHARS.message }) : null;
  const contact = contactOf(ctx);
  const { policy } = ctx;
  const windowEnd = ms(addDays(sentAt, policy.meetingWithinDays, policy));
  const advice = [
    ...lintOutreach(message, {
      policy,
      referrerName: contact.referrerName,
      proposedTimes: proposed.length,
      mentionedReferrer: command.mentionedReferrer,
      statedPurpose: command.statedPurpose,
    }),
    ...(proposed.some((t) => ms(t) > windowEnd)
      ? [advise('MEETING_WINDOW', `Propose times within the next ${policy.meetingWithinDays} days.`)]
      : []),
    ...casual(command.channel, contact),
    ...fatigue(ctx),
  ];
  const data = {
    channel: command.channel,
    message,
    proposedTimes: proposed,
    mentionedReferrer: command.mentionedReferrer ?? null,
    statedPurpose: command.statedPurpose ?? null,
    replyDeadline: replyDeadline(sentAt, 0, ctx),
    secondContactDueAt:
      policy.secondContactAfterDays === null ? null : addDays(sentAt, policy.secondContactAfterDays, policy),
  };
  return decided([emit(s, 'OutreachSent', data, sentAt)], advice);
};

export const recordFollowUp = (
  command: Cmd<'RecordFollowUp'>,
  s: ActiveInterview,
  ctx: InterviewContext,
): InterviewDecision => {
  accept(s, 'FollowUpSent', 'recording a follow-up');
  const { policy } = ctx;
  if (s.followUps.length >= policy.maxFollowUps) {
    throw new RuleViolationError(
      'FOLLOW_UP_LIMIT',
      policy.maxFollowUps === 0
        ? 'your university advises not to follow up: leave them alone and reach out to someone else'
        : `${s.followUps.length} follow-up${s.followUps.length === 1 ? ' is' : 's are'} the limit: leave them alone and reach out to someone else`,
    );
  }
  const sentAt = happened('sentAt', command.sentAt, ctx.now);
  const outreach = s.outreach as NonNullable<ActiveInterview['outreach']>;
  notBefore('sentAt', sentAt, outreach.sentAt, 'the outreach');
  if (s.status === 'UNRESPONSIVE' && s.abandonedAt !== null && ms(sentAt) >= ms(s.abandonedAt)) {
    throw new RuleViolationError(
      'FOLLOW_UP_LIMIT',
      `no reply came by ${s.abandonedAt}: leave them alone and reach out to someone else`,
    );
  }
  const last = s.followUps.reduce((at, f) => latest(at, f.sentAt), outreach.sentAt);
  const advice: Advice[] = [...casual(command.channel, contactOf(ctx))];
  if (ms(sentAt) < ms(addDays(last, policy.followUpAfterDays, policy))) {
    advice.push(
      advise(
        'FOLLOW_UP_TOO_SOON',
        `Wait ${policy.followUpAfterDays} days after your last message before following up: sooner is pestering.`,
      ),
    );
  }
  const data = { channel: command.channel, replyDeadline: replyDeadline(sentAt, s.followUps.length + 1, ctx) };
  return decided([emit(s, 'FollowUpSent', data, sentAt)], advice);
};

export const recordReply = (command: Cmd<'RecordReply'>, s: ActiveInterview, ctx: InterviewContext) => {
  if (s.reply !== null && s.status !== 'CLOSED') {
    throw new RuleViolationError('INVALID_TRANSITION', `their reply is already recorded (${s.reply.outcome})`);
  }
  accept(s, 'ReplyReceived', 'recording a reply');
  const receivedAt = happened('receivedAt', command.receivedAt, ctx.now);
  const outreach = s.outreach as NonNullable<ActiveInterview['outreach']>;
  notBefore('receivedAt', receivedAt, outreach.sentAt, 'the outreach');
  const { policy } = ctx;
  const boosterUntil = addDays(outreach.sentAt, policy.secondContactAfterDays ?? BOOSTER_DAYS_WHEN_OFF, policy);
  const booster = command.outcome === 'ACCEPTED' && ms(receivedAt) <= ms(boosterUntil);
  const repliedAfterDays = Math.round((ms(receivedAt) - ms(outreach.sentAt)) / 8_640_000) / 10;
  const advice = booster
    ? [advise('BOOSTER', 'They answered quickly and said yes: a booster, worth investing in.')]
    : [];
  return decided(
    [emit(s, 'ReplyReceived', { outcome: command.outcome, booster, repliedAfterDays }, receivedAt)],
    advice,
  );
};
