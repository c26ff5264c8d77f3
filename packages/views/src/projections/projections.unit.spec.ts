import type { DecidedEvent } from '@app/core';
import {
  type CohortEvent,
  type ContactCommand,
  type ContactEvent,
  contactDecider,
  DEFAULT_POLICY,
  type DeadlineKind,
  type InterviewCommand,
  type InterviewEvent,
  type InterviewState,
  interviewDeadlines,
  interviewDecider,
  type MemberEvent,
  type TenantEvent,
} from '@app/domain';
import { newTenantId, type RecordedEvent, streamRef } from '@app/event-store';
import { describe, expect, it } from 'vitest';
import { lastFortnight, splitRange, splitWeeks } from '../analytics.ts';
import {
  type Change,
  type Contribution,
  coalesce,
  del,
  diff,
  EMPTY_CONTRIBUTION,
  keyId,
  put,
  update,
  type ViewKey,
  type ViewValue,
} from '../changes.ts';
import { type ViewScope, viewKeys } from '../keys.ts';
import type { ProjectionEnv } from './env.ts';
import { interviewContribution, tenthsOfHours } from './interview.ts';
import { cohortChanges, contactContribution, memberContribution, tenantContribution } from './people.ts';

// The projections as pure functions: events decided by the real deciders (or written out where
// a stream is trivial), wrapped as the store records them, and the contribution or changes read
// back. America/Los_Angeles is UTC−7 in September 2026: 05:00Z belongs to the previous local day.

const TZ = 'America/Los_Angeles';
const tenantId = newTenantId();
const scope: ViewScope = { tenantId, generation: 1 };
const env: ProjectionEnv = { scope, timeZone: TZ };
const policy = { ...DEFAULT_POLICY, timeZone: TZ };
const A = 'coh_A';
const B = 'coh_B';
const ADA = 'usr_ada';

let sequence = 0;
/** An event as the store returns it: placed in its stream, stamped with the cohorts given. */
const recorded = <E extends DecidedEvent>(
  event: E,
  stream: { type: string; id: string },
  version: number,
  recordedAt: string,
  cohorts: readonly string[],
  actor = ADA,
): RecordedEvent<E> => {
  sequence++;
  return {
    ...event,
    version,
    stream: streamRef(tenantId, stream.type, stream.id),
    meta: {
      eventId: `evt_${String(sequence).padStart(26, '0')}`,
      occurredAt: event.occurredAt,
      recordedAt,
      actor: { userId: actor, role: 'STUDENT' },
      correlationId: `cor_${sequence}`,
      cohorts,
    },
  };
};

type Outcome = Extract<InterviewCommand, { deadlineId: string }>['type'];
const OUTCOME: Partial<Record<DeadlineKind, Outcome>> = {
  FOLLOW_UP_DUE: 'FollowUpDue',
  OUTREACH_ABANDONED: 'OutreachAbandoned',
  THANK_YOU_OVERDUE: 'ThankYouOverdue',
};

/** One interview, logged through the real decider, each command at its own `now` and stamp. */
class Story {
  readonly events: RecordedEvent<InterviewEvent>[] = [];
  state: InterviewState = interviewDecider.initialState;
  private ids = 0;

  constructor(
    readonly id = 'int_1',
    public cohorts: readonly string[] = [A],
    readonly student = ADA,
  ) {}

  do(command: InterviewCommand, now: string, cohorts = this.cohorts): RecordedEvent<InterviewEvent>[] {
    const decision = interviewDecider.decide(command, this.state, {
      now,
      policy,
      studentId: this.student,
      newId: (prefix) => `${prefix}_${++this.ids}`,
      contact: {
        id: 'con_1',
        ownerId: this.student,
        status: 'ACTIVE',
        organization: 'acme',
        preferredChannel: null,
        referrerName: null,
      },
      openRequestsToContact: 0,
      organizationReplies: [],
    });
    return decision.events.map((event) => {
      const e = recorded(event, { type: 'Interview', id: this.id }, this.events.length + 1, now, cohorts, this.student);
      this.events.push(e);
      this.state = interviewDecider.evolve(this.state, e);
      return e;
    });
  }

  /** Fires the armed deadline of `kind` at `now`, as the deadline handler would. */
  fire(kind: DeadlineKind, now: string): RecordedEvent<InterviewEvent>[] {
    const due = interviewDeadlines(this.state).find((d) => d.kind === kind);
    const type = OUTCOME[kind];
    if (!due || !type) throw new Error(`no ${kind} armed`);
    return this.do({ type, deadlineId: due.deadlineId }, now);
  }

  /** Records a commitment at `now` and answers its id. */
  commit(now: string): string {
    const [made] = this.do({ type: 'RecordCommitment', description: 'Send my resume' }, now);
    if (made?.type !== 'CommitmentMade') throw new Error('no commitment made');
    return made.data.commitmentId;
  }

  plan(now = '2026-09-01T16:00:00.000Z'): this {
    this.do({ type: 'PlanInterview', contactId: 'con_1', goals: ['learn the field'] }, now);
    return this;
  }

  /** The contribution of the first `upTo` events (all by default). */
  contribution(upTo = this.events.length): Contribution {
    return interviewContribution(this.events.slice(0, upTo), env);
  }
}

const counts = (c: Contribution, key: ViewKey): Readonly<Record<string, number>> =>
  c.counters.get(keyId(key))?.counts ?? {};
/** Month items repeat their days' counts (a test of their own checks them). */
const isMonth = (key: ViewKey) => key.sk.startsWith('mon#') || key.sk.startsWith('mact#');
/** A day's counters and its active students, together. */
const day = (c: Contribution, cohort: string, date: string) => ({
  ...counts(c, viewKeys.cohortDay(scope, cohort, date)),
  ...counts(c, viewKeys.cohortActivity(scope, cohort, date)),
});
const progress = (c: Contribution, student = ADA) => counts(c, viewKeys.studentProgress(scope, student));
/** The cohort-day buckets a contribution adds to (counters and active students merged), as `cohort day` → counts. */
const buckets = (c: Contribution) => {
  const out: Record<string, Record<string, number>> = {};
  for (const { key, counts } of c.counters.values()) {
    if (!key.sk.startsWith('day#') && !key.sk.startsWith('act#')) continue;
    const id = `${key.pk.split('#').at(-1)} ${key.sk.slice(4)}`;
    out[id] = { ...out[id], ...counts };
  }
  return out;
};
/** The sum of one counter over every cohort-day bucket. */
const total = (c: Contribution, name: string) =>
  [...c.counters.values()]
    .filter(({ key }) => key.sk.startsWith('day#'))
    .reduce((n, { counts }) => n + (counts[name] ?? 0), 0);

/** A views table in memory: what DynamoDB would hold after the changes (counters at 0 as absent). */
const applyAll = (changes: readonly Change[], table = new Map<string, Record<string, ViewValue>>()) => {
  for (const c of changes) {
    const id = keyId(c.key);
    if (c.op === 'put') table.set(id, { ...c.item });
    else if (c.op === 'delete') table.delete(id);
    else {
      const item: Record<string, ViewValue> = { ...(table.get(id) ?? {}) };
      for (const name of c.remove) delete item[name];
      Object.assign(item, c.set);
      for (const [name, n] of Object.entries(c.add)) {
        const before = item[name];
        item[name] = (typeof before === 'number' ? before : 0) + n;
      }
      table.set(id, item);
    }
  }
  return table;
};
const snapshot = (table: Map<string, Record<string, ViewValue>>) =>
  Object.fromEntries(
    [...table.entries()]
      .map(([id, item]) => [id, Object.fromEntries(Object.entries(item).filter(([, v]) => v !== 0))] as const)
      .filter(([, item]) => Object.keys(item).length > 0)
      .sort(([a], [b]) => a.localeCompare(b)),
  );

/** Outreach sent at 05:00Z on Sep 2 (Sep 1 22:00 local). */
const reachedOut = (cohorts: readonly string[] = [A]) => {
  const s = new Story('int_1', cohorts).plan();
  s.do({ type: 'RecordOutreach', channel: 'EMAIL', sentAt: '2026-09-02T05:00:00.000Z' }, '2026-09-02T05:00:00.000Z');
  return s;
};

/** Planned, reached out (Sep 2), accepted (Sep 3) and held (Sep 4 20:00 local = Sep 5 03:00Z) for `minutes`. */
const heldStory = (minutes = 20, questions = 0, longer = false) => {
  const s = new Story().plan();
  for (let i = 0; i < questions; i++) {
    s.do(
      { type: 'AddQuestion', text: `What surprised you most in year ${i + 1}?`, topic: 'INSIGHTS' },
      '2026-09-01T17:00:00.000Z',
    );
  }
  s.do({ type: 'RecordOutreach', channel: 'EMAIL', sentAt: '2026-09-02T17:00:00.000Z' }, '2026-09-02T17:00:00.000Z');
  s.do(
    { type: 'RecordReply', receivedAt: '2026-09-03T17:00:00.000Z', outcome: 'ACCEPTED' },
    '2026-09-03T17:00:00.000Z',
  );
  s.do(
    {
      type: 'RecordMeetingHeld',
      heldAt: '2026-09-05T03:00:00.000Z',
      durationMinutes: minutes,
      longerRequestedByContact: longer,
    },
    '2026-09-05T03:30:00.000Z',
  );
  return s;
};

describe('interviewContribution', () => {
  it('counts an event in the local-day bucket of every cohort stamped on it (05:00Z is the day before)', () => {
    const c = reachedOut([A, B]).contribution();
    // Planned on Sep 1 09:00 local; the outreach at Sep 2 05:00Z is Sep 1 22:00 local.
    const sep1 = { [`a_${ADA}`]: 2, n_outreachSent: 1, o_interviews: 1, f_CONTACTED: 1 };
    expect(buckets(c)).toEqual({ [`${A} 2026-09-01`]: sep1, [`${B} 2026-09-01`]: sep1 });
    expect(progress(c)).toMatchObject({ outreachSent: 1, messagesSent: 1, interviews: 1 });
  });

  it('adds nothing to any bucket for an event stamped with no cohort, but still to the student', () => {
    const s = new Story('int_1', []).plan();
    s.do({ type: 'RecordOutreach', channel: 'EMAIL', sentAt: '2026-09-02T17:00:00.000Z' }, '2026-09-02T17:00:00.000Z');
    const c = s.contribution();
    expect(buckets(c)).toEqual({});
    expect(progress(c)).toMatchObject({ outreachSent: 1, messagesSent: 1 });
  });

  it('attributes each counter by the stamp of the event it hangs on, not the student now', () => {
    // Reached out while in A; the reply arrives after the student moved to B.
    const s = reachedOut([A]);
    s.do(
      { type: 'RecordReply', receivedAt: '2026-09-03T17:00:00.000Z', outcome: 'ACCEPTED' },
      '2026-09-03T17:00:00.000Z',
      [B],
    );
    expect(buckets(s.contribution())).toEqual({
      // the interview's reply-rate and funnel counters stay with the outreach's cohort and day
      [`${A} 2026-09-01`]: {
        [`a_${ADA}`]: 2,
        n_outreachSent: 1,
        o_interviews: 1,
        o_replied: 1,
        f_CONTACTED: 1,
        f_REPLIED: 1,
      },
      // the reply itself counts where it was stamped
      [`${B} 2026-09-03`]: { [`a_${ADA}`]: 1, n_repliesReceived: 1 },
    });
  });

  it('lifts o_replied in the bucket of the first outreach’s day when a reply comes late', () => {
    const s = reachedOut();
    const before = s.contribution();
    s.do(
      { type: 'RecordReply', receivedAt: '2026-09-20T17:00:00.000Z', outcome: 'DECLINED' },
      '2026-09-20T17:00:00.000Z',
    );
    const changes = diff(before, s.contribution()).filter(
      (c) => c.key.pk === viewKeys.cohortDaily(scope, A) && !isMonth(c.key),
    );
    expect(changes.sort((a, b) => a.key.sk.localeCompare(b.key.sk))).toEqual([
      update(viewKeys.cohortActivity(scope, A, '2026-09-20'), { add: { [`a_${ADA}`]: 1 } }),
      update(viewKeys.cohortDay(scope, A, '2026-09-01'), { add: { o_replied: 1, f_REPLIED: 1 } }),
      update(viewKeys.cohortDay(scope, A, '2026-09-20'), { add: { n_repliesReceived: 1 } }),
    ]);
  });

  it('contributes for a voided entry exactly what never logging it contributes (but the stream version)', () => {
    const never = reachedOut();
    const voided = reachedOut();
    const mistaken = voided.do(
      { type: 'RecordFollowUp', channel: 'EMAIL', sentAt: '2026-09-03T17:00:00.000Z' },
      '2026-09-03T17:00:00.000Z',
    );
    expect(total(voided.contribution(), 'n_followUpsSent')).toBe(1);
    voided.do(
      { type: 'VoidEntry', version: mistaken[0]?.version ?? 0, reason: 'wrong interview' },
      '2026-09-03T18:00:00.000Z',
    );

    const a = never.contribution();
    const b = voided.contribution();
    expect([...b.counters.values()]).toEqual([...a.counters.values()]);
    expect([...b.owned.values()]).toEqual([...a.owned.values()]);
    // The only difference: the StudentInterviews item shows the stream's version (2 events vs 4).
    const item = viewKeys.studentInterview(scope, ADA, 'int_1');
    const changes = diff(a, b);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ op: 'put', key: item, item: { version: 4, followUpsSent: 0 } });
    expect(a.items.get(keyId(item))?.item).toMatchObject({ version: 2, followUpsSent: 0 });
  });

  it('moves the thank-you histogram when a thank-you is voided and logged again', () => {
    const never = heldStory();
    never.do(
      { type: 'RecordThankYou', sentAt: '2026-09-06T09:00:00.000Z', channel: 'EMAIL' },
      '2026-09-06T09:00:00.000Z',
    );

    const redone = heldStory();
    const wrong = redone.do(
      { type: 'RecordThankYou', sentAt: '2026-09-05T08:00:00.000Z', channel: 'EMAIL' },
      '2026-09-06T08:30:00.000Z',
    );
    expect(day(redone.contribution(), A, '2026-09-04')).toMatchObject({ h_50: 1, t_onTime: 1 });
    redone.do(
      { type: 'VoidEntry', version: wrong[0]?.version ?? 0, reason: 'not sent after all' },
      '2026-09-06T08:40:00.000Z',
    );
    redone.do(
      { type: 'RecordThankYou', sentAt: '2026-09-06T09:00:00.000Z', channel: 'EMAIL' },
      '2026-09-06T09:00:00.000Z',
    );

    const a = never.contribution();
    const b = redone.contribution();
    expect(buckets(b)).toEqual(buckets(a));
    expect(progress(b)).toEqual(progress(a));
    // 30.0 hours after the meeting, late: its key is h_300, and no t_onTime
    expect(day(b, A, '2026-09-04')).toMatchObject({ t_count: 1, h_300: 1 });
    expect(day(b, A, '2026-09-04')).not.toHaveProperty('t_onTime');
    expect(day(b, A, '2026-09-04')).not.toHaveProperty('h_50');
  });

  it('keys a thank-you’s elapsed hours in tenths, in the bucket of the day the meeting was held', () => {
    const s = heldStory();
    // held Sep 5 03:00Z (Sep 4 20:00 local); thanked 5.0 h later, Sep 5 08:00Z (Sep 5 01:00 local)
    s.do({ type: 'RecordThankYou', sentAt: '2026-09-05T08:00:00.000Z', channel: 'EMAIL' }, '2026-09-05T08:00:00.000Z');
    const c = s.contribution();
    expect(day(c, A, '2026-09-04')).toMatchObject({ n_meetingsHeld: 1, t_count: 1, t_onTime: 1, h_50: 1 });
    expect(day(c, A, '2026-09-05')).toEqual({ [`a_${ADA}`]: 1, n_thankYousSent: 1 });
    expect(progress(c)).toMatchObject({ thankYousSent: 1, thankYousOnTime: 1 });
    expect(tenthsOfHours('2026-09-05T03:00:00.000Z', '2026-09-05T15:30:00.000Z')).toBe(125);
  });

  it('counts only the first thank-you of an interview', () => {
    const s = heldStory();
    s.do({ type: 'RecordThankYou', sentAt: '2026-09-05T08:00:00.000Z', channel: 'EMAIL' }, '2026-09-05T08:00:00.000Z');
    const once = s.contribution();
    s.do(
      { type: 'RecordThankYou', sentAt: '2026-09-08T17:00:00.000Z', channel: 'HANDWRITTEN_NOTE' },
      '2026-09-08T17:00:00.000Z',
    );
    const twice = s.contribution();
    expect(total(twice, 'n_thankYousSent')).toBe(1);
    expect(total(twice, 't_count')).toBe(1);
    expect(progress(twice).thankYousSent).toBe(1);
    // the note is the student's activity on Sep 8, nothing more
    const counters = diff(once, twice).filter(
      (c) => c.op === 'update' && Object.keys(c.add).length > 0 && !isMonth(c.key),
    );
    expect(counters).toEqual([
      update(viewKeys.studentProgress(scope, ADA), { add: { 'ld_2026-09-08': 1 } }),
      update(viewKeys.cohortActivity(scope, A, '2026-09-08'), { add: { [`a_${ADA}`]: 1 } }),
    ]);
  });

  it('counts an abandoned outreach once, even when a late follow-up lets it be abandoned again', () => {
    const s = new Story().plan();
    s.do({ type: 'RecordOutreach', channel: 'EMAIL', sentAt: '2026-09-02T17:00:00.000Z' }, '2026-09-02T17:00:00.000Z');
    expect(s.fire('FOLLOW_UP_DUE', '2026-09-09T17:00:00.000Z').map((e) => e.occurredAt)).toEqual([
      '2026-09-09T17:00:00.000Z',
    ]);
    expect(s.fire('OUTREACH_ABANDONED', '2026-09-16T17:00:00.000Z').map((e) => e.type)).toEqual(['OutreachAbandoned']);
    // a follow-up sent Sep 10, logged Sep 17: the outreach is awaiting a reply again, until Sep 17
    s.do({ type: 'RecordFollowUp', channel: 'EMAIL', sentAt: '2026-09-10T17:00:00.000Z' }, '2026-09-17T16:00:00.000Z');
    expect(s.fire('OUTREACH_ABANDONED', '2026-09-17T17:00:00.000Z').map((e) => e.type)).toEqual(['OutreachAbandoned']);
    expect(s.state.status === 'NONE' ? 0 : s.state.abandonments).toBe(2);

    const c = s.contribution();
    expect(total(c, 'n_outreachAbandoned')).toBe(1);
    expect(day(c, A, '2026-09-16')).toEqual({ n_outreachAbandoned: 1 });
    // deadline outcomes are time's doing: no activity on Sep 9 or Sep 17 (the follow-up was Sep 10)
    expect(day(c, A, '2026-09-09')).toEqual({});
    expect(day(c, A, '2026-09-17')).toEqual({});
    expect(day(c, A, '2026-09-10')).toEqual({ [`a_${ADA}`]: 1, n_followUpsSent: 1 });
  });

  it('counts the funnel cumulatively by the furthest stage; held without scheduling counts as scheduled', () => {
    const s = heldStory();
    s.do({ type: 'RecordThankYou', sentAt: '2026-09-05T08:00:00.000Z', channel: 'EMAIL' }, '2026-09-05T08:00:00.000Z');
    const thanked = day(s.contribution(), A, '2026-09-02');
    expect(thanked).toEqual({
      [`a_${ADA}`]: 1,
      n_outreachSent: 1,
      o_interviews: 1,
      o_replied: 1,
      f_CONTACTED: 1,
      f_REPLIED: 1,
      f_MEETING_SCHEDULED: 1,
      f_MEETING_HELD: 1,
      f_THANKED: 1,
    });
    s.do(
      { type: 'LogKeepInTouch', at: '2026-10-01T17:00:00.000Z', kind: 'CAREER_UPDATE', channel: 'EMAIL' },
      '2026-10-01T17:00:00.000Z',
    );
    expect(day(s.contribution(), A, '2026-09-02')).toEqual({ ...thanked, f_KEPT_IN_TOUCH: 1 });
  });

  it('records meeting length compliance and the questions left at MeetingHeld', () => {
    const long = heldStory(55, 3).contribution();
    expect(day(long, A, '2026-09-04')).toEqual({ [`a_${ADA}`]: 1, n_meetingsHeld: 1, m_questions: 3 });

    const asked = heldStory(55, 0, true).contribution(); // longer at the contact's request
    expect(day(asked, A, '2026-09-04')).toMatchObject({ m_lengthOk: 1 });
    expect(day(asked, A, '2026-09-04')).not.toHaveProperty('m_questions');

    // three questions, one removed before the meeting: two prepared
    const s = new Story().plan();
    for (const text of ['How did you start?', 'What is a typical day?', 'What would you do differently?']) {
      s.do({ type: 'AddQuestion', text, topic: 'OTHER' }, '2026-09-01T17:00:00.000Z');
    }
    const first = s.state.status === 'NONE' ? undefined : s.state.questions[0]?.id;
    s.do({ type: 'RemoveQuestion', questionId: first ?? '' }, '2026-09-01T18:00:00.000Z');
    s.do({ type: 'RecordOutreach', channel: 'EMAIL', sentAt: '2026-09-02T17:00:00.000Z' }, '2026-09-02T17:00:00.000Z');
    s.do(
      { type: 'RecordReply', receivedAt: '2026-09-03T17:00:00.000Z', outcome: 'ACCEPTED' },
      '2026-09-03T17:00:00.000Z',
    );
    s.do(
      { type: 'RecordMeetingHeld', heldAt: '2026-09-04T17:00:00.000Z', durationMinutes: 30 },
      '2026-09-04T17:30:00.000Z',
    );
    expect(day(s.contribution(), A, '2026-09-04')).toEqual({
      [`a_${ADA}`]: 1,
      n_meetingsHeld: 1,
      m_lengthOk: 1,
      m_questions: 2,
    });
  });

  it('lifts c_fulfilled in the bucket of the day a commitment was made when it is kept later', () => {
    const s = heldStory();
    const commitmentId = s.commit('2026-09-05T17:00:00.000Z');
    const before = s.contribution();
    expect(day(before, A, '2026-09-05')).toEqual({ [`a_${ADA}`]: 1, n_commitmentsMade: 1 });
    expect(progress(before).openCommitments).toBe(1);
    s.do(
      { type: 'FulfilCommitment', commitmentId, fulfilledAt: '2026-09-09T17:00:00.000Z' },
      '2026-09-09T17:00:00.000Z',
    );
    const counters = diff(before, s.contribution())
      .filter((c) => c.op === 'update' && Object.keys(c.add).length > 0 && !isMonth(c.key))
      .sort((a, b) => keyId(a.key).localeCompare(keyId(b.key)));
    expect(counters).toEqual(
      [
        update(viewKeys.cohortDay(scope, A, '2026-09-05'), { add: { c_fulfilled: 1 } }),
        update(viewKeys.cohortActivity(scope, A, '2026-09-09'), { add: { [`a_${ADA}`]: 1 } }),
        update(viewKeys.cohortDay(scope, A, '2026-09-09'), { add: { n_commitmentsFulfilled: 1 } }),
        update(viewKeys.studentProgress(scope, ADA), {
          add: { commitmentsFulfilled: 1, openCommitments: -1, 'ld_2026-09-09': 1 },
        }),
      ].sort((a, b) => keyId(a.key).localeCompare(keyId(b.key))),
    );
  });

  it('records what the student owes: a follow-up while awaiting a reply, a thank-you once held', () => {
    const waiting = reachedOut().contribution();
    const owned = (c: Contribution) => c.owned.get(keyId(viewKeys.studentOwed(scope, ADA)))?.attributes ?? {};
    expect(owned(waiting)).toEqual({
      pd_int_1: [{ kind: 'FOLLOW_UP_DUE', dueAt: '2026-09-09T05:00:00.000Z', ref: null }],
    });
    const last = viewKeys.studentLastActivity(scope, ADA, '2026-09-02T05:00:00.000Z', 'int_1');
    expect(waiting.items.get(keyId(last))?.item).toEqual({ at: '2026-09-02T05:00:00.000Z' });
    // the armed deadline, by student and by the cohort stamped on the event that armed it
    const sk = '2026-09-09T05:00:00.000Z#int_1#FOLLOW_UP_DUE-2';
    const deadline = { interviewId: 'int_1', studentId: ADA, kind: 'FOLLOW_UP_DUE', dueAt: '2026-09-09T05:00:00.000Z' };
    expect(waiting.items.get(keyId({ pk: viewKeys.studentDeadlines(scope, ADA), sk }))?.item).toEqual({
      ...deadline,
      ref: 'FOLLOW_UP_DUE-2',
      state: 'ARMED',
    });
    expect(waiting.items.has(keyId({ pk: viewKeys.cohortDeadlines(scope, A), sk }))).toBe(true);

    const held = heldStory().contribution();
    expect(owned(held).pd_int_1).toEqual([{ kind: 'THANK_YOU_OVERDUE', dueAt: '2026-09-06T03:00:00.000Z', ref: null }]);
  });

  it('contributes nothing before the interview is planned', () => {
    expect(interviewContribution([], env)).toBe(EMPTY_CONTRIBUTION);
  });
});

/** A contact added through the real decider at `now`, with the cohorts stamped. */
const contactEvents = (
  id: string,
  now: string,
  cohorts: readonly string[],
  command: Partial<Extract<ContactCommand, { type: 'AddContact' }>> = {},
): RecordedEvent<ContactEvent>[] => {
  const add: ContactCommand = { type: 'AddContact', name: 'Pat Doe', source: 'ALUMNI', company: 'Acme', ...command };
  const referrer = command.referredByContactId ? { ownerId: ADA } : null;
  const { events } = contactDecider.decide(add, contactDecider.initialState, { now, studentId: ADA, referrer });
  return events.map((e, i) => recorded(e, { type: 'Contact', id }, i + 1, now, cohorts));
};

describe('contactContribution', () => {
  it('counts a contact added in its local day, for the student, the tenant and the referral graph', () => {
    const events = contactEvents('con_2', '2026-09-03T05:00:00.000Z', [A, B], {
      source: 'REFERRAL',
      referredByContactId: 'con_1',
      referredFromInterviewId: 'int_1',
    });
    const c = contactContribution(events, env);
    const sep2 = { n_contactsAdded: 1, [`a_${ADA}`]: 1 };
    expect(buckets(c)).toEqual({ [`${A} 2026-09-02`]: sep2, [`${B} 2026-09-02`]: sep2 });
    expect(progress(c)).toEqual({ contacts: 1, 'ld_2026-09-02': 1 });
    expect(counts(c, viewKeys.tenantSummary(scope))).toEqual({ contacts: 1 });
    const graph = viewKeys.referrals(scope, ADA);
    expect(c.items.get(keyId({ pk: graph, sk: 'node#con_2' }))?.item).toEqual({
      contactId: 'con_2',
      source: 'REFERRAL',
      addedAt: '2026-09-03T05:00:00.000Z',
      booster: false,
      archived: false,
    });
    expect(c.items.get(keyId({ pk: graph, sk: 'edge#con_1#con_2' }))?.item).toEqual({
      fromContactId: 'con_1',
      toContactId: 'con_2',
      interviewId: 'int_1',
      at: '2026-09-03T05:00:00.000Z',
    });
  });

  it('adds a contact stamped with no cohort to no bucket, and nothing at all without ContactAdded', () => {
    const c = contactContribution(contactEvents('con_3', '2026-09-03T17:00:00.000Z', []), env);
    expect(buckets(c)).toEqual({});
    expect(progress(c)).toEqual({ contacts: 1, 'ld_2026-09-03': 1 });
    expect(contactContribution([], env)).toBe(EMPTY_CONTRIBUTION);
  });

  it('marks the node a booster and archived from later events; the booster mark is not the student’s activity', () => {
    const [added] = contactEvents('con_4', '2026-09-03T17:00:00.000Z', [A]);
    if (!added) throw new Error('no event');
    const booster = recorded<ContactEvent>(
      {
        type: 'ContactMarkedBooster',
        data: { interviewId: 'int_1', repliedAfterDays: 1 },
        occurredAt: '2026-09-04T17:00:00.000Z',
      },
      { type: 'Contact', id: 'con_4' },
      2,
      '2026-09-04T17:00:00.000Z',
      [A],
    );
    const archived = recorded<ContactEvent>(
      { type: 'ContactArchived', data: { reason: 'moved away' }, occurredAt: '2026-09-10T17:00:00.000Z' },
      { type: 'Contact', id: 'con_4' },
      3,
      '2026-09-10T17:00:00.000Z',
      [A],
    );
    const c = contactContribution([added, booster, archived], env);
    expect(c.items.get(keyId({ pk: viewKeys.referrals(scope, ADA), sk: 'node#con_4' }))?.item).toMatchObject({
      booster: true,
      archived: true,
    });
    expect(total(c, 'n_contactsAdded')).toBe(1);
    expect(day(c, A, '2026-09-10')).toEqual({ [`a_${ADA}`]: 1 });
    expect(day(c, A, '2026-09-04')).toEqual({});
    const lastOf = (x: Contribution) => [...x.items.values()].filter(({ key }) => key.sk.startsWith('last#'));
    expect(lastOf(c)).toEqual([
      {
        key: viewKeys.studentLastActivity(scope, ADA, '2026-09-10T17:00:00.000Z', 'con_4'),
        item: { at: '2026-09-10T17:00:00.000Z' },
      },
    ]);
  });
});

const memberEvent = (event: MemberEvent, version: number) =>
  recorded(event, { type: 'Member', id: 'usr_kim' }, version, event.occurredAt, []);

describe('memberContribution', () => {
  const invited = memberEvent(
    {
      type: 'MemberInvited',
      data: { email: 'kim@uni.test', name: 'Kim', roles: ['STUDENT'] },
      occurredAt: '2026-09-01T16:00:00.000Z',
    },
    1,
  );
  const summary = viewKeys.tenantSummary(scope);
  const memberItem = { pk: summary.pk, sk: 'member#usr_kim' };

  it('moves the member from one role count to another when the roles change', () => {
    const changed = memberEvent(
      { type: 'MemberRoleChanged', data: { roles: ['COACH', 'TENANT_ADMIN'] }, occurredAt: '2026-09-02T16:00:00.000Z' },
      2,
    );
    const before = memberContribution([invited], env);
    const after = memberContribution([invited, changed], env);
    expect(counts(before, summary)).toEqual({ members_STUDENT: 1 });
    expect(counts(after, summary)).toEqual({ members_COACH: 1, members_TENANT_ADMIN: 1 });
    expect(diff(before, after)).toEqual([
      put(memberItem, {
        memberId: 'usr_kim',
        roles: ['COACH', 'TENANT_ADMIN'],
        status: 'ACTIVE',
        invitedAt: '2026-09-01T16:00:00.000Z',
      }),
      update(summary, { add: { members_STUDENT: -1, members_COACH: 1, members_TENANT_ADMIN: 1 } }),
    ]);
  });

  it('takes a removed member out of the counts and keeps the item as REMOVED', () => {
    const removed = memberEvent(
      { type: 'MemberRemoved', data: { reason: 'graduated' }, occurredAt: '2026-09-03T16:00:00.000Z' },
      2,
    );
    const c = memberContribution([invited, removed], env);
    expect(counts(c, summary)).toEqual({});
    expect(c.items.get(keyId(memberItem))?.item).toMatchObject({ status: 'REMOVED', roles: ['STUDENT'] });
    expect(memberContribution([], env)).toBe(EMPTY_CONTRIBUTION);
  });

  it('marks an erased student ERASED, out of the counts, with nothing personal on its item', () => {
    const at = '2026-09-03T16:00:00.000Z';
    const removed = memberEvent({ type: 'MemberRemoved', data: { reason: '' }, occurredAt: at }, 2);
    const erased = memberEvent({ type: 'MemberDataErased', data: { erasedBy: 'usr_admin' }, occurredAt: at }, 3);
    const c = memberContribution([invited, removed, erased], env);
    expect(counts(c, summary)).toEqual({});
    expect(c.items.get(keyId(memberItem))?.item).toEqual({
      memberId: 'usr_kim',
      roles: ['STUDENT'],
      status: 'ERASED',
      invitedAt: '2026-09-01T16:00:00.000Z',
    });
  });
});

describe('tenantContribution', () => {
  const tenantEvent = (event: TenantEvent, version: number) =>
    recorded(event, { type: 'Tenant', id: tenantId }, version, event.occurredAt, [], 'usr_admin');
  const provisioned = tenantEvent(
    {
      type: 'TenantProvisioned',
      data: { name: 'Test University', slug: 'test-u', policy },
      occurredAt: '2026-09-01T16:00:00.000Z',
    },
    1,
  );
  const summary = viewKeys.tenantSummary(scope);
  const owned = (events: RecordedEvent<TenantEvent>[]) =>
    tenantContribution(events, env).owned.get(keyId(summary))?.attributes;

  it('owns the name, slug, status and zone of the tenant summary', () => {
    expect(owned([provisioned])).toEqual({
      name: 'Test University',
      slug: 'test-u',
      status: 'ACTIVE',
      timeZone: TZ,
      policyVersion: 1,
      provisionedAt: '2026-09-01T16:00:00.000Z',
    });
  });

  it('follows suspension, reactivation and a change of zone', () => {
    const suspended = tenantEvent(
      { type: 'TenantSuspended', data: { reason: 'unpaid' }, occurredAt: '2026-09-02T16:00:00.000Z' },
      2,
    );
    const before = tenantContribution([provisioned, suspended], env);
    expect(owned([provisioned, suspended])).toMatchObject({ status: 'SUSPENDED' });
    const reactivated = tenantEvent(
      { type: 'TenantReactivated', data: { reason: 'paid' }, occurredAt: '2026-09-03T16:00:00.000Z' },
      3,
    );
    const moved = tenantEvent(
      {
        type: 'TenantPolicyChanged',
        data: { policy: { ...policy, version: 2, timeZone: 'America/New_York' }, changed: ['timeZone'] },
        occurredAt: '2026-09-04T16:00:00.000Z',
      },
      4,
    );
    const after = tenantContribution([provisioned, suspended, reactivated, moved], env);
    const changes = diff(before, after);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      op: 'update',
      key: summary,
      set: { status: 'ACTIVE', timeZone: 'America/New_York' },
      remove: [],
    });
  });
});

describe('cohortChanges', () => {
  const cohortEvent = (event: CohortEvent, version: number) =>
    recorded(event, { type: 'Cohort', id: A }, version, event.occurredAt, [], 'usr_admin');

  it('creates the cohort summary and counts it for the tenant', () => {
    const changes = cohortChanges(
      cohortEvent(
        { type: 'CohortCreated', data: { name: 'Fall careers', term: null }, occurredAt: '2026-09-01T16:00:00.000Z' },
        1,
      ),
      env,
    );
    expect(changes).toEqual([
      update(viewKeys.cohortSummary(scope, A), {
        set: { cohortId: A, name: 'Fall careers', term: null, createdAt: '2026-09-01T16:00:00.000Z', archived: false },
      }),
      update(viewKeys.tenantSummary(scope), { add: { cohorts: 1 } }),
      update(viewKeys.tenantCohort(scope, A), { set: { cohortId: A, archived: false } }),
    ]);
  });

  it('enrols a student: a member item, the student count, and +1 on the local day (05:00Z is the day before)', () => {
    const changes = cohortChanges(
      cohortEvent({ type: 'StudentEnrolled', data: { studentId: ADA }, occurredAt: '2026-09-03T05:00:00.000Z' }, 2),
      env,
    );
    expect(changes).toEqual([
      put(viewKeys.cohortMember(scope, A, 'STUDENT', ADA), {
        cohortId: A,
        memberId: ADA,
        role: 'STUDENT',
        since: '2026-09-03T05:00:00.000Z',
        gsi1pk: viewKeys.memberCohorts(scope, ADA),
        gsi1sk: `STUDENT#${A}`,
      }),
      update(viewKeys.cohortSummary(scope, A), { add: { students: 1 } }),
      update(viewKeys.cohortEnrolment(scope, A, '2026-09-02'), { add: { enrolled: 1 } }),
    ]);
  });

  it('withdraws a student: the item deleted, −1 on the count and on the local day', () => {
    const changes = cohortChanges(
      cohortEvent({ type: 'StudentWithdrawn', data: { studentId: ADA }, occurredAt: '2026-09-10T17:00:00.000Z' }, 3),
      env,
    );
    expect(changes).toEqual([
      del(viewKeys.cohortMember(scope, A, 'STUDENT', ADA)),
      update(viewKeys.cohortSummary(scope, A), { add: { students: -1 } }),
      update(viewKeys.cohortEnrolment(scope, A, '2026-09-10'), { add: { enrolled: -1 } }),
    ]);
  });

  it('assigns and unassigns coaches, and archives', () => {
    const assigned = cohortChanges(
      cohortEvent({ type: 'CoachAssigned', data: { coachId: 'usr_coach' }, occurredAt: '2026-09-01T16:00:00.000Z' }, 4),
      env,
    );
    expect(assigned[0]).toMatchObject({ op: 'put', item: { role: 'COACH', memberId: 'usr_coach' } });
    expect(assigned[1]).toEqual(update(viewKeys.cohortSummary(scope, A), { add: { coaches: 1 } }));
    const unassigned = cohortChanges(
      cohortEvent(
        { type: 'CoachUnassigned', data: { coachId: 'usr_coach' }, occurredAt: '2026-09-02T16:00:00.000Z' },
        5,
      ),
      env,
    );
    expect(unassigned).toEqual([
      del(viewKeys.cohortMember(scope, A, 'COACH', 'usr_coach')),
      update(viewKeys.cohortSummary(scope, A), { add: { coaches: -1 } }),
    ]);
    const archived = cohortChanges(
      cohortEvent({ type: 'CohortArchived', data: { reason: 'term over' }, occurredAt: '2026-12-20T16:00:00.000Z' }, 6),
      env,
    );
    expect(archived).toEqual([
      update(viewKeys.cohortSummary(scope, A), { set: { archived: true, archivedAt: '2026-12-20T16:00:00.000Z' } }),
      update(viewKeys.tenantCohort(scope, A), { set: { archived: true } }),
    ]);
  });
});

describe('coalesce and diff', () => {
  const k1: ViewKey = { pk: 'p', sk: '1' };
  const k2: ViewKey = { pk: 'p', sk: '2' };

  it('sums the adds of updates to one item, leaving out counters that net to zero', () => {
    expect(
      coalesce([
        update(k1, { add: { a: 1, b: 2 } }),
        update(k2, { add: { a: 5 } }),
        update(k1, { add: { a: 2, b: -2, c: 1 } }),
      ]),
    ).toEqual([update(k1, { add: { a: 3, c: 1 } }), update(k2, { add: { a: 5 } })]);
  });

  it('drops an update that comes to nothing', () => {
    expect(coalesce([update(k1, { add: { a: 1 } }), update(k1, { add: { a: -1 } })])).toEqual([]);
  });

  it('lets a later put or delete win, and folds an update into the put before it', () => {
    expect(coalesce([update(k1, { add: { a: 1 } }), put(k1, { x: 'new' })])).toEqual([put(k1, { x: 'new' })]);
    expect(coalesce([put(k1, { x: 'old' }), put(k1, { x: 'new' })])).toEqual([put(k1, { x: 'new' })]);
    expect(coalesce([put(k1, { x: 'old', n: 1 }), del(k1)])).toEqual([del(k1)]);
    expect(
      coalesce([
        put(k1, { x: 'old', y: 'gone', n: 1 }),
        update(k1, { add: { n: 2 }, set: { x: 'new' }, remove: ['y'] }),
      ]),
    ).toEqual([put(k1, { x: 'new', n: 3 })]);
    expect(coalesce([del(k1), put(k1, { x: 'again' })])).toEqual([put(k1, { x: 'again' })]);
    // an update after a delete starts from nothing: what the delete removed stays removed
    expect(coalesce([put(k1, { x: 'old' }), del(k1), update(k1, { add: { n: 2 } })])).toEqual([put(k1, { n: 2 })]);
  });

  it('merges sets and removes: the later of the two wins for an attribute', () => {
    expect(coalesce([update(k1, { set: { x: 1, y: 1 } }), update(k1, { remove: ['x'], set: { z: 1 } })])).toEqual([
      update(k1, { set: { y: 1, z: 1 }, remove: ['x'] }),
    ]);
    expect(coalesce([update(k1, { remove: ['x', 'y'] }), update(k1, { set: { x: 2 } })])).toEqual([
      update(k1, { set: { x: 2 }, remove: ['y'] }),
    ]);
    expect(coalesce([update(k1, { set: { x: 1 } }), update(k1, { set: { x: 2 } })])).toEqual([
      update(k1, { set: { x: 2 } }),
    ]);
  });

  it('keeps one change per item, in the order the items were first touched', () => {
    const out = coalesce([
      update(k2, { add: { a: 1 } }),
      put(k1, { x: 1 }),
      update(k2, { add: { a: 1 } }),
      update(k1, { set: { y: 2 } }),
    ]);
    expect(out.map((c) => c.key.sk)).toEqual(['2', '1']);
    expect(out).toEqual([update(k2, { add: { a: 2 } }), put(k1, { x: 1, y: 2 })]);
  });

  it('finds no difference between a contribution and itself', () => {
    const s = heldStory(20, 2);
    s.do({ type: 'RecordThankYou', sentAt: '2026-09-05T08:00:00.000Z', channel: 'EMAIL' }, '2026-09-05T08:00:00.000Z');
    const c = s.contribution();
    expect(c.items.size).toBeGreaterThan(0);
    expect(diff(c, c)).toEqual([]);
    expect(diff(c, s.contribution())).toEqual([]);
    expect(diff(EMPTY_CONTRIBUTION, EMPTY_CONTRIBUTION)).toEqual([]);
  });

  it('undoes a contribution: its items deleted, its attributes removed, its counters taken back', () => {
    const c = reachedOut().contribution();
    const table = applyAll(diff(c, EMPTY_CONTRIBUTION), applyAll(diff(EMPTY_CONTRIBUTION, c)));
    expect(snapshot(table)).toEqual({});
  });

  it('adds up event-by-event differences, batched and coalesced, to the difference of the whole', () => {
    const s = heldStory(25, 2);
    s.do({ type: 'RecordThankYou', sentAt: '2026-09-05T08:00:00.000Z', channel: 'EMAIL' }, '2026-09-05T08:00:00.000Z');
    const commitmentId = s.commit('2026-09-05T17:00:00.000Z');
    s.do(
      { type: 'FulfilCommitment', commitmentId, fulfilledAt: '2026-09-06T17:00:00.000Z' },
      '2026-09-06T17:00:00.000Z',
    );
    const whole = snapshot(applyAll(diff(EMPTY_CONTRIBUTION, s.contribution())));

    const steps: Change[][] = [];
    for (let v = 1; v <= s.events.length; v++) steps.push(diff(s.contribution(v - 1), s.contribution(v)));
    expect(snapshot(applyAll(steps.flat()))).toEqual(whole);
    // in batches of three events, each batch coalesced to one change per item
    const batched = new Map<string, Record<string, ViewValue>>();
    for (let i = 0; i < steps.length; i += 3) applyAll(coalesce(steps.slice(i, i + 3).flat()), batched);
    expect(snapshot(batched)).toEqual(whole);
  });
});

describe('month items', () => {
  it('hold the sum of their days, counters and active students alike', () => {
    const c = reachedOut([A]).contribution();
    const sums = (prefix: string) => {
      const out: Record<string, number> = {};
      for (const { key, counts } of c.counters.values()) {
        if (!key.sk.startsWith(prefix)) continue;
        for (const [name, n] of Object.entries(counts)) out[name] = (out[name] ?? 0) + n;
      }
      return out;
    };
    expect(sums('mon#')).toEqual(sums('day#'));
    expect(sums('mact#')).toEqual(sums('act#'));
    expect(Object.keys(sums('mon#')).length).toBeGreaterThan(2);
  });
});

describe('splitRange', () => {
  it('reads whole months as months and only the edge days as days', () => {
    expect(splitRange('2026-01-01', '2026-12-31')).toEqual({ months: ['2026-01', '2026-12'], days: [] });
    expect(splitRange('2026-01-15', '2026-03-10')).toEqual({
      months: ['2026-02', '2026-02'],
      days: [
        ['2026-01-15', '2026-01-31'],
        ['2026-03-01', '2026-03-10'],
      ],
    });
    expect(splitRange('2026-02-03', '2026-02-20')).toEqual({ months: null, days: [['2026-02-03', '2026-02-20']] });
    expect(splitRange('2026-02-03', '2026-03-31')).toEqual({
      months: ['2026-03', '2026-03'],
      days: [['2026-02-03', '2026-02-28']],
    });
    expect(splitRange('2024-02-01', '2024-02-29')).toEqual({ months: ['2024-02', '2024-02'], days: [] });
  });
});

describe('lastFortnight', () => {
  it('lists the 15 local days from 14 days ago to today, in the tenant’s zone', () => {
    // 03:00Z on Sep 15 is still Sep 14 in Los Angeles
    const days = lastFortnight('2026-09-15T03:00:00.000Z', 'America/Los_Angeles');
    expect(days).toHaveLength(15);
    expect(days[0]).toBe('2026-09-14');
    expect(days.at(-1)).toBe('2026-08-31');
    expect(lastFortnight('2026-09-15T03:00:00.000Z', 'Asia/Tokyo')[0]).toBe('2026-09-15');
  });
});

describe('splitWeeks', () => {
  it('reads the ISO weeks wholly in a range as weeks and the part-weeks at its edges as days', () => {
    // 2026-09-02 is a Wednesday; 2026-09-20 a Sunday
    expect(splitWeeks('2026-09-02', '2026-09-20')).toEqual({
      weeks: ['2026-09-07', '2026-09-14'],
      days: [['2026-09-02', '2026-09-06']],
    });
    expect(splitWeeks('2026-09-07', '2026-09-23')).toEqual({
      weeks: ['2026-09-07', '2026-09-14'],
      days: [['2026-09-21', '2026-09-23']],
    });
    expect(splitWeeks('2026-09-08', '2026-09-12')).toEqual({ weeks: null, days: [['2026-09-08', '2026-09-12']] });
  });
});
