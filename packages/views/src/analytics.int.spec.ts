import { type InterviewEvent, InvalidInputError, interviewDeadlines } from '@app/domain';
import { type RecordedEvent, streamRef } from '@app/event-store';
import { testDb } from '@app/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CohortAnalytics, ViewReader } from './analytics.ts';
import { World } from './fixtures/world.ts';
import type { ViewScope } from './keys.ts';
import { foldInterview } from './projections/interview.ts';

// Every CohortAnalytics number of a small, hand-built cohort, against values worked out by hand
// from DESIGN.md §6 (and docs/metrics.md), not by the code under test.
//
// The tenant is in America/Los_Angeles: in September 2026 that is PDT, UTC−7, so a local day
// runs from 07:00Z to 06:59Z the next UTC day (an event at 05:00Z belongs to the previous local
// day). Default policy (SEED_ARTICLES): follow up after 7 calendar days, at most 1 follow-up,
// thank within 24 hours, meetings of 15–30 minutes, commitments due after 2 days.
//
// The cast: cohort A (main) holds Ada, Ben and Cy from Sep 1 and Dee from Sep 3; Cy is withdrawn
// on Sep 10. Cohort B (the contrast) holds Ada only. Timeline, UTC (local date):
//
//  Sep 01 16:00Z (Sep 1)   enrolments A+3, B+1; Ada adds contact cA1, plans I1 with 3 questions;
//                          Cy adds cC1, plans I3 with 1 question
//  Sep 02 05:00Z (Sep 1!)  Ben adds cB1, plans I2, outreach I2              (before the range)
//  Sep 02 17:00Z (Sep 2)   outreach I1 (Ada), outreach I3 (Cy); Dee adds cD1 before her
//                          enrolment (stamped with no cohort: counts nowhere)
//  Sep 03 17:00Z (Sep 3)   Dee enrolled in A; I1 accepted + scheduled (for Sep 5 17:00Z, 20 min);
//                          I3 accepted; Dee plans I4 with 2 questions, outreach I4
//  Sep 04 17:00Z (Sep 4)   I3 held (55 min: too long, 1 question); Ben adds cB2, plans I5, outreach I5
//  Sep 04 18:00Z (Sep 4)   Ben logs a follow-up on I5 by mistake, then voids it
//  Sep 05 17:30Z (Sep 5)   I1 held at 17:00Z (20 min, 3 questions)
//  Sep 05 22:00Z (Sep 5)   I1 thank-you (5.0 h, on time), commitment made, referral contact cA2, referral
//  Sep 05 23:00Z (Sep 5)   I3 thank-you (30.0 h, late: due Sep 5 17:00Z), commitment made (never kept)
//  Sep 06 17:00Z (Sep 6)   I1 commitment fulfilled, keep-in-touch; Ada plans I9 with cA2, outreach I9
//  Sep 06 20:00Z (Sep 6)   I9 accepted + scheduled (for Sep 7 17:00Z, 25 min)
//  Sep 07 17:30Z (Sep 7)   I9 held at 17:00Z (25 min, 0 questions), never thanked
//  Sep 08 17:00Z (Sep 8)   Ben adds cB3, plans I7, outreach I7 (follow-up due Sep 15 17:00Z)
//  Sep 09 05:00Z (Sep 8)   I2 FollowUpDue (deadline outcome: counts as nothing)
//  Sep 10 17:00Z (Sep 10)  Cy withdrawn from A; follow-up I4
//  Sep 11 17:00Z (Sep 11)  follow-up I5; I4 accepted + scheduled (for Sep 12 01:00Z, 30 min);
//                          Cy (withdrawn: stamped with no cohort) adds cC2, plans I10, outreach I10
//  Sep 12 02:00Z (Sep 11)  I4 held at Sep 12 01:00Z = Sep 11 18:00 local (30 min, 2 questions)
//  Sep 12 13:30Z (Sep 12)  I4 thank-you (12.5 h, on time), commitment made
//  Sep 14 17:00Z (Sep 14)  Dee adds cD2, plans I6, outreach I6
//  Sep 15 17:00Z (Sep 15)  I6 declined
//  Sep 16 05:00Z (Sep 15!) I2 OutreachAbandoned (dated at its due time)
//  Sep 16 17:00Z (Sep 16)  Ben adds cB4, plans I8, outreach I8; I4 commitment fulfilled   (after the range)

const TZ = 'America/Los_Angeles';
/** When at-risk is judged: Sep 22 10:00 local. Fourteen days before is Sep 8 17:00Z. */
const NOW = '2026-09-22T17:00:00.000Z';

let w: World;
let reader: ViewReader;
let scope: ViewScope;
const ids = { cohortA: '', cohortB: '', ada: '', ben: '', cy: '', dee: '' };

const analytics = (cohortId: string, from: string, to: string, now = NOW): Promise<CohortAnalytics> =>
  reader.cohortAnalytics(scope, cohortId, { from, to, now });

const funnel = (c: CohortAnalytics) => Object.fromEntries(c.funnel.map((f) => [f.stage, f.count]));
const risk = async (c: CohortAnalytics) =>
  Object.fromEntries((await c.atRiskStudents()).map((s) => [s.studentId, [...s.reasons]] as const));

const at = (iso: string) => {
  w.now = iso;
};

/** Fires the one armed deadline of `kind` (as the deadline handler would), checking when it falls due. */
const fire = async (
  student: string,
  interviewId: string,
  kind: 'FOLLOW_UP_DUE' | 'OUTREACH_ABANDONED',
  dueAt: string,
): Promise<void> => {
  const loaded = await w.store.load(streamRef(w.tenantId, 'Interview', interviewId));
  const due = interviewDeadlines(foldInterview(loaded.events as RecordedEvent<InterviewEvent>[])).find(
    (d) => d.kind === kind,
  );
  expect(due?.dueAt).toBe(dueAt);
  const type = kind === 'FOLLOW_UP_DUE' ? 'FollowUpDue' : 'OutreachAbandoned';
  const result = await w.interview(student, interviewId, { type, deadlineId: due?.deadlineId ?? '' });
  expect(result.events.map((e) => [e.type, e.occurredAt])).toEqual([[type, dueAt]]);
};

const commitmentOf = (result: { events: readonly { data: unknown }[] }) =>
  String((result.events[0]?.data as { commitmentId?: string } | undefined)?.commitmentId);

beforeAll(async () => {
  w = new World(testDb(), { start: '2026-09-01T16:00:00.000Z', policy: { timeZone: TZ } });
  reader = new ViewReader(w.views);
  scope = { tenantId: w.tenantId, generation: 1 };

  // Sep 1 16:00Z = Sep 1 09:00 local
  await w.provision();
  const coach = await w.member(['COACH']);
  const ada = await w.member(['STUDENT']);
  const ben = await w.member(['STUDENT']);
  const cy = await w.member(['STUDENT']);
  const dee = await w.member(['STUDENT']);
  const cohortA = await w.cohort('Fall careers');
  const cohortB = await w.cohort('Engineers');
  Object.assign(ids, { cohortA, cohortB, ada, ben, cy, dee });
  await w.cohortCommand(cohortA, { type: 'AssignCoach', coachId: coach }, ['COACH']);
  for (const s of [ada, ben, cy]) await w.cohortCommand(cohortA, { type: 'EnrollStudent', studentId: s });
  await w.cohortCommand(cohortB, { type: 'EnrollStudent', studentId: ada });

  const cA1 = await w.contact(ada, { company: 'Acme' });
  const i1 = await w.plan(ada, cA1);
  await w.interview(ada, i1, {
    type: 'AddQuestion',
    text: 'How did you get started in this field?',
    topic: 'HOW_THEY_STARTED',
  });
  await w.interview(ada, i1, {
    type: 'AddQuestion',
    text: 'What does a typical week look like for you?',
    topic: 'DAILY_WORK',
  });
  await w.interview(ada, i1, {
    type: 'AddQuestion',
    text: 'Which trends are changing your industry?',
    topic: 'TRENDS',
  });
  const cC1 = await w.contact(cy, { company: 'Initech' });
  const i3 = await w.plan(cy, cC1);
  await w.interview(cy, i3, {
    type: 'AddQuestion',
    text: 'What do you wish you had known at the start?',
    topic: 'ADVICE',
  });

  // Sep 2 05:00Z = Sep 1 22:00 local: Ben's first outreach belongs to Sep 1
  at('2026-09-02T05:00:00.000Z');
  const cB1 = await w.contact(ben, { company: 'Gamma' });
  const i2 = await w.plan(ben, cB1);
  await w.interview(ben, i2, { type: 'RecordOutreach', channel: 'EMAIL', sentAt: w.now });

  // Sep 2 10:00 local
  at('2026-09-02T17:00:00.000Z');
  await w.interview(ada, i1, { type: 'RecordOutreach', channel: 'EMAIL', sentAt: w.now });
  await w.interview(cy, i3, { type: 'RecordOutreach', channel: 'EMAIL', sentAt: w.now });
  const cD1 = await w.contact(dee, { company: 'Hooli' }); // not enrolled yet: stamped with no cohort

  // Sep 3 10:00 local
  at('2026-09-03T17:00:00.000Z');
  await w.cohortCommand(cohortA, { type: 'EnrollStudent', studentId: dee });
  await w.interview(ada, i1, { type: 'RecordReply', receivedAt: w.now, outcome: 'ACCEPTED' });
  await w.interview(ada, i1, {
    type: 'ScheduleMeeting',
    startsAt: '2026-09-05T17:00:00.000Z',
    durationMinutes: 20,
    format: 'VIDEO',
  });
  await w.interview(cy, i3, { type: 'RecordReply', receivedAt: w.now, outcome: 'ACCEPTED' });
  const i4 = await w.plan(dee, cD1);
  await w.interview(dee, i4, {
    type: 'AddQuestion',
    text: 'How did you choose your first role?',
    topic: 'CAREER_PATHS',
  });
  await w.interview(dee, i4, {
    type: 'AddQuestion',
    text: 'What skills matter most in your team?',
    topic: 'QUALIFICATIONS',
  });
  await w.interview(dee, i4, { type: 'RecordOutreach', channel: 'EMAIL', sentAt: w.now });

  // Sep 4 10:00 local
  at('2026-09-04T17:00:00.000Z');
  await w.interview(cy, i3, { type: 'RecordMeetingHeld', heldAt: w.now, durationMinutes: 55 });
  const cB2 = await w.contact(ben, { company: 'Delta' });
  const i5 = await w.plan(ben, cB2);
  await w.interview(ben, i5, { type: 'RecordOutreach', channel: 'EMAIL', sentAt: w.now });
  at('2026-09-04T18:00:00.000Z');
  const mistaken = await w.interview(ben, i5, { type: 'RecordFollowUp', channel: 'EMAIL', sentAt: w.now });
  await w.interview(ben, i5, { type: 'VoidEntry', version: mistaken.version, reason: 'logged on the wrong interview' });

  // Sep 5 local
  at('2026-09-05T17:30:00.000Z');
  await w.interview(ada, i1, { type: 'RecordMeetingHeld', heldAt: '2026-09-05T17:00:00.000Z', durationMinutes: 20 });
  at('2026-09-05T22:00:00.000Z');
  await w.interview(ada, i1, { type: 'RecordThankYou', sentAt: w.now, channel: 'EMAIL' });
  const adaPromise = await w.interview(ada, i1, { type: 'RecordCommitment', description: 'Send my resume' });
  const cA2 = await w.contact(ada, { source: 'REFERRAL', referredByContactId: cA1, company: 'Beta' });
  await w.interview(ada, i1, { type: 'RecordReferral', referredContactId: cA2 });
  at('2026-09-05T23:00:00.000Z');
  await w.interview(cy, i3, { type: 'RecordThankYou', sentAt: w.now, channel: 'EMAIL' });
  await w.interview(cy, i3, { type: 'RecordCommitment', description: 'Read the book she recommended' });

  // Sep 6 local
  at('2026-09-06T17:00:00.000Z');
  await w.interview(ada, i1, { type: 'FulfilCommitment', commitmentId: commitmentOf(adaPromise), fulfilledAt: w.now });
  await w.interview(ada, i1, { type: 'LogKeepInTouch', at: w.now, kind: 'CAREER_UPDATE', channel: 'EMAIL' });
  const i9 = await w.plan(ada, cA2);
  await w.interview(ada, i9, { type: 'RecordOutreach', channel: 'EMAIL', sentAt: w.now });
  at('2026-09-06T20:00:00.000Z');
  await w.interview(ada, i9, { type: 'RecordReply', receivedAt: w.now, outcome: 'ACCEPTED' });
  await w.interview(ada, i9, {
    type: 'ScheduleMeeting',
    startsAt: '2026-09-07T17:00:00.000Z',
    durationMinutes: 25,
    format: 'PHONE',
  });

  // Sep 7 local: Ada's last own event
  at('2026-09-07T17:30:00.000Z');
  await w.interview(ada, i9, { type: 'RecordMeetingHeld', heldAt: '2026-09-07T17:00:00.000Z', durationMinutes: 25 });

  // Sep 8 local
  at('2026-09-08T17:00:00.000Z');
  const cB3 = await w.contact(ben, { company: 'Epsilon' });
  const i7 = await w.plan(ben, cB3);
  await w.interview(ben, i7, { type: 'RecordOutreach', channel: 'EMAIL', sentAt: w.now });

  // Sep 9 05:00Z = Sep 8 22:00 local: seven days after I2's outreach
  at('2026-09-09T05:00:00.000Z');
  await fire(ben, i2, 'FOLLOW_UP_DUE', '2026-09-09T05:00:00.000Z');

  // Sep 10 local
  at('2026-09-10T17:00:00.000Z');
  await w.cohortCommand(cohortA, { type: 'WithdrawStudent', studentId: cy });
  await w.interview(dee, i4, { type: 'RecordFollowUp', channel: 'EMAIL', sentAt: w.now });

  // Sep 11 local
  at('2026-09-11T17:00:00.000Z');
  await w.interview(ben, i5, { type: 'RecordFollowUp', channel: 'EMAIL', sentAt: w.now });
  await w.interview(dee, i4, { type: 'RecordReply', receivedAt: w.now, outcome: 'ACCEPTED' });
  await w.interview(dee, i4, {
    type: 'ScheduleMeeting',
    startsAt: '2026-09-12T01:00:00.000Z',
    durationMinutes: 30,
    format: 'IN_PERSON',
  });
  const cC2 = await w.contact(cy, { company: 'Umbrella' }); // Cy is in no cohort now
  const i10 = await w.plan(cy, cC2);
  await w.interview(cy, i10, { type: 'RecordOutreach', channel: 'EMAIL', sentAt: w.now });
  // Sep 12 01:00Z = Sep 11 18:00 local
  at('2026-09-12T02:00:00.000Z');
  await w.interview(dee, i4, { type: 'RecordMeetingHeld', heldAt: '2026-09-12T01:00:00.000Z', durationMinutes: 30 });

  // Sep 12 06:30 local
  at('2026-09-12T13:30:00.000Z');
  await w.interview(dee, i4, { type: 'RecordThankYou', sentAt: w.now, channel: 'EMAIL' });
  const deePromise = await w.interview(dee, i4, { type: 'RecordCommitment', description: 'Share the article' });

  // Sep 14 and 15 local
  at('2026-09-14T17:00:00.000Z');
  const cD2 = await w.contact(dee, { company: 'Zeta' });
  const i6 = await w.plan(dee, cD2);
  await w.interview(dee, i6, { type: 'RecordOutreach', channel: 'EMAIL', sentAt: w.now });
  at('2026-09-15T17:00:00.000Z');
  await w.interview(dee, i6, { type: 'RecordReply', receivedAt: w.now, outcome: 'DECLINED' });

  // Sep 16 05:00Z = Sep 15 22:00 local: seven days after FollowUpDue
  at('2026-09-16T05:00:00.000Z');
  await fire(ben, i2, 'OUTREACH_ABANDONED', '2026-09-16T05:00:00.000Z');

  // Sep 16 local: after the range
  at('2026-09-16T17:00:00.000Z');
  const cB4 = await w.contact(ben, { company: 'Eta' });
  const i8 = await w.plan(ben, cB4);
  await w.interview(ben, i8, { type: 'RecordOutreach', channel: 'EMAIL', sentAt: w.now });
  await w.interview(dee, i4, { type: 'FulfilCommitment', commitmentId: commitmentOf(deePromise), fulfilledAt: w.now });

  expect((await w.projector().consume(await w.records())).failed).toEqual([]);
}, 120_000);

describe("a student's progress", () => {
  it('counts what the student did, judges what is overdue now, and finds their last activity of their own', async () => {
    const ben = await reader.studentProgress(scope, ids.ben, NOW);
    // Outreach on I2, I5, I7, I8 and the Sep 11 follow-up on I5 (the Sep 4 one was voided).
    expect(ben).toMatchObject({ contacts: 4, outreachSent: 4, messagesSent: 5, repliesReceived: 0 });
    // I7's follow-up fell due Sep 15 17:00Z; I8's falls due Sep 23; I5 has used its one follow-up.
    expect(ben.overdue.map((o) => [o.kind, o.dueAt])).toEqual([['FOLLOW_UP_DUE', '2026-09-15T17:00:00.000Z']]);
    // Sep 16 17:00Z (cB4, I8) — not I2's abandonment at 05:00Z that day, which time recorded.
    expect(ben.lastActivityAt).toBe('2026-09-16T17:00:00.000Z');
    // Cy's last doing is after her withdrawal (cC2, I10 on Sep 11), which still counts for her.
    expect((await reader.studentProgress(scope, ids.cy, NOW)).lastActivityAt).toBe('2026-09-11T17:00:00.000Z');
    expect(await reader.studentProgress(scope, 'usr_nobody', NOW)).toMatchObject({ contacts: 0, lastActivityAt: null });
  });
});

describe('CohortAnalytics of a hand-built cohort (America/Los_Angeles)', () => {
  it('counts every figure of cohort A over Sep 2–15 as worked out by hand', async () => {
    const a = await analytics(ids.cohortA, '2026-09-02', '2026-09-15');
    expect(a.from).toBe('2026-09-02');
    expect(a.to).toBe('2026-09-15');
    // Enrolment changes up to the end of Sep 15: +3 (Sep 1) +1 Dee (Sep 3) −1 Cy (Sep 10).
    expect(a.studentsEnrolled).toBe(3);
    // Ada, Ben, Cy (acting before her withdrawal) and Dee all have own events stamped for A in
    // the range.
    expect(a.activeStudents).toBe(4);
    // cB2 (Sep 4), cA2 the referral (Sep 5), cB3 (Sep 8), cD2 (Sep 14). Not cA1/cC1/cB1 (Sep 1 local,
    // cB1 at 05:00Z on Sep 2), not cD1 or cC2 (stamped with no cohort), not cB4 (Sep 16).
    expect(a.contactsAdded).toBe(4);
    // I1, I3 (Sep 2), I4 (Sep 3), I5 (Sep 4), I9 (Sep 6), I7 (Sep 8), I6 (Sep 14). Not I2 (Sep 1
    // local), I8 (Sep 16) or I10 (no cohort).
    expect(a.outreachSent).toBe(7);
    // I4 (Sep 10) and I5 (Sep 11); the follow-up voided on Sep 4 never happened.
    expect(a.followUpsSent).toBe(2);
    // Accepted: I1, I3 (Sep 3), I9 (Sep 6), I4 (Sep 11); declined: I6 (Sep 15).
    expect(a.repliesReceived).toBe(5);
    // Of the 7 interviews first reached out to in the range, 5 have a reply by now (I5, I7 have none).
    expect(a.replyRate).toBeCloseTo(5 / 7, 12);
    // I1 (Sep 3), I9 (Sep 6), I4 (Sep 11); I3 was held without being scheduled.
    expect(a.meetingsScheduled).toBe(3);
    // I3 (Sep 4), I1 (Sep 5), I9 (Sep 7), I4 (Sep 11 local, Sep 12 UTC).
    expect(a.meetingsHeld).toBe(4);
    // 20, 25 and 30 minutes are within 15–30; I3's 55 is not: 3 of 4.
    expect(a.meetingLengthComplianceRate).toBe(0.75);
    // Questions at MeetingHeld: I1 3, I3 1, I9 0, I4 2 → 6 / 4.
    expect(a.averageQuestionsPrepared).toBe(1.5);
    // The first thank-you of I1 (Sep 5), I3 (Sep 5), I4 (Sep 12).
    expect(a.thankYousSent).toBe(3);
    // Meetings held in range with a thank-you: I1 5.0 h (on time), I3 30.0 h (late), I4 12.5 h
    // (on time); I9 has none and is not in the denominator: 2 of 3.
    expect(a.thankYouOnTimeRate).toBeCloseTo(2 / 3, 12);
    // Sorted 5.0, 12.5, 30.0: an odd count, the middle one.
    expect(a.medianHoursToThankYou).toBe(12.5);
    // I1's referral (Sep 5).
    expect(a.referralsReceived).toBe(1);
    // I1 (Sep 5), I3 (Sep 5), I4 (Sep 12).
    expect(a.commitmentsMade).toBe(3);
    // Only I1's (Sep 6); I4's was fulfilled on Sep 16, after the range.
    expect(a.commitmentsFulfilled).toBe(1);
    // Of the 3 made in range, fulfilled by now: I1's and I4's (on Sep 16): 2 of 3.
    expect(a.commitmentsFulfilledRate).toBeCloseTo(2 / 3, 12);
    // I2, abandoned at Sep 16 05:00Z = Sep 15 local.
    expect(a.outreachAbandoned).toBe(1);
    // Interviews first reached out to in range (I1, I3, I4, I5, I9, I7, I6), by furthest stage:
    // I1 kept in touch; I3 and I4 thanked; I9 held; I6 replied (declined); I5 and I7 contacted.
    expect(funnel(a)).toEqual({
      CONTACTED: 7,
      REPLIED: 5, // I1, I3, I4, I9, I6
      MEETING_SCHEDULED: 4, // I1, I4, I9 scheduled, and I3 held without it
      MEETING_HELD: 4, // I1, I3, I4, I9
      THANKED: 3, // I1, I3, I4
      KEPT_IN_TOUCH: 1, // I1
    });
    expect(a.funnel.map((f) => f.stage)).toEqual([
      'CONTACTED',
      'REPLIED',
      'MEETING_SCHEDULED',
      'MEETING_HELD',
      'THANKED',
      'KEPT_IN_TOUCH',
    ]);
    // Enrolled now: Ada, Ben, Dee (Cy withdrawn). At Sep 22 17:00Z:
    // Ada: last own event Sep 7 17:00Z, before Sep 8 17:00Z → NO_ACTIVITY_14D; I9 held Sep 7
    //   17:00Z, thank-you due Sep 8 17:00Z, none → THANK_YOU_OVERDUE.
    // Ben: I7's follow-up was due Sep 15 17:00Z, none sent → FOLLOW_UP_DUE (I8's falls due Sep 23);
    //   messages I2 1 + I5 2 + I7 1 + I8 1 = 5 (the voided follow-up not counted), no reply →
    //   NO_REPLY_AFTER_5. Last own event Sep 16 → active.
    // Dee: active Sep 16, replies received, nothing owed → not at risk.
    expect(await risk(a)).toEqual({
      [ids.ada]: ['NO_ACTIVITY_14D', 'THANK_YOU_OVERDUE'],
      [ids.ben]: ['FOLLOW_UP_DUE', 'NO_REPLY_AFTER_5'],
    });
  });

  it('gives a series per local day and per ISO week, empty buckets included', async () => {
    const a = await analytics(ids.cohortA, '2026-09-02', '2026-09-15');
    const b = (start: string, outreachSent: number, meetingsHeld: number, thankYousSent: number, referrals = 0) => ({
      start,
      outreachSent,
      meetingsHeld,
      thankYousSent,
      referralsReceived: referrals,
    });
    expect(await a.series('DAY')).toEqual([
      b('2026-09-02', 2, 0, 0), // I1, I3 reached out
      b('2026-09-03', 1, 0, 0), // I4
      b('2026-09-04', 1, 1, 0), // I5; I3 held
      b('2026-09-05', 0, 1, 2, 1), // I1 held; thanks for I1 and I3; I1's referral
      b('2026-09-06', 1, 0, 0), // I9
      b('2026-09-07', 0, 1, 0), // I9 held
      b('2026-09-08', 1, 0, 0), // I7
      b('2026-09-09', 0, 0, 0),
      b('2026-09-10', 0, 0, 0),
      b('2026-09-11', 0, 1, 0), // I4 held at 18:00 local (Sep 12 01:00Z)
      b('2026-09-12', 0, 0, 1), // I4 thanked
      b('2026-09-13', 0, 0, 0),
      b('2026-09-14', 1, 0, 0), // I6
      b('2026-09-15', 0, 0, 0), // only I6's reply and I2's abandonment: neither is in the series
    ]);
    // ISO weeks start Monday: Aug 31 (holding Sep 2–6 of the range), Sep 7 (7–13), Sep 14 (14–15).
    expect(await a.series('WEEK')).toEqual([
      b('2026-08-31', 5, 2, 2, 1),
      b('2026-09-07', 1, 2, 1),
      b('2026-09-14', 1, 0, 0),
    ]);
  });

  it('changes with the range: Sep 2–8 (a late reply still counts for the reply rate, an even median)', async () => {
    const s = await analytics(ids.cohortA, '2026-09-02', '2026-09-08');
    // +3 (Sep 1) +1 Dee (Sep 3); Cy's withdrawal (Sep 10) is after Sep 8.
    expect(s.studentsEnrolled).toBe(4);
    expect(s.activeStudents).toBe(4); // Ada, Ben, Cy, Dee
    expect(s.contactsAdded).toBe(3); // cB2, cA2, cB3
    expect(s.outreachSent).toBe(6); // I1, I3, I4, I5, I9, I7
    expect(s.followUpsSent).toBe(0); // the only one in these days was voided
    expect(s.repliesReceived).toBe(3); // I1, I3, I9 (I4's came Sep 11)
    // 6 first outreaches; replied by now: I1, I3, I9 and I4 (its reply after the range counts).
    expect(s.replyRate).toBeCloseTo(4 / 6, 12);
    expect(s.meetingsScheduled).toBe(2); // I1, I9
    expect(s.meetingsHeld).toBe(3); // I3, I1, I9
    expect(s.meetingLengthComplianceRate).toBeCloseTo(2 / 3, 12); // I1, I9 within; I3 not
    expect(s.averageQuestionsPrepared).toBeCloseTo(4 / 3, 12); // (1 + 3 + 0) / 3
    expect(s.thankYousSent).toBe(2); // I1, I3
    expect(s.thankYouOnTimeRate).toBe(0.5); // I1 on time, I3 late
    // 5.0 and 30.0: an even count, the mean of the middle two.
    expect(s.medianHoursToThankYou).toBe(17.5);
    expect(s.referralsReceived).toBe(1);
    expect(s.commitmentsMade).toBe(2); // I1, I3
    expect(s.commitmentsFulfilled).toBe(1); // I1's on Sep 6
    expect(s.commitmentsFulfilledRate).toBe(0.5);
    expect(s.outreachAbandoned).toBe(0); // I2's falls on Sep 15
    // I4 was reached out to on Sep 3 and went on to be thanked (by now).
    expect(funnel(s)).toEqual({
      CONTACTED: 6,
      REPLIED: 4,
      MEETING_SCHEDULED: 4,
      MEETING_HELD: 4,
      THANKED: 3,
      KEPT_IN_TOUCH: 1,
    });
    expect(await s.series('WEEK')).toEqual([
      { start: '2026-08-31', outreachSent: 5, meetingsHeld: 2, thankYousSent: 2, referralsReceived: 1 },
      { start: '2026-09-07', outreachSent: 1, meetingsHeld: 1, thankYousSent: 0, referralsReceived: 0 },
    ]);
  });

  it('counts the later days alone: Sep 9–15', async () => {
    const s = await analytics(ids.cohortA, '2026-09-09', '2026-09-15');
    expect(s.studentsEnrolled).toBe(3);
    // Ben (I5 follow-up Sep 11) and Dee; Ada's last event was Sep 7, Cy's later ones carry no cohort.
    expect(s.activeStudents).toBe(2);
    expect(s.contactsAdded).toBe(1); // cD2
    expect(s.outreachSent).toBe(1); // I6
    expect(s.followUpsSent).toBe(2); // I4, I5
    expect(s.repliesReceived).toBe(2); // I4 accepted, I6 declined
    expect(s.replyRate).toBe(1); // I6, declined
    expect(s.meetingsHeld).toBe(1); // I4
    expect(s.medianHoursToThankYou).toBe(12.5);
    expect(s.thankYouOnTimeRate).toBe(1);
    expect(s.outreachAbandoned).toBe(1);
    expect(funnel(s)).toEqual({
      CONTACTED: 1,
      REPLIED: 1,
      MEETING_SCHEDULED: 0,
      MEETING_HELD: 0,
      THANKED: 0,
      KEPT_IN_TOUCH: 0,
    });
  });

  it('puts an event at 05:00Z on the previous local day', async () => {
    // Sep 1 local: I2's outreach (Sep 2 05:00Z) and the contacts cA1, cC1, cB1.
    const sep1 = await analytics(ids.cohortA, '2026-09-01', '2026-09-01');
    expect(sep1.outreachSent).toBe(1);
    expect(sep1.contactsAdded).toBe(3);
    expect(sep1.studentsEnrolled).toBe(3);
    expect(sep1.activeStudents).toBe(3); // Ada, Ben, Cy (Dee not yet enrolled)
    expect(sep1.replyRate).toBe(0); // I2 never got a reply
    expect(await sep1.series('DAY')).toEqual([
      { start: '2026-09-01', outreachSent: 1, meetingsHeld: 0, thankYousSent: 0, referralsReceived: 0 },
    ]);
    // Sep 2 local holds I1 and I3, not I2.
    expect((await analytics(ids.cohortA, '2026-09-02', '2026-09-02')).outreachSent).toBe(2);
  });

  it('answers null for a rate with nothing to divide, and counts a deadline outcome but not as activity', async () => {
    // Sep 15 local: I6's decline (Dee) and I2's abandonment (Sep 16 05:00Z), nothing else.
    const d = await analytics(ids.cohortA, '2026-09-15', '2026-09-15');
    expect(d.activeStudents).toBe(1); // Dee; the abandonment is time's doing, not Ben's
    expect(d.repliesReceived).toBe(1);
    expect(d.outreachAbandoned).toBe(1);
    expect(d.outreachSent).toBe(0);
    expect(d.meetingsHeld).toBe(0);
    expect(d.commitmentsMade).toBe(0);
    expect(d.replyRate).toBeNull();
    expect(d.meetingLengthComplianceRate).toBeNull();
    expect(d.averageQuestionsPrepared).toBeNull();
    expect(d.thankYouOnTimeRate).toBeNull();
    expect(d.medianHoursToThankYou).toBeNull();
    expect(d.commitmentsFulfilledRate).toBeNull();
    expect(d.funnel.every((f) => f.count === 0)).toBe(true);
  });

  it('counts a range reaching into the future as empty days', async () => {
    const f = await analytics(ids.cohortA, '2026-10-01', '2026-10-31');
    expect(f.studentsEnrolled).toBe(3);
    expect(f.activeStudents).toBe(0);
    expect(f.outreachSent).toBe(0);
    expect(f.replyRate).toBeNull();
    expect(await f.series('DAY')).toHaveLength(31);
    // Oct 1 2026 is a Thursday: weeks of Sep 28, Oct 5, 12, 19, 26.
    expect((await f.series('WEEK')).map((x) => x.start)).toEqual([
      '2026-09-28',
      '2026-10-05',
      '2026-10-12',
      '2026-10-19',
      '2026-10-26',
    ]);
  });

  it('judges at-risk at the `now` it is given', async () => {
    // Oct 10 17:00Z: idle since Sep 26 17:00Z for everyone; I8's follow-up (due Sep 23) is owed too.
    const later = await analytics(ids.cohortA, '2026-09-02', '2026-09-15', '2026-10-10T17:00:00.000Z');
    expect(await risk(later)).toEqual({
      [ids.ada]: ['NO_ACTIVITY_14D', 'THANK_YOU_OVERDUE'],
      [ids.ben]: ['NO_ACTIVITY_14D', 'FOLLOW_UP_DUE', 'NO_REPLY_AFTER_5'],
      [ids.dee]: ['NO_ACTIVITY_14D'],
    });
  });

  it('counts cohort B (Ada alone) by the cohorts stamped on her events', async () => {
    const b = await analytics(ids.cohortB, '2026-09-02', '2026-09-15');
    expect(b.studentsEnrolled).toBe(1);
    expect(b.activeStudents).toBe(1);
    expect(b.contactsAdded).toBe(1); // cA2 (cA1 was Sep 1)
    expect(b.outreachSent).toBe(2); // I1, I9
    expect(b.followUpsSent).toBe(0);
    expect(b.repliesReceived).toBe(2);
    expect(b.replyRate).toBe(1);
    expect(b.meetingsScheduled).toBe(2);
    expect(b.meetingsHeld).toBe(2);
    expect(b.meetingLengthComplianceRate).toBe(1); // 20 and 25 minutes
    expect(b.averageQuestionsPrepared).toBe(1.5); // (3 + 0) / 2
    expect(b.thankYousSent).toBe(1);
    expect(b.thankYouOnTimeRate).toBe(1);
    expect(b.medianHoursToThankYou).toBe(5);
    expect(b.referralsReceived).toBe(1);
    expect(b.commitmentsMade).toBe(1);
    expect(b.commitmentsFulfilled).toBe(1);
    expect(b.commitmentsFulfilledRate).toBe(1);
    expect(b.outreachAbandoned).toBe(0);
    expect(funnel(b)).toEqual({
      CONTACTED: 2,
      REPLIED: 2,
      MEETING_SCHEDULED: 2,
      MEETING_HELD: 2,
      THANKED: 1,
      KEPT_IN_TOUCH: 1,
    });
    expect(await risk(b)).toEqual({ [ids.ada]: ['NO_ACTIVITY_14D', 'THANK_YOU_OVERDUE'] });
  });

  it('refuses a range over 366 days, a `to` before `from`, and malformed dates, naming the field', async () => {
    const refused = async (from: string, to: string) => {
      const error = await analytics(ids.cohortA, from, to).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InvalidInputError);
      return (error as InvalidInputError).field;
    };
    expect(await refused('2026-01-01', '2027-01-02')).toBe('to'); // 367 days
    expect(await refused('2026-09-15', '2026-09-14')).toBe('to');
    expect(await refused('2026-9-2', '2026-09-15')).toBe('from');
    expect(await refused('2026-09-02', '2026-02-30')).toBe('to');
    expect(await refused('yesterday', '2026-09-15')).toBe('from');
    // 366 days is the longest range allowed.
    expect(await (await analytics(ids.cohortA, '2026-01-01', '2027-01-01')).series('DAY')).toHaveLength(366);
  });
});
