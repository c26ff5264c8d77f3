import { testDb } from '@app/testing';
import { World } from '@app/views/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from './testApi.ts';

let w: World;
let gql: Awaited<ReturnType<typeof testApi>>['gql'];
const p = { coach: '', otherCoach: '', admin: '', ada: '', ben: '', cohort: '', otherCohort: '' };

const COHORT = `query ($id: ID!, $from: Date!, $to: Date!) {
  cohort(id: $id) {
    name
    students { edges { node { id progress { contacts outreachSent lastActivityAt } } } }
    analytics(from: $from, to: $to) {
      studentsEnrolled activeStudents contactsAdded outreachSent replyRate
      funnel { stage count }
      series(granularity: DAY) { start outreachSent }
      atRiskStudents { student { id } reasons }
    }
  }
}`;
const range = { from: '2026-09-01', to: '2026-09-03' };

beforeAll(async () => {
  w = new World(testDb(), { start: '2026-09-01T09:00:00.000Z' });
  await w.provision();
  p.admin = await w.member(['TENANT_ADMIN']);
  p.coach = await w.member(['COACH']);
  p.otherCoach = await w.member(['COACH']);
  p.ada = await w.member(['STUDENT']);
  p.ben = await w.member(['STUDENT']);
  p.cohort = await w.cohort('Fall careers');
  p.otherCohort = await w.cohort('Spring careers');
  await w.cohortCommand(p.otherCohort, { type: 'AssignCoach', coachId: p.otherCoach }, ['COACH']);
  await w.cohortCommand(p.cohort, { type: 'AssignCoach', coachId: p.coach }, ['COACH']);
  await w.cohortCommand(p.cohort, { type: 'EnrollStudent', studentId: p.ada });
  w.later(1);
  const contact = await w.contact(p.ada);
  const interview = await w.plan(p.ada, contact);
  await w.interview(p.ada, interview, { type: 'RecordOutreach', channel: 'EMAIL', sentAt: w.now });
  await w.contact(p.ben);
  expect((await w.projector().consume(await w.records())).failed).toEqual([]);
  ({ gql } = await testApi(w));
});

describe('what coaches read', () => {
  it("shows a coach its cohort: students, their progress, and the cohort's analytics", async () => {
    const r = await gql(p.coach, ['COACH'], COHORT, { id: p.cohort, ...range });
    expect(r.errors).toBeUndefined();
    const cohort = r.data.cohort;
    expect(cohort.name).toBe('Fall careers');
    expect(cohort.students.edges).toEqual([
      {
        node: {
          id: p.ada,
          progress: { contacts: 1, outreachSent: 1, lastActivityAt: '2026-09-01T10:00:00.000Z' },
        },
      },
    ]);
    expect(cohort.analytics).toMatchObject({
      studentsEnrolled: 1,
      activeStudents: 1,
      contactsAdded: 1,
      outreachSent: 1,
      replyRate: 0,
      series: [
        { start: '2026-09-01', outreachSent: 1 },
        { start: '2026-09-02', outreachSent: 0 },
        { start: '2026-09-03', outreachSent: 0 },
      ],
    });
    expect(cohort.analytics.funnel[0]).toEqual({ stage: 'CONTACTED', count: 1 });
  });

  it('answers another coach, and a missing cohort, alike: null and NOT_FOUND; a student is FORBIDDEN', async () => {
    const other = await gql(p.otherCoach, ['COACH'], COHORT, { id: p.cohort, ...range });
    const missing = await gql(p.coach, ['COACH'], COHORT, { id: 'coh_00000000000000000000000000', ...range });
    expect(other.data).toEqual({ cohort: null });
    expect(other.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    expect(missing.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    const student = await gql(p.ada, ['STUDENT'], COHORT, { id: p.cohort, ...range });
    expect(student.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });

  it("lets a coach read its students only; a student itself; another student's id reads as missing", async () => {
    const q = 'query ($id: ID!) { student(id: $id) { id progress { contacts } } }';
    expect((await gql(p.coach, ['COACH'], q, { id: p.ada })).data.student).toEqual({
      id: p.ada,
      progress: { contacts: 1 },
    });
    expect((await gql(p.coach, ['COACH'], q, { id: p.ben })).errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    expect((await gql(p.ada, ['STUDENT'], q, { id: p.ada })).data.student.id).toBe(p.ada);
    expect((await gql(p.ben, ['STUDENT'], q, { id: p.ada })).errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    expect((await gql(p.admin, ['TENANT_ADMIN'], q, { id: p.ben })).data.student.id).toBe(p.ben);
  });

  it('refuses a range that is not one, naming the argument', async () => {
    const bad = await gql(p.coach, ['COACH'], COHORT, { id: p.cohort, from: '2026-02-30', to: '2026-03-01' });
    expect(bad.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    const long = await gql(p.coach, ['COACH'], COHORT, { id: p.cohort, from: '2025-01-01', to: '2026-09-01' });
    expect(long.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'to' });
  });
});

describe("a student's interviews as a coach sees them", () => {
  it('lists them with status and contact for its coaches and admins, and for nobody else', async () => {
    const q = `query ($id: ID!) { student(id: $id) { interviews { edges { node { id status contact { name } } } } } }`;
    const mine = await gql(p.coach, ['COACH'], q, { id: p.ada });
    expect(mine.errors).toBeUndefined();
    const edges = mine.data.student.interviews.edges;
    expect(edges.map((e: { node: { status: string; contact: { name: string } } }) => e.node)).toEqual([
      { id: expect.stringMatching(/^int_/), status: 'AWAITING_REPLY', contact: { name: 'Pat Doe' } },
    ]);
    const id = edges[0].node.id;
    const read = 'query ($id: ID!) { interview(id: $id) { status } }';
    expect((await gql(p.coach, ['COACH'], read, { id })).data.interview).toEqual({ status: 'AWAITING_REPLY' });
    expect((await gql(p.admin, ['TENANT_ADMIN'], read, { id })).data.interview).toEqual({ status: 'AWAITING_REPLY' });
    expect((await gql(p.otherCoach, ['COACH'], read, { id })).errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    expect((await gql(p.ben, ['STUDENT'], read, { id })).errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    // reading is not writing: a coach may not act on the student's interview
    const write = await gql(
      p.coach,
      ['COACH'],
      'mutation ($id: ID!) { closeInterview(input: { interviewId: $id }) { interview { status } } }',
      { id },
    );
    expect(write.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });
});

describe('the cohorts list', () => {
  const COHORTS = '{ cohorts(first: 10) { edges { node { id name } } pageInfo { hasNextPage } } }';
  const names = (r: { data: { cohorts: { edges: { node: { name: string } }[] } } }) =>
    r.data.cohorts.edges.map((e) => e.node.name);

  it("lists all the university's cohorts for an admin, a coach's own for a coach", async () => {
    expect(names(await gql(p.admin, ['TENANT_ADMIN'], COHORTS)).sort()).toEqual(['Fall careers', 'Spring careers']);
    expect(names(await gql(p.coach, ['COACH'], COHORTS))).toEqual(['Fall careers']);
    expect(names(await gql(p.otherCoach, ['COACH'], COHORTS))).toEqual(['Spring careers']);
  });

  it('is not for students', async () => {
    const r = await gql(p.ada, ['STUDENT'], COHORTS);
    expect(r.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });
});
