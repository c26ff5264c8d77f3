import { streamRef } from '@app/event-store';
import { testDb } from '@app/testing';
import { World } from '@app/views/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from './testApi.ts';

let w: World;
let gql: Awaited<ReturnType<typeof testApi>>['gql'];
const p = { ada: '', ben: '', coach: '', interview: '' };
const NUDGES = '{ myNudges { kind code message dueAt interview { id } } }';

const project = async () => expect((await w.projector().consume(await w.records())).failed).toEqual([]);

beforeAll(async () => {
  w = new World(testDb(), { start: '2026-09-01T09:00:00.000Z' });
  await w.provision();
  [p.ada, p.ben, p.coach] = [await w.member(['STUDENT']), await w.member(['STUDENT']), await w.member(['COACH'])];
  const cohort = await w.cohort('Nudged');
  await w.cohortCommand(cohort, { type: 'AssignCoach', coachId: p.coach }, ['COACH']);
  await w.cohortCommand(cohort, { type: 'EnrollStudent', studentId: p.ada });
  p.interview = await w.plan(p.ada, await w.contact(p.ada));
  const step = (command: Parameters<World['interview']>[2]) => w.interview(p.ada, p.interview, command);
  await step({ type: 'RecordOutreach', channel: 'EMAIL', sentAt: w.now });
  await step({ type: 'RecordReply', receivedAt: w.later(2), outcome: 'ACCEPTED' });
  await step({ type: 'ScheduleMeeting', startsAt: w.later(2), durationMinutes: 20, format: 'VIDEO' });
  await step({ type: 'RecordMeetingHeld', heldAt: w.now, durationMinutes: 20 });
  const held = (await w.store.readStream(streamRef(w.tenantId, 'Interview', p.interview))).at(-1);
  w.later(25);
  // what the deadline handler sends when the thank-you falls due
  await step({ type: 'ThankYouOverdue', deadlineId: `THANK_YOU_OVERDUE-${held?.version}` });
  await project();
  ({ gql } = await testApi(w));
});

describe('nudges', () => {
  it('shows the student what fell due, and its coach the overdue item', async () => {
    const mine = await gql(p.ada, ['STUDENT'], NUDGES);
    expect(mine.errors).toBeUndefined();
    expect(mine.data.myNudges).toEqual([
      {
        kind: 'THANK_YOU_OVERDUE',
        code: 'THANK_YOU_OVERDUE',
        message: expect.stringMatching(/thank-you/i),
        dueAt: expect.any(String),
        interview: { id: p.interview },
      },
    ]);
    const coach = await gql(p.coach, ['COACH'], 'query ($id: ID!) { student(id: $id) { nudges { kind } } }', {
      id: p.ada,
    });
    expect(coach.data.student.nudges).toEqual([{ kind: 'THANK_YOU_OVERDUE' }]);
    expect((await gql(p.ben, ['STUDENT'], NUDGES)).data.myNudges).toEqual([]);
  });

  it('is put away by dismissNudge, once however often dismissed, and only by its student', async () => {
    const [nudge] = (await gql(p.ada, ['STUDENT'], '{ myNudges { deadlineId } }')).data.myNudges;
    const DISMISS = 'mutation ($input: DismissNudgeInput!) { dismissNudge(input: $input) { interview { version } } }';
    const input = { interviewId: p.interview, deadlineId: nudge.deadlineId };
    const bens = await gql(p.ben, ['STUDENT'], DISMISS, { input });
    expect(bens.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    const first = await gql(p.ada, ['STUDENT'], DISMISS, { input });
    const again = await gql(p.ada, ['STUDENT'], DISMISS, { input });
    expect(again.data.dismissNudge.interview.version).toBe(first.data.dismissNudge.interview.version);
    const unknown = await gql(p.ada, ['STUDENT'], DISMISS, { input: { ...input, deadlineId: 'FOLLOW_UP_DUE-99' } });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'deadlineId' });
    await project();
    expect((await gql(p.ada, ['STUDENT'], NUDGES)).data.myNudges).toEqual([]);
  });

  it('is gone once the student thanks', async () => {
    // a fresh nudge: the thank-you of a second meeting falls due
    const second = await w.plan(p.ada, await w.contact(p.ada));
    const step = (command: Parameters<World['interview']>[2]) => w.interview(p.ada, second, command);
    await step({ type: 'RecordOutreach', channel: 'EMAIL', sentAt: w.now });
    await step({ type: 'RecordReply', receivedAt: w.later(2), outcome: 'ACCEPTED' });
    await step({ type: 'ScheduleMeeting', startsAt: w.later(2), durationMinutes: 20, format: 'VIDEO' });
    await step({ type: 'RecordMeetingHeld', heldAt: w.now, durationMinutes: 20 });
    const held = (await w.store.readStream(streamRef(w.tenantId, 'Interview', second))).at(-1);
    w.later(25);
    await step({ type: 'ThankYouOverdue', deadlineId: `THANK_YOU_OVERDUE-${held?.version}` });
    await project();
    expect((await gql(p.ada, ['STUDENT'], NUDGES)).data.myNudges).toHaveLength(1);
    p.interview = second;
    await w.interview(p.ada, p.interview, { type: 'RecordThankYou', sentAt: w.now, channel: 'EMAIL' });
    await project();
    expect((await gql(p.ada, ['STUDENT'], NUDGES)).data.myNudges).toEqual([]);
  });
});
