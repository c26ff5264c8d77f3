import { type EventStore, streamRef } from '@app/event-store';
import { testDb } from '@app/testing';
import { World } from '@app/views/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from './auth.ts';
import { type Identities, localIdentities } from './people.ts';
import { type GqlResult, testApi, worldApplication } from './testApi.ts';

// eraseStudentData as the API runs it (the whole path over HTTP is test/e2e/erasure.e2e): who may
// call it, what it answers for ids it must not reveal, a crash between recording the erasure and
// destroying the key, and a write for the student after it.

let w: World;
let other: World;
let gql: Awaited<ReturnType<typeof testApi>>['gql'];
const p = { admin: '', coach: '', student: '', foreign: '' };

const ERASE = `mutation ($input: EraseStudentDataInput!) {
  eraseStudentData(input: $input) { member { id name email roles status } }
}`;
const CONTACT = 'query ($id: ID!) { node(id: $id) { ... on Contact { name email } } }';
const ADD_CONTACT = `mutation ($input: AddContactInput!) { addContact(input: $input) { contact { id } } }`;

const erase = (studentId: string, idempotencyKey?: string) =>
  gql(p.admin, ['TENANT_ADMIN'], ERASE, { input: { studentId, ...(idempotencyKey && { idempotencyKey }) } });
const errorsOf = (r: GqlResult) => r.errors?.map((e) => ({ message: e.message, extensions: e.extensions }));
const memberEvents = async (id: string) =>
  (await w.store.readStream(streamRef(w.tenantId, 'Member', id))).map((e) => e.type);
/** A student with a contact of its own, whose name is personal data. */
const studentWithContact = async () => {
  const student = await w.member(['STUDENT']);
  const contact = await w.contact(student, { name: 'Pat Okafor', email: 'pat@acme.test' });
  return { student, contact };
};

beforeAll(async () => {
  w = new World(testDb());
  await w.provision();
  p.admin = await w.member(['TENANT_ADMIN']);
  p.coach = await w.member(['COACH']);
  p.student = await w.member(['STUDENT']);
  other = new World(w.db);
  await other.provision('Other University');
  p.foreign = 'usr_FOREIGN_STUDENT';
  await other.memberCommand(p.foreign, { type: 'InviteMember', email: 'f@other.test', name: 'F', roles: ['STUDENT'] });
  ({ gql } = await testApi(w));
});

describe('eraseStudentData', () => {
  it("is for admins only; another university's student answers exactly as a missing id", async () => {
    for (const [user, role] of [
      [p.coach, 'COACH'],
      [p.student, 'STUDENT'],
    ] as const) {
      const refused = await gql(user, [role], ERASE, { input: { studentId: p.student } });
      expect(refused.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    }
    const foreign = await erase(p.foreign);
    const missing = await erase('usr_NO_SUCH_STUDENT');
    expect(foreign.errors?.[0]?.extensions).toEqual({ code: 'NOT_FOUND', field: 'studentId' });
    expect(JSON.stringify(errorsOf(foreign)).replaceAll(p.foreign, '<id>')).toBe(
      JSON.stringify(errorsOf(missing)).replaceAll('usr_NO_SUCH_STUDENT', '<id>'),
    );
    // a member who is no student is no student to erase; nor is the admin itself
    expect((await erase(p.coach)).errors?.[0]?.extensions).toEqual({ code: 'NOT_FOUND', field: 'studentId' });
    expect((await erase(p.admin)).errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'studentId' });
    expect(await memberEvents(p.student)).toEqual(['MemberInvited']);
    expect(await other.store.readStream(streamRef(other.tenantId, 'Member', p.foreign))).toHaveLength(1);
  });

  it('finishes an erasure that crashed between recording it and destroying the key, on a retry', async () => {
    const { student, contact } = await studentWithContact();
    // the first attempt records the erasure, then dies before the key is destroyed
    const crashing: EventStore = Object.create(w.store);
    crashing.eraseSubject = () => Promise.reject(new Error('the process died here'));
    const admin: Caller = { userId: p.admin, roles: ['TENANT_ADMIN'], tenantId: w.tenantId };
    const crashed = worldApplication(w, { store: crashing }).people;
    await expect(crashed.eraseStudent(admin, { studentId: student, idempotencyKey: 'erase-1' })).rejects.toThrow(
      'the process died here',
    );
    expect(await memberEvents(student)).toEqual(['MemberInvited', 'MemberRemoved', 'MemberDataErased']);
    expect((await gql(p.admin, ['TENANT_ADMIN'], CONTACT, { id: contact })).data.node.name).toBe('Pat Okafor');

    // the retry runs every step again: the key, and the identity provider's user
    const forgotten: string[] = [];
    const identities: Identities = {
      ...localIdentities,
      forget: async (_tenant, id) => {
        forgotten.push(id);
      },
    };
    const people = worldApplication(w, { identities }).people;
    const retried = await people.eraseStudent(admin, { studentId: student, idempotencyKey: 'erase-1' });
    expect(forgotten).toEqual([student]);
    expect(retried).toEqual({
      id: student,
      name: '[erased]',
      email: '[erased]',
      roles: ['STUDENT'],
      status: 'ERASED',
    });
    expect(await memberEvents(student)).toEqual(['MemberInvited', 'MemberRemoved', 'MemberDataErased']);
    expect((await gql(p.admin, ['TENANT_ADMIN'], CONTACT, { id: contact })).data.node).toEqual({
      name: '[erased]',
      email: '[erased]',
    });
  });

  it('refuses, saying why, a write of personal data for the student from a token still trusted', async () => {
    const { student } = await studentWithContact();
    // the server knows the student's roles (kept for a minute): its token still passes there
    expect((await gql(student, ['STUDENT'], '{ viewer { userId } }')).errors).toBeUndefined();
    expect((await erase(student)).errors).toBeUndefined();
    const write = await gql(student, ['STUDENT'], ADD_CONTACT, { input: { name: 'Sam Lee', source: 'ALUMNI' } });
    expect(write.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', reason: 'SUBJECT_ERASED' });
    expect(write.data).toBeNull();
  });
});
