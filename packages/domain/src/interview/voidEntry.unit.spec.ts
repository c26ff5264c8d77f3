import type { VersionedEvent } from '@app/core';
import { deciderSpec } from '@app/testing';
import { describe, expect, it } from 'vitest';
import { interviewDecider } from './decider.ts';
import type { InterviewEvent } from './events.ts';
import { accepted, at, context, logged, outreach, plan, step, thanked, upToHeld } from './fixtures.ts';
import type { InterviewState } from './state.ts';

const given = deciderSpec(interviewDecider, context({ now: at(200) }));
const voidOf = (version: number, reason = 'logged on the wrong interview') =>
  ({ type: 'VoidEntry', version, reason }) as const;

/** Folds events, each with the version given, so a log with a gap can be folded as it was numbered. */
const foldNumbered = (events: readonly (readonly [InterviewEvent, number])[]): InterviewState =>
  events.reduce(
    (s, [event, version]) => interviewDecider.evolve(s, { ...event, version } as VersionedEvent<InterviewEvent>),
    interviewDecider.initialState,
  );

/** The state without the bookkeeping of the log (its last version, the entries kept for refolding). */
const substance = (s: InterviewState) => {
  if (s.status === 'NONE') return s;
  const { version: _v, entries: _e, voided: _d, ...rest } = s;
  return rest;
};

const story = logged([
  ...upToHeld,
  step({ type: 'RecordNotes', notes: 'process safety needs chemists who can write' }, at(9, 3)),
  thanked,
  step({ type: 'RecordCommitment', description: 'send the AIChE article', dueAt: at(12) }, at(9, 6)),
  step({ type: 'LogKeepInTouch', at: at(40), kind: 'SHARED_ARTICLE', channel: 'EMAIL' }, at(40)),
  step({ type: 'RecordReferral', referredContactId: 'con_lee' }, at(41)),
]);

describe('voiding an entry', () => {
  it('records EntryVoided and folds the state as if the entry had never been logged', () => {
    given(logged([plan, outreach]))
      .when(voidOf(2))
      .then([
        {
          type: 'EntryVoided',
          data: { version: 2, voidedType: 'OutreachSent', reason: 'logged on the wrong interview' },
          occurredAt: at(200),
          subject: 'usr_ada',
        },
      ])
      .andState((s) => expect(s).toMatchObject({ status: 'PLANNED', outreach: null, armed: [], voided: [2] }));
  });

  it('gives, for every entry that can be voided, the state of a log that never had it', () => {
    const voidable = story
      .map((event, i) => [event, i + 1] as const)
      .filter(([event]) =>
        ['NotesRecorded', 'KeepInTouchLogged', 'ReferralReceived', 'CommitmentMade'].includes(event.type),
      );
    expect(voidable).toHaveLength(4);
    for (const [event, version] of voidable) {
      const numbered = story.map((e, i) => [e, i + 1] as const);
      const never = foldNumbered(numbered.filter(([, v]) => v !== version));
      given(story)
        .when(voidOf(version))
        .then([expect.objectContaining({ type: 'EntryVoided' })])
        .andState((s) => expect(substance(s), event.type).toEqual(substance(never)));
    }
  });

  it('undoes a voided thank-you: the thank-you deadline is armed again and keeping in touch restarts from what is left', () => {
    given(logged([...upToHeld, thanked]))
      .when(voidOf(6))
      .then([expect.objectContaining({ type: 'EntryVoided' })])
      .andState((s) =>
        expect(s).toMatchObject({
          status: 'HELD',
          thankYou: null,
          lastContactAt: null,
          armed: [{ kind: 'THANK_YOU_OVERDUE', deadlineId: 'THANK_YOU_OVERDUE-5' }],
        }),
      );
  });

  it('reopens a closed interview when the closing is voided', () => {
    given(logged([plan, outreach, step({ type: 'CloseInterview', outcome: 'moved on' }, at(1))]))
      .when(voidOf(3))
      .then([expect.objectContaining({ type: 'EntryVoided' })])
      .andState((s) => expect(s.status).toBe('AWAITING_REPLY'));
  });

  it('ignores a deadline outcome whose arming entry is voided', () => {
    const events = [
      ...logged([plan, outreach]),
      {
        type: 'FollowUpDue',
        data: { deadlineId: 'FOLLOW_UP_DUE-2', abandonDueAt: at(14, 1) },
        occurredAt: at(7, 1),
        subject: 'usr_ada',
      } satisfies InterviewEvent,
    ];
    given(events)
      .when(voidOf(2))
      .then([expect.objectContaining({ type: 'EntryVoided' })])
      .andState((s) => expect(s).toMatchObject({ status: 'PLANNED', armed: [] }));
  });

  it('refuses to void an entry that later ones depend on, naming the one to void first', () => {
    given(logged([plan, outreach, accepted]))
      .when(voidOf(2))
      .thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
    expect(() =>
      interviewDecider.decide(
        voidOf(5),
        foldNumbered(story.map((e, i) => [e, i + 1] as const)),
        context({ now: at(200) }),
      ),
    ).toThrow(/void the later NotesRecorded \(entry 6\) first/);
  });

  it('refuses to void the plan, a deadline outcome, an unknown entry, an entry twice, or without a reason', () => {
    const withOutcome = [
      ...logged([plan, outreach]),
      {
        type: 'FollowUpDue',
        data: { deadlineId: 'FOLLOW_UP_DUE-2', abandonDueAt: at(14, 1) },
        occurredAt: at(7, 1),
        subject: 'usr_ada',
      } satisfies InterviewEvent,
    ];
    given(withOutcome).when(voidOf(1)).thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
    given(withOutcome).when(voidOf(3)).thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
    given(withOutcome).when(voidOf(9)).thenRejects('BAD_USER_INPUT', { field: 'version' });
    const voidedOutreach: InterviewEvent = {
      type: 'EntryVoided',
      data: { version: 2, voidedType: 'OutreachSent', reason: 'sent from my other account' },
      occurredAt: at(200),
      subject: 'usr_ada',
    };
    const voided = [...withOutcome, voidedOutreach];
    given(voided).when(voidOf(2)).thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
    given(voided).when(voidOf(4)).thenRejects('BAD_USER_INPUT', { field: 'version' });
    given(withOutcome).when(voidOf(2, '  ')).thenRejects('BAD_USER_INPUT', { field: 'reason' });
  });
});
