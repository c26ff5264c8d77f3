import type { VersionedEvent } from '@app/core';
import { DateTime } from 'luxon';
import { DEFAULT_POLICY } from '../policy/policy.ts';
import type { InterviewCommand, InterviewContact, InterviewContext } from './commands.ts';
import { interviewDecider } from './decider.ts';
import type { InterviewEvent } from './events.ts';
import type { ActiveInterview, InterviewState } from './state.ts';

// Builders for the interview's tests (not exported by the package).

/** A Tuesday morning in UTC: day 0 of every story. */
export const T0 = '2026-09-01T09:00:00.000Z';

/** `days` (and `hours`) after day 0, as an ISO instant. */
export const at = (days: number, hours = 0): string =>
  DateTime.fromISO(T0, { zone: 'UTC' }).plus({ days, hours }).toISO() as string;

export const contact: InterviewContact = {
  id: 'con_okafor',
  ownerId: 'usr_ada',
  status: 'ACTIVE',
  organization: 'acme process safety',
  preferredChannel: null,
  referrerName: null,
};

/** Ids `que_1`, `cmt_2`…: deterministic, so decided events can be written out in full. */
export const counterIds = () => {
  let n = 0;
  return (prefix: 'que' | 'cmt') => `${prefix}_${++n}`;
};

export const context = (overrides: Partial<InterviewContext> = {}): InterviewContext => ({
  now: at(0),
  policy: DEFAULT_POLICY,
  studentId: 'usr_ada',
  newId: counterIds(),
  contact,
  openRequestsToContact: 0,
  ...overrides,
});

/** The context of a command logged `days` (and `hours`) after T0. */
export const contextAt = (days: number, hours = 0): InterviewContext => context({ now: at(days, hours) });

/** The state as an interview, failing the test when there is none. */
export const active = (s: InterviewState): ActiveInterview => {
  if (s.status === 'NONE') throw new Error('expected an interview');
  return s;
};

export type Step = readonly [InterviewCommand, string];

/** A command and the time it is logged at, keeping the command's own type. */
export const step = <C extends InterviewCommand>(command: C, now: string): readonly [C, string] => [command, now];

/**
 * Runs commands through the decider, each at its own `now`, and returns the events they
 * decided: the `given` of a test, logged the way a student would log it.
 */
export const logged = (steps: readonly Step[], overrides: Partial<InterviewContext> = {}): InterviewEvent[] => {
  const ctx = context(overrides);
  let state: InterviewState = interviewDecider.initialState;
  const events: InterviewEvent[] = [];
  for (const [command, now] of steps) {
    const decision = interviewDecider.decide(command, state, { ...ctx, now });
    for (const event of decision.events) {
      events.push(event);
      state = interviewDecider.evolve(state, { ...event, version: events.length } as VersionedEvent<InterviewEvent>);
    }
  }
  return events;
};

/** The state after `events`, numbered from version 1. */
export const folded = (events: readonly InterviewEvent[]): InterviewState =>
  events.reduce(
    (state, event, i) => interviewDecider.evolve(state, { ...event, version: i + 1 } as VersionedEvent<InterviewEvent>),
    interviewDecider.initialState,
  );

// Steps of a typical story, at the days the articles suggest.
export const plan = step(
  { type: 'PlanInterview', contactId: 'con_okafor', goals: ['learn how she moved into process safety'] },
  at(0),
);
export const outreach = step(
  {
    type: 'RecordOutreach',
    channel: 'EMAIL',
    sentAt: at(0, 1),
    mentionedReferrer: true,
    statedPurpose: true,
    proposedTimes: [at(7), at(8)],
  },
  at(0, 1),
);
export const accepted = step({ type: 'RecordReply', receivedAt: at(2), outcome: 'ACCEPTED' }, at(2));
export const scheduled = step(
  { type: 'ScheduleMeeting', startsAt: at(9), durationMinutes: 20, format: 'VIDEO' },
  at(2, 1),
);
export const held = step(
  { type: 'RecordMeetingHeld', heldAt: at(9, 1), durationMinutes: 20, askedForReferrals: true },
  at(9, 2),
);
export const thanked = step({ type: 'RecordThankYou', sentAt: at(9, 5), channel: 'EMAIL' }, at(9, 5));

/** Planned, reached out, accepted, scheduled: the meeting lies ahead. */
export const upToScheduled: readonly Step[] = [plan, outreach, accepted, scheduled];
/** …and held on day 9. */
export const upToHeld: readonly Step[] = [...upToScheduled, held];
