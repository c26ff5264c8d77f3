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

  it('answers an id no stream can have with BAD_USER_INPUT, never INTERNAL', async () => {
    for (const id of ['int_<script>', `int_${'0'.repeat(200)}`]) {
      const read = await gql(ada, [...STUDENT], READ, { id });
      expect(read.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
      const write = await gql(ada, [...STUDENT], OUTREACH, {
        input: { interviewId: id, channel: 'EMAIL', sentAt: w.now },
      });
      expect(write.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    }
    // one of a stream's shape that is no interview reads as missing
    expect((await gql(ada, [...STUDENT], READ, { id: 'int_short' })).errors?.[0]?.extensions.code).toBe('NOT_FOUND');
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

describe('the whole of an interview, from outreach to keeping in touch', () => {
  it('walks every step through its mutation, with the status and deadlines each leaves', async () => {
    const id = (await plan(ada, await contactOf(ada))).data.planInterview.interview.id as string;
    const step = async (mutation: string, input: Record<string, unknown>, pick = 'status nextDeadline { kind }') => {
      const name = mutation[0]?.toUpperCase() + mutation.slice(1);
      const r = await gql(
        ada,
        [...STUDENT],
        `mutation ($input: ${name}Input!) { ${mutation}(input: $input) { interview { ${pick} } advice { code } } }`,
        { input: { interviewId: id, ...input } },
      );
      expect(r.errors).toBeUndefined();
      return r.data[mutation];
    };
    const at = (hours: number) => w.later(hours);

    expect((await step('recordOutreach', { channel: 'EMAIL', sentAt: at(1) })).interview.status).toBe('AWAITING_REPLY');
    expect((await step('recordReply', { receivedAt: at(24), outcome: 'ACCEPTED' })).interview.status).toBe('ACCEPTED');
    const meetingAt = new Date(Date.parse(at(1)) + 3 * 86_400_000).toISOString();
    const scheduled = await step('scheduleMeeting', { startsAt: meetingAt, durationMinutes: 20, format: 'VIDEO' });
    expect(scheduled.interview.status).toBe('SCHEDULED');
    await step('addResearchNote', { text: 'Read the team blog and the last two annual reports.' });
    for (const [text, topic] of [
      ['How did you get started in this field?', 'HOW_THEY_STARTED'],
      ['What does a typical week look like for you?', 'DAILY_WORK'],
    ]) {
      await step('addQuestion', { text, topic });
    }
    const withQuestions = await step(
      'addQuestion',
      { text: 'Which trends are changing your industry?', topic: 'TRENDS' },
      'questions { id }',
    );
    const questionId = withQuestions.interview.questions[0].id;
    await step('removeQuestion', { questionId });
    w.now = new Date(Date.parse(meetingAt) + 25 * 60_000).toISOString();
    const held = await step('recordMeetingHeld', { heldAt: meetingAt, durationMinutes: 20 });
    expect(held.interview).toEqual({ status: 'HELD', nextDeadline: { kind: 'THANK_YOU_OVERDUE' } });
    await step('recordNotes', { notes: 'Talked about how the team ships.' });
    const referred = await gql(
      ada,
      [...STUDENT],
      `mutation ($input: RecordReferralInput!) {
        recordReferral(input: $input) { contact { id source referredBy { id } } interview { contact { id } } }
      }`,
      { input: { interviewId: id, name: 'Riley Referral', company: 'Beta' } },
    );
    expect(referred.errors).toBeUndefined();
    const { contact: newContact, interview: after } = referred.data.recordReferral;
    expect(newContact).toMatchObject({ source: 'REFERRAL', referredBy: { id: after.contact.id } });
    const preferred = await gql(
      ada,
      [...STUDENT],
      'mutation ($id: ID!) { recordContactPreference(input: { contactId: $id, preferredChannel: PHONE }) { contact { preferredChannel } } }',
      { id: newContact.id },
    );
    expect(preferred.data.recordContactPreference.contact.preferredChannel).toBe('PHONE');
    const thanked = await step('recordThankYou', { sentAt: at(2), channel: 'EMAIL' });
    expect(thanked.interview.status).toBe('FOLLOWING_UP');
    const promised = await step(
      'recordCommitment',
      { description: 'Send the article we discussed' },
      'commitments { id }',
    );
    const commitmentId = promised.interview.commitments[0].id;
    await step('fulfilCommitment', { commitmentId, fulfilledAt: at(3) });
    const kept = await step('logKeepInTouch', { at: at(24 * 30), kind: 'SHARED_ARTICLE', channel: 'EMAIL' });
    expect(kept.interview.nextDeadline).toEqual({ kind: 'KEEP_IN_TOUCH_DUE' });
    const closed = await step('closeInterview', { outcome: 'learned what I came for' });
    expect(closed.interview.status).toBe('CLOSED');
    const timeline = (await gql(ada, [...STUDENT], READ, { id })).data.interview.timeline.map(
      (e: { type: string }) => e.type,
    );
    expect(timeline).toEqual([
      'InterviewPlanned',
      'OutreachSent',
      'ReplyReceived',
      'MeetingScheduled',
      'ResearchNoteAdded',
      'QuestionAdded',
      'QuestionAdded',
      'QuestionAdded',
      'QuestionRemoved',
      'MeetingHeld',
      'NotesRecorded',
      'ReferralReceived',
      'ThankYouSent',
      'CommitmentMade',
      'CommitmentFulfilled',
      'KeepInTouchLogged',
      'InterviewClosed',
    ]);
  });
});

describe('node(id)', () => {
  it('resolves what the typed queries resolve, with the same checks', async () => {
    const contactId = await contactOf(ada);
    const id = (await plan(ada, contactId)).data.planInterview.interview.id;
    const NODE = 'query ($id: ID!) { node(id: $id) { id ... on Interview { status } ... on Contact { name } } }';
    expect((await gql(ada, [...STUDENT], NODE, { id })).data.node).toEqual({ id, status: 'PLANNED' });
    expect((await gql(ada, [...STUDENT], NODE, { id: contactId })).data.node).toEqual({
      id: contactId,
      name: 'Pat Doe',
    });
    for (const other of [id, contactId]) {
      const theirs = await gql(ben, [...STUDENT], NODE, { id: other });
      expect(theirs.data).toEqual({ node: null });
      expect(theirs.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    }
    const own = await gql(ada, [...STUDENT], NODE, { id: ada });
    expect(own.data.node).toEqual({ id: ada });
    expect((await gql(ben, [...STUDENT], NODE, { id: ada })).errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });
});
