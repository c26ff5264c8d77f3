import { streamRef } from '@app/event-store';
import { testDb } from '@app/testing';
import { World } from '@app/views/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from './testApi.ts';

let w: World;
let ada: string;
let ben: string;
let gql: Awaited<ReturnType<typeof testApi>>['gql'];
const STUDENT = ['STUDENT'] as const;

const FIELDS = 'id version status followUpsSent nextDeadline { kind dueAt } advice { code } timeline { version type }';
const PLAN = `mutation ($input: PlanInterviewInput!) { planInterview(input: $input) { interview { ${FIELDS} contact { id } } advice { code } } }`;
const OUTREACH = `mutation ($input: RecordOutreachInput!) { recordOutreach(input: $input) { interview { ${FIELDS} } advice { code } } }`;
const QUESTION = `mutation ($input: AddQuestionInput!) { addQuestion(input: $input) { interview { version questions { text flags } } } }`;
const READ = `query ($id: ID!) { interview(id: $id) { ${FIELDS} } }`;

const contactOf = async (student: string) =>
  (
    await gql(
      student,
      [...STUDENT],
      'mutation { addContact(input: { name: "Pat Doe", company: "Acme", source: ALUMNI }) { contact { id } } }',
    )
  ).data.addContact.contact.id as string;

const plan = async (student: string, contactId: string) =>
  gql(student, [...STUDENT], PLAN, { input: { contactId, goals: ['learn how product teams work'] } });

beforeAll(async () => {
  w = new World(testDb(), { start: '2026-09-01T09:00:00.000Z' });
  await w.provision();
  [ada, ben] = [await w.member(['STUDENT']), await w.member(['STUDENT'])];
  ({ gql } = await testApi(w));
});

describe('an interview through the API', () => {
  it('is planned with preparation advice, then reached out to with a follow-up due a week later', async () => {
    const planned = await plan(ada, await contactOf(ada));
    expect(planned.errors).toBeUndefined();
    const interview = planned.data.planInterview.interview;
    expect(interview).toMatchObject({ version: 1, status: 'PLANNED', followUpsSent: 0 });
    expect(interview.advice.map((a: { code: string }) => a.code)).toContain('QUESTION_COUNT');

    w.later(2);
    const sentAt = w.now;
    const out = await gql(ada, [...STUDENT], OUTREACH, {
      input: { interviewId: interview.id, channel: 'EMAIL', sentAt, expectedVersion: 1 },
    });
    expect(out.errors).toBeUndefined();
    expect(out.data.recordOutreach.interview).toMatchObject({
      version: 2,
      status: 'AWAITING_REPLY',
      nextDeadline: { kind: 'FOLLOW_UP_DUE', dueAt: '2026-09-08T11:00:00.000Z' },
      timeline: [
        { version: 1, type: 'InterviewPlanned' },
        { version: 2, type: 'OutreachSent' },
      ],
    });
    // read back from the store, as its student sees it
    expect((await gql(ada, [...STUDENT], READ, { id: interview.id })).data.interview.status).toBe('AWAITING_REPLY');
  });

  it("answers another student's interview exactly like one that does not exist, and changes nothing", async () => {
    const id = (await plan(ada, await contactOf(ada))).data.planInterview.interview.id;
    const theirs = await gql(ben, [...STUDENT], READ, { id });
    const nobodys = await gql(ben, [...STUDENT], READ, { id: 'int_00000000000000000000000000' });
    expect(theirs).toEqual({ ...nobodys, errors: [{ ...nobodys.errors?.[0], message: `no interview ${id}` }] });
    expect(theirs.data.interview).toBeNull();
    expect(theirs.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    const write = await gql(ben, [...STUDENT], OUTREACH, {
      input: { interviewId: id, channel: 'EMAIL', sentAt: w.now },
    });
    expect(write.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    expect(await w.store.readStream(streamRef(w.tenantId, 'Interview', id))).toHaveLength(1);
    // nor can Ben plan an interview with Ada's contact
    const borrowed = await plan(ben, await contactOf(ada));
    expect(borrowed.data).toBeNull();
    expect(borrowed.errors?.[0]?.extensions.code).toMatch(/NOT_FOUND|BAD_USER_INPUT|RULE_VIOLATION/);
  });

  it('answers CONFLICT to a stale expectedVersion, and applies 20 concurrent writes with contiguous versions', async () => {
    const id = (await plan(ada, await contactOf(ada))).data.planInterview.interview.id;
    const stale = await gql(ada, [...STUDENT], OUTREACH, {
      input: { interviewId: id, channel: 'EMAIL', sentAt: w.now, expectedVersion: 7 },
    });
    expect(stale.errors?.[0]?.extensions.code).toBe('CONFLICT');
    const topics = ['HOW_THEY_STARTED', 'CAREER_PATHS', 'DAILY_WORK', 'TRENDS', 'ADVICE'];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        gql(ada, [...STUDENT], QUESTION, {
          input: { interviewId: id, text: `What surprised you most in year ${i + 1}?`, topic: topics[i % 5] },
        }),
      ),
    );
    expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
    const versions = (await w.store.readStream(streamRef(w.tenantId, 'Interview', id))).map((e) => e.version);
    expect(versions).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
  });

  it('refuses an invalid time and an unknown enum value as BAD_USER_INPUT, writing nothing', async () => {
    const id = (await plan(ada, await contactOf(ada))).data.planInterview.interview.id;
    for (const input of [
      { interviewId: id, channel: 'EMAIL', sentAt: 'next tuesday' },
      { interviewId: id, channel: 'CARRIER_PIGEON', sentAt: w.now },
    ]) {
      const r = await gql(ada, [...STUDENT], OUTREACH, { input });
      expect(r.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    }
    expect(await w.store.readStream(streamRef(w.tenantId, 'Interview', id))).toHaveLength(1);
  });
});
