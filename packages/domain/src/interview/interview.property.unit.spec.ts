import { isAppError, type VersionedEvent } from '@app/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../contact/events.ts';
import { DEFAULT_POLICY, type Policy, PRESETS } from '../policy/policy.ts';
import type { InterviewCommand } from './commands.ts';
import { interviewDecider } from './decider.ts';
import { DEADLINE_OUTCOMES, INTERVIEW_EVENTS, type InterviewEvent, OUTCOME_OF } from './events.ts';
import { at, context, counterIds, T0 } from './fixtures.ts';
import { type ActiveInterview, type InterviewState, interviewDeadlines } from './state.ts';

// Random stories: sequences of what a student (and time) might do, most of them sensible,
// many of them not. Whatever happens, the decider's contract holds.

const KINDS = [
  'plan',
  'outreach',
  'followUp',
  'reply',
  'schedule',
  'cancel',
  'research',
  'question',
  'removeQuestion',
  'held',
  'notes',
  'referral',
  'thankYou',
  'commitment',
  'fulfil',
  'keepInTouch',
  'close',
  'void',
  'tick',
  'tick',
  'tick',
  'misfire',
] as const;

type Kind = (typeof KINDS)[number];

/** What a student would most likely do next in each state: most intents follow it, the rest are random. */
const LIKELY: Readonly<Record<InterviewState['status'], readonly Kind[]>> = {
  NONE: ['plan'],
  PLANNED: ['outreach', 'outreach', 'question', 'research'],
  AWAITING_REPLY: ['reply', 'reply', 'followUp', 'tick', 'question'],
  UNRESPONSIVE: ['reply', 'followUp', 'close', 'tick'],
  ACCEPTED: ['schedule', 'schedule', 'held', 'question', 'research'],
  DECLINED: ['referral', 'close', 'void'],
  SCHEDULED: ['held', 'held', 'question', 'question', 'research', 'tick', 'schedule', 'cancel', 'removeQuestion'],
  HELD: ['thankYou', 'thankYou', 'notes', 'commitment', 'referral', 'tick'],
  FOLLOWING_UP: ['commitment', 'fulfil', 'fulfil', 'keepInTouch', 'tick', 'tick', 'notes', 'thankYou', 'close', 'void'],
  CLOSED: ['keepInTouch', 'tick', 'void'],
};

const intent = fc.record({
  likely: fc.nat({ max: 9 }),
  random: fc.constantFrom(...KINDS),
  advanceHours: fc.integer({ min: 0, max: 24 * 8 }),
  backHours: fc.integer({ min: 0, max: 48 }),
  pick: fc.nat({ max: 1000 }),
  flag: fc.boolean(),
});

type Intent = typeof intent extends fc.Arbitrary<infer I> ? I : never;

const policies = fc.oneof(
  fc.constant(DEFAULT_POLICY),
  fc.constant(PRESETS.TWO_HOUR_JOB_SEARCH),
  fc
    .record({ maxFollowUps: fc.integer({ min: 0, max: 3 }), followUpAfterDays: fc.integer({ min: 1, max: 10 }) })
    .map(
      (changes): Policy => ({ ...DEFAULT_POLICY, ...changes, timeZone: 'Pacific/Auckland', dayCounting: 'BUSINESS' }),
    ),
);

const QUESTIONS = [
  'How did you get started in process safety?',
  'Are you hiring this summer?',
  'What does a starting engineer earn?',
  'What does your company do?',
  'What does a typical week look like for you?',
];

const iso = (ms: number) => new Date(ms).toISOString();
const pickOf = <T>(items: readonly T[], pick: number): T | undefined => items[pick % Math.max(items.length, 1)];

const kindOf = (i: { likely: number; random: Kind; pick: number }, s: InterviewState): Kind =>
  i.likely < 8 ? (pickOf(LIKELY[s.status], i.pick) ?? i.random) : i.random;

/** The command an intent becomes in the current state (`null`: nothing to do). */
const commandFor = (i: Intent, s: InterviewState, now: number): InterviewCommand | null => {
  const t = iso(now - i.backHours * 3_600_000);
  const a = s.status === 'NONE' ? null : (s as ActiveInterview);
  const channel = pickOf(CHANNELS, i.pick) ?? 'EMAIL';
  switch (kindOf(i, s)) {
    case 'plan':
      return { type: 'PlanInterview', contactId: 'con_okafor', goals: i.flag ? ['learn the field'] : [] };
    case 'outreach':
      return { type: 'RecordOutreach', channel, sentAt: t, proposedTimes: [iso(now + 86_400_000)] };
    case 'followUp':
      return { type: 'RecordFollowUp', channel, sentAt: t };
    case 'reply':
      return { type: 'RecordReply', receivedAt: t, outcome: i.pick % 4 === 0 ? 'DECLINED' : 'ACCEPTED' };
    case 'schedule':
      return {
        type: 'ScheduleMeeting',
        startsAt: iso(now + ((i.pick % 240) - 24) * 3_600_000),
        durationMinutes: 10 + (i.pick % 80),
        format: 'VIDEO',
        longerRequestedByContact: i.flag,
      };
    case 'cancel':
      return { type: 'CancelMeeting', closeInterview: i.flag };
    case 'research':
      return { type: 'AddResearchNote', text: 'read her AIChE talk' };
    case 'question':
      return { type: 'AddQuestion', text: pickOf(QUESTIONS, i.pick) ?? 'Why?', topic: 'OTHER' };
    case 'removeQuestion':
      return { type: 'RemoveQuestion', questionId: pickOf(a?.questions ?? [], i.pick)?.id ?? 'que_missing' };
    case 'held':
      return { type: 'RecordMeetingHeld', heldAt: t, durationMinutes: 10 + (i.pick % 60), askedForReferrals: i.flag };
    case 'notes':
      return { type: 'RecordNotes', notes: 'she moved from R&D', writtenAt: i.flag ? t : null };
    case 'referral':
      return { type: 'RecordReferral', referredContactId: `con_${i.pick % 3}` };
    case 'thankYou':
      return { type: 'RecordThankYou', sentAt: t, channel };
    case 'commitment':
      return { type: 'RecordCommitment', description: 'send the article', dueAt: i.flag ? null : iso(now + 3_600_000) };
    case 'fulfil':
      return {
        type: 'FulfilCommitment',
        commitmentId: pickOf(a?.commitments ?? [], i.pick)?.id ?? 'cmt_missing',
        fulfilledAt: t,
      };
    case 'keepInTouch':
      return { type: 'LogKeepInTouch', at: t, kind: 'CHECK_IN', channel };
    case 'close':
      return { type: 'CloseInterview', outcome: i.flag ? 'done' : null };
    case 'void':
      return a ? { type: 'VoidEntry', version: 1 + (i.pick % a.version), reason: 'mis-logged' } : null;
    case 'tick': {
      const due = interviewDeadlines(s)[0];
      return due ? { type: OUTCOME_OF[due.kind], deadlineId: due.deadlineId } : null;
    }
    case 'misfire':
      return { type: pickOf(DEADLINE_OUTCOMES, i.pick) ?? 'FollowUpDue', deadlineId: `FOLLOW_UP_DUE-${i.pick % 9}` };
    default:
      return null;
  }
};

/** Whether a deadline command names a deadline armed in `s` and due at `now` (a minute's grace). */
const isDue = (command: InterviewCommand, s: InterviewState, now: number): boolean =>
  'deadlineId' in command &&
  interviewDeadlines(s).some(
    (d) =>
      d.deadlineId === command.deadlineId && OUTCOME_OF[d.kind] === command.type && Date.parse(d.dueAt) <= now + 60_000,
  );

const evolveAll = (
  events: readonly InterviewEvent[],
  from: InterviewState = interviewDecider.initialState,
  first = 1,
) =>
  events.reduce(
    (s, e, k) => interviewDecider.evolve(s, { ...e, version: first + k } as VersionedEvent<InterviewEvent>),
    from,
  );

const substance = (s: InterviewState) => {
  if (s.status === 'NONE') return s;
  const { version: _v, entries: _e, voided: _d, ...rest } = s;
  return rest;
};

/** The invariants of DESIGN.md §4–5 that any state must keep. */
const checkState = (s: InterviewState, versions: number) => {
  if (s.status === 'NONE') return;
  expect(s.version).toBe(versions);
  const ids = s.armed.map((d) => d.deadlineId);
  expect(new Set(ids).size).toBe(ids.length);
  for (const d of s.armed) {
    const armedAt = Number(d.deadlineId.split('-').at(-1));
    expect(d.deadlineId.startsWith(`${d.kind}-`)).toBe(true);
    expect(s.entries.some((e) => e.version === armedAt)).toBe(true);
    if (s.status === 'CLOSED') expect(d.kind).toBe('KEEP_IN_TOUCH_DUE');
    if (d.kind === 'FOLLOW_UP_DUE' || d.kind === 'OUTREACH_ABANDONED') expect(s.status).toBe('AWAITING_REPLY');
    if (d.kind === 'SECOND_CONTACT_DUE') expect(s.reply).toBeNull();
    if (d.kind === 'MEETING_PREP_DUE') expect(s.status).toBe('SCHEDULED');
    if (d.kind === 'THANK_YOU_OVERDUE') expect(s.held !== null && s.thankYou === null).toBe(true);
    if (d.kind === 'COMMITMENT_OVERDUE') {
      expect(s.commitments.find((c) => c.deadlineId === d.deadlineId)?.status).toBe('OPEN');
    }
    if (d.kind === 'KEEP_IN_TOUCH_DUE') expect(s.lastContactAt).not.toBeNull();
  }
  expect(s.followUps.length).toBeLessThanOrEqual(3);
  if (['HELD', 'FOLLOWING_UP'].includes(s.status)) expect(s.held).not.toBeNull();
  if (s.status === 'FOLLOWING_UP') expect(s.thankYou).not.toBeNull();
};

const story = fc.record({ policy: policies, intents: fc.array(intent, { minLength: 1, maxLength: 80, size: 'max' }) });
const schemas = new Map(INTERVIEW_EVENTS.map((d) => [d.type, d.schema]));

/** 300 stories take about two seconds alone, more when the integration tests share the two cores. */
const slow = { timeout: 60_000 };

describe('the interview decider, on random stories', () => {
  it(
    'keeps its contract: typed refusals, valid events, evolve total, replay and snapshots faithful, invariants kept',
    slow,
    () => {
      fc.assert(
        fc.property(story, ({ policy, intents }) => {
          const newId = counterIds();
          let now = Date.parse(T0);
          let state: InterviewState = interviewDecider.initialState;
          const log: InterviewEvent[] = [];
          for (const i of intents) {
            now += i.advanceHours * 3_600_000;
            const command = commandFor(i, state, now);
            if (command === null) continue;
            const kind = kindOf(i, state);
            if (kind === 'tick') {
              const due = interviewDeadlines(state)[0];
              if (due) now = Math.max(now, Date.parse(due.dueAt));
            }
            const ctx = context({ now: iso(now), policy, newId });
            let events: readonly InterviewEvent[];
            try {
              events = interviewDecider.decide(command, state, ctx).events;
            } catch (error) {
              // refusals are typed, with a code a client can act on, and change nothing
              expect(
                isAppError(error) && ['RULE_VIOLATION', 'BAD_USER_INPUT'].includes(error.code),
                String(error),
              ).toBe(true);
              continue;
            }
            // A misfire names a deadline at random: it decides nothing unless it happens to name one
            // armed now and due (within the minute Scheduler may fire early), as a real firing would.
            if (kind === 'misfire' && !isDue(command, state, now)) expect(events).toEqual([]);
            for (const event of events) {
              expect(schemas.get(event.type)?.safeParse(event.data).success, event.type).toBe(true);
              expect(Number.isNaN(Date.parse(event.occurredAt))).toBe(false);
            }
            state = evolveAll(events, state, log.length + 1);
            log.push(...events);
            checkState(state, log.length);
            if (kind === 'tick' && events.length > 0) {
              // firing the same deadline again appends nothing
              expect(interviewDecider.decide(command, state, ctx).events).toEqual([]);
            }
          }
          // the state the decider saw is the state a reload from the store (JSON) gives, with or without a snapshot
          const stored = JSON.parse(JSON.stringify(log)) as InterviewEvent[];
          expect(evolveAll(stored)).toEqual(JSON.parse(JSON.stringify(state)));
          const cut = Math.floor(stored.length / 2);
          const snapshot = JSON.parse(JSON.stringify(evolveAll(stored.slice(0, cut)))) as InterviewState;
          expect(evolveAll(stored.slice(cut), snapshot, cut + 1)).toEqual(evolveAll(stored));
        }),
        { numRuns: 300 },
      );
    },
  );

  it('voids any entry it accepts to void into the state of a log that never had it', slow, () => {
    fc.assert(
      fc.property(story, fc.nat(), ({ policy, intents }, which) => {
        const newId = counterIds();
        let now = Date.parse(T0);
        let state: InterviewState = interviewDecider.initialState;
        const log: InterviewEvent[] = [];
        for (const i of intents) {
          if (kindOf(i, state) === 'void') continue;
          now += i.advanceHours * 3_600_000;
          const command = commandFor(i, state, now);
          if (command === null) continue;
          if (kindOf(i, state) === 'tick') {
            const due = interviewDeadlines(state)[0];
            if (due) now = Math.max(now, Date.parse(due.dueAt));
          }
          try {
            const { events } = interviewDecider.decide(command, state, context({ now: iso(now), policy, newId }));
            state = evolveAll(events, state, log.length + 1);
            log.push(...events);
          } catch {
            // refused: the story goes on without it
          }
        }
        if (state.status === 'NONE') return;
        const version = 1 + (which % state.version);
        let voided: InterviewState;
        try {
          const { events } = interviewDecider.decide(
            { type: 'VoidEntry', version, reason: 'mis-logged' },
            state,
            context({ now: at(400), policy }),
          );
          voided = evolveAll(events, state, log.length + 1);
        } catch {
          return; // a void it refuses (the plan, an outcome, an entry others depend on) is tested elsewhere
        }
        const never = log.reduce(
          (s, e, k) =>
            k + 1 === version
              ? s
              : interviewDecider.evolve(s, { ...e, version: k + 1 } as VersionedEvent<InterviewEvent>),
          interviewDecider.initialState,
        );
        expect(substance(voided)).toEqual(substance(never));
      }),
      { numRuns: 300 },
    );
  });
});
