import type { DevIssuer, Role } from '@app/api';
import type { TenantId } from '@app/core';
import { expect } from 'vitest';
import { expectOk, type Gql } from './harness.ts';

// A university as its operator and admin set it up over the API: provisioned (with its first
// admin), a coach and two students invited, one cohort with the coach assigned and both
// students enrolled. Everyone signs in with a token of the dev issuer.

/** A member of a university, signed in. */
export interface Person {
  readonly id: string;
  readonly role: Exclude<Role, 'PLATFORM_ADMIN'>;
  readonly token: string;
}

export interface University {
  readonly tenantId: string;
  readonly slug: string;
  readonly admin: Person;
  readonly coach: Person;
  readonly students: readonly [Person, Person];
  readonly cohortId: string;
}

const PROVISION = `mutation ($input: ProvisionTenantInput!) {
  provisionTenant(input: $input) { tenant { id slug status } admin { id roles } }
}`;
const INVITE = 'mutation ($input: InviteMemberInput!) { inviteMember(input: $input) { member { id roles } } }';
const CREATE_COHORT = 'mutation ($input: CreateCohortInput!) { createCohort(input: $input) { cohort { id } } }';
const ASSIGN = 'mutation ($input: AssignCoachInput!) { assignCoach(input: $input) { cohort { coaches { id } } } }';
const ENROL = 'mutation ($input: EnrollStudentInput!) { enrollStudent(input: $input) { cohort { id } } }';

export const setUpUniversity = async (
  gql: Gql,
  // only its tokens: a dev server in a process of its own signs them through `POST /dev/token`
  issuer: Pick<DevIssuer, 'token'>,
  operatorToken: string,
  { name, slug }: { name: string; slug: string },
): Promise<University> => {
  const domain = `${slug}.example`;
  const provisioned = expectOk(
    await gql(operatorToken, PROVISION, {
      input: { name, slug, adminEmail: `admin@${domain}`, adminName: `${name} Admin`, idempotencyKey: slug },
    }),
  ).provisionTenant;
  expect(provisioned.tenant).toMatchObject({ slug, status: 'ACTIVE' });
  expect(provisioned.admin.roles).toEqual(['TENANT_ADMIN']);
  const tenantId = provisioned.tenant.id as TenantId;
  const signIn = async (id: string, role: Person['role']): Promise<Person> => ({
    id,
    role,
    token: await issuer.token({ sub: id, roles: [role], tenantId }),
  });
  const admin = await signIn(provisioned.admin.id, 'TENANT_ADMIN');
  const invite = async (local: string, role: 'COACH' | 'STUDENT') => {
    const input = { email: `${local}@${domain}`, name: `${local} of ${name}`, role };
    const { member } = expectOk(await gql(admin.token, INVITE, { input })).inviteMember;
    expect(member.roles).toEqual([role]);
    return signIn(member.id, role);
  };
  const coach = await invite('coach', 'COACH');
  const students = [await invite('student1', 'STUDENT'), await invite('student2', 'STUDENT')] as const;

  const cohortId = expectOk(await gql(admin.token, CREATE_COHORT, { input: { name: 'Fall careers', term: '2026F' } }))
    .createCohort.cohort.id as string;
  const assigned = expectOk(await gql(admin.token, ASSIGN, { input: { cohortId, coachId: coach.id } }));
  expect(assigned.assignCoach.cohort.coaches).toEqual([{ id: coach.id }]);
  for (const student of students) {
    expectOk(await gql(admin.token, ENROL, { input: { cohortId, studentId: student.id } }));
  }
  return { tenantId, slug, admin, coach, students, cohortId };
};
