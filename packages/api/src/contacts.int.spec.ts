import { streamRef } from '@app/event-store';
import { testDb } from '@app/testing';
import { World } from '@app/views/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from './testApi.ts';

let w: World;
let ada: string;
let ben: string;
let coach: string;
let gql: Awaited<ReturnType<typeof testApi>>['gql'];

const ADD = `mutation ($input: AddContactInput!) {
  addContact(input: $input) { contact { id name company email source booster referredBy { id } } advice { code } }
}`;

beforeAll(async () => {
  w = new World(testDb());
  await w.provision();
  [ada, ben, coach] = [await w.member(['STUDENT']), await w.member(['STUDENT']), await w.member(['COACH'])];
  ({ gql } = await testApi(w));
});

describe('addContact', () => {
  it("adds a contact to the student's own, and answers it from the store", async () => {
    const input = { name: 'Pat Doe', company: 'Acme', email: 'Pat@Acme.example', source: 'ALUMNI' };
    const { data, errors } = await gql(ada, ['STUDENT'], ADD, { input });
    expect(errors).toBeUndefined();
    expect(data.addContact.contact).toMatchObject({
      name: 'Pat Doe',
      company: 'Acme',
      email: 'pat@acme.example',
      source: 'ALUMNI',
      booster: false,
      referredBy: null,
    });
    expect(data.addContact.contact.id).toMatch(/^con_[0-9A-Z]{26}$/);
    expect(Array.isArray(data.addContact.advice)).toBe(true);
  });

  it('adds once however often it is retried with the same idempotency key', async () => {
    const input = { name: 'Sam Roe', source: 'FRIEND', idempotencyKey: 'add-sam-1' };
    const first = await gql(ada, ['STUDENT'], ADD, { input });
    const again = await gql(ada, ['STUDENT'], ADD, { input });
    const id = first.data.addContact.contact.id;
    expect(again.data.addContact.contact.id).toBe(id);
    expect(await w.store.readStream(streamRef(w.tenantId, 'Contact', id))).toHaveLength(1);
    // another student's same key is another contact
    const bens = await gql(ben, ['STUDENT'], ADD, { input });
    expect(bens.data.addContact.contact.id).not.toBe(id);
  });

  it('refuses an idempotency key longer than 200 characters, naming it', async () => {
    const { errors } = await gql(ada, ['STUDENT'], ADD, {
      input: { name: 'Key Test', source: 'COLD', idempotencyKey: 'k'.repeat(201) },
    });
    expect(errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
  });

  it('names the field that is wrong, and writes nothing', async () => {
    const { data, errors } = await gql(ada, ['STUDENT'], ADD, {
      input: { name: 'Bad Mail', email: 'not an email', source: 'COLD', idempotencyKey: 'bad-mail' },
    });
    expect(data).toBeNull();
    expect(errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'email' });
    const { data: retried } = await gql(ada, ['STUDENT'], ADD, {
      input: { name: 'Bad Mail', email: 'bad@mail.example', source: 'COLD', idempotencyKey: 'bad-mail' },
    });
    // the failed attempt left nothing behind: the key's stream starts at version 1
    const id = retried.addContact.contact.id;
    expect((await w.store.readStream(streamRef(w.tenantId, 'Contact', id))).map((e) => e.version)).toEqual([1]);
  });

  it("refuses another student's contact as a referrer exactly as one that does not exist", async () => {
    const bens = await gql(ben, ['STUDENT'], ADD, { input: { name: 'Lee Poe', source: 'FAMILY' } });
    const attempt = async (referredByContactId: string) =>
      (
        await gql(ada, ['STUDENT'], ADD, {
          input: { name: 'Via Lee', source: 'REFERRAL', referredByContactId },
        })
      ).errors?.[0];
    const bensId = bens.data.addContact.contact.id as string;
    const others = await attempt(bensId);
    const missing = await attempt('con_00000000000000000000000000');
    // the same answer, but for the id the caller sent, which the message repeats
    expect({ ...others, message: others?.message.replace(bensId, 'ID') }).toEqual({
      ...missing,
      message: missing?.message.replace('con_00000000000000000000000000', 'ID'),
    });
    expect(others?.extensions).toEqual({ code: 'NOT_FOUND', field: 'referredByContactId' });
  });

  it('is for students: a coach is FORBIDDEN', async () => {
    const { data, errors } = await gql(coach, ['COACH'], ADD, { input: { name: 'X', source: 'COLD' } });
    expect(data).toBeNull();
    expect(errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });
});

describe("a student's own contacts, changed", () => {
  const UPDATE = `mutation ($input: UpdateContactDetailsInput!) {
    updateContactDetails(input: $input) { contact { id name title company email archived } }
  }`;
  const ARCHIVE = `mutation ($input: ArchiveContactInput!) { archiveContact(input: $input) { contact { id archived } } }`;
  const add = async (student: string, name: string) =>
    (await gql(student, ['STUDENT'], ADD, { input: { name, company: 'Acme', source: 'ALUMNI' } })).data.addContact
      .contact.id as string;

  it('updates only the details given, clears one given as null, then archives', async () => {
    const id = await add(ada, 'Sam Roe');
    const updated = await gql(ada, ['STUDENT'], UPDATE, {
      input: { contactId: id, title: 'Process engineer', company: null, email: 'sam@roe.example' },
    });
    expect(updated.errors).toBeUndefined();
    expect(updated.data.updateContactDetails.contact).toEqual({
      id,
      name: 'Sam Roe',
      title: 'Process engineer',
      company: null,
      email: 'sam@roe.example',
      archived: false,
    });
    const archived = await gql(ada, ['STUDENT'], ARCHIVE, { input: { contactId: id, reason: 'moved abroad' } });
    expect(archived.data.archiveContact.contact).toEqual({ id, archived: true });
    const after = await gql(ada, ['STUDENT'], UPDATE, { input: { contactId: id, title: 'Manager' } });
    expect(after.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'INVALID_TRANSITION' });
  });

  it("answers another student's contact like a missing one, and changes nothing", async () => {
    const bens = await add(ben, 'Lee Poe');
    for (const [query, input] of [
      [UPDATE, { contactId: bens, name: 'Hijacked' }],
      [ARCHIVE, { contactId: bens }],
    ] as const) {
      const r = await gql(ada, ['STUDENT'], query, { input });
      expect(r.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    }
    const read = await gql(
      ben,
      ['STUDENT'],
      'query ($id: ID!) { node(id: $id) { ... on Contact { name archived } } }',
      {
        id: bens,
      },
    );
    expect(read.data.node).toEqual({ name: 'Lee Poe', archived: false });
  });
});

describe('what a student wrote, read back', () => {
  const WORDS = `query ($id: ID!) { interview(id: $id) { outreachMessage researchNotes notes { notes impressions } } }`;

  it('is the student’s alone: a coach of its cohort reads the interview but not its words', async () => {
    const cohort = await w.cohort('Words');
    await w.cohortCommand(cohort, { type: 'AssignCoach', coachId: coach }, ['COACH']);
    await w.cohortCommand(cohort, { type: 'EnrollStudent', studentId: ada });
    const contact = await w.contact(ada);
    const interview = await w.plan(ada, contact);
    await w.interview(ada, interview, { type: 'AddResearchNote', text: 'Their plant runs three shifts.' });
    await w.interview(ada, interview, {
      type: 'RecordOutreach',
      channel: 'EMAIL',
      sentAt: w.now,
      message: 'Dear Pat, Professor Lee suggested I reach out: could we talk for 20 minutes?',
    });
    const own = await gql(ada, ['STUDENT'], WORDS, { id: interview });
    expect(own.errors).toBeUndefined();
    expect(own.data.interview).toEqual({
      outreachMessage: 'Dear Pat, Professor Lee suggested I reach out: could we talk for 20 minutes?',
      researchNotes: ['Their plant runs three shifts.'],
      notes: null,
    });
    const coachs = await gql(coach, ['COACH'], WORDS, { id: interview });
    expect(coachs.errors).toBeUndefined();
    expect(coachs.data.interview).toEqual({ outreachMessage: null, researchNotes: [], notes: null });
  });
});

describe('the referral graph', () => {
  it('shows the contacts a contact led to, once the views have them', async () => {
    const from = (await gql(ada, ['STUDENT'], ADD, { input: { name: 'Root Contact', source: 'PROFESSOR' } })).data
      .addContact.contact.id as string;
    const led = await gql(ada, ['STUDENT'], ADD, {
      input: { name: 'Led To', source: 'REFERRAL', referredByContactId: from },
    });
    expect(led.errors).toBeUndefined();
    expect((await w.projector().consume(await w.records())).failed).toEqual([]);
    const graph = await gql(
      ada,
      ['STUDENT'],
      'query ($id: ID!) { node(id: $id) { ... on Contact { referrals { name referredBy { name } } } } }',
      { id: from },
    );
    expect(graph.data.node.referrals).toEqual([{ name: 'Led To', referredBy: { name: 'Root Contact' } }]);
    const other = await gql(ben, ['STUDENT'], 'query ($id: ID!) { node(id: $id) { id } }', { id: from });
    expect(other.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });
});
