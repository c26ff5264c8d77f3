import { streamRef } from '@app/event-store';
import { testDb } from '@app/testing';
import { World } from '@app/views/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from './testApi.ts';

let w: World;
let admin: string;
let gql: Awaited<ReturnType<typeof testApi>>['gql'];

const INVITE = `mutation ($input: InviteMemberInput!) { inviteMember(input: $input) { member { id email name roles } } }`;
const CREATE = `mutation ($input: CreateCohortInput!) { createCohort(input: $input) { cohort { id name term coaches { id } } } }`;
const ASSIGN = `mutation ($input: AssignCoachInput!) { assignCoach(input: $input) { cohort { id coaches { id name } } } }`;
const ENROL = `mutation ($input: EnrollStudentInput!) { enrollStudent(input: $input) { cohort { id } } }`;
const WITHDRAW = `mutation ($input: WithdrawStudentInput!) { withdrawStudent(input: $input) { cohort { id } } }`;

const invite = async (email: string, role: string) =>
  (await gql(admin, ['TENANT_ADMIN'], INVITE, { input: { email, name: `Someone ${email}`, role } })).data.inviteMember
    .member;

beforeAll(async () => {
  w = new World(testDb());
  await w.provision();
  admin = await w.member(['TENANT_ADMIN']);
  ({ gql } = await testApi(w));
});

describe('members and cohorts', () => {
  it("sets up a cohort: invites, coach, enrolment — and stamps the student's later events with it", async () => {
    const coach = await invite('coach@uni.example', 'COACH');
    const student = await invite('student@uni.example', 'STUDENT');
    expect(coach).toMatchObject({ email: 'coach@uni.example', roles: ['COACH'] });
    // inviting the same email again names the same user and records nothing new
    const again = await gql(admin, ['TENANT_ADMIN'], INVITE, {
      input: { email: 'Coach@Uni.example', name: 'C', role: 'COACH' },
    });
    expect(again.errors).toBeUndefined();
    expect(again.data.inviteMember.member.id).toBe(coach.id);
    expect(await w.store.readStream(streamRef(w.tenantId, 'Member', coach.id))).toHaveLength(1);

    const cohort = (await gql(admin, ['TENANT_ADMIN'], CREATE, { input: { name: 'Fall careers', term: '2026F' } })).data
      .createCohort.cohort;
    expect(cohort).toMatchObject({ name: 'Fall careers', term: '2026F', coaches: [] });
    const assigned = await gql(admin, ['TENANT_ADMIN'], ASSIGN, { input: { cohortId: cohort.id, coachId: coach.id } });
    expect(assigned.data.assignCoach.cohort.coaches).toEqual([{ id: coach.id, name: 'Someone coach@uni.example' }]);
    expect(
      (await gql(admin, ['TENANT_ADMIN'], ENROL, { input: { cohortId: cohort.id, studentId: student.id } })).errors,
    ).toBeUndefined();

    const added = await gql(
      student.id,
      ['STUDENT'],
      'mutation { addContact(input: { name: "Pat", source: ALUMNI }) { contact { id } } }',
    );
    const contactId = added.data.addContact.contact.id;
    const [event] = await w.store.readStream(streamRef(w.tenantId, 'Contact', contactId));
    expect(event?.meta.cohorts).toEqual([cohort.id]);

    // withdrawn: later events count for no cohort
    await gql(admin, ['TENANT_ADMIN'], WITHDRAW, { input: { cohortId: cohort.id, studentId: student.id } });
    const later = await gql(
      student.id,
      ['STUDENT'],
      'mutation { addContact(input: { name: "Lee", source: FRIEND }) { contact { id } } }',
    );
    const [after] = await w.store.readStream(streamRef(w.tenantId, 'Contact', later.data.addContact.contact.id));
    expect(after?.meta.cohorts).toEqual([]);
  });

  it('is for admins: coaches and students are FORBIDDEN, and nothing is written', async () => {
    const coach = await invite('coach2@uni.example', 'COACH');
    const student = await invite('student2@uni.example', 'STUDENT');
    const asCoach = await gql(coach.id, ['COACH'], CREATE, { input: { name: 'Mine' } });
    expect(asCoach.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const asStudent = await gql(student.id, ['STUDENT'], INVITE, {
      input: { email: 'x@uni.example', name: 'X', role: 'TENANT_ADMIN' },
    });
    expect(asStudent.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });

  it('refuses to enrol a coach as a student, or into a cohort that does not exist', async () => {
    const coach = await invite('coach3@uni.example', 'COACH');
    const cohort = (await gql(admin, ['TENANT_ADMIN'], CREATE, { input: { name: 'Spring' } })).data.createCohort.cohort;
    const wrongRole = await gql(admin, ['TENANT_ADMIN'], ENROL, {
      input: { cohortId: cohort.id, studentId: coach.id },
    });
    expect(wrongRole.errors?.[0]?.extensions.code).toMatch(/RULE_VIOLATION|BAD_USER_INPUT/);
    const missing = await gql(admin, ['TENANT_ADMIN'], ENROL, {
      input: { cohortId: 'coh_00000000000000000000000000', studentId: coach.id },
    });
    expect(missing.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });
});
