import { streamRef } from '@app/event-store';
import { testDb } from '@app/testing';
import { World } from '@app/views/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { memberRolesFrom } from './members.ts';
import { type GqlResult, testApi } from './testApi.ts';

// What a university's admin does to its people beyond inviting them: remove a member, change its
// roles, archive a cohort, list the members by role.

let w: World;
let other: World;
let gql: Awaited<ReturnType<typeof testApi>>['gql'];
const p = { admin: '', otherAdmin: '', coach: '', student: '', foreign: '' };

const MEMBER = 'member { id roles status }';
const REMOVE = `mutation ($input: RemoveMemberInput!) { removeMember(input: $input) { ${MEMBER} } }`;
const ROLES = `mutation ($input: ChangeMemberRolesInput!) { changeMemberRoles(input: $input) { ${MEMBER} } }`;
const ARCHIVE = `mutation ($input: ArchiveCohortInput!) { archiveCohort(input: $input) { cohort { id name archived } } }`;
const ASSIGN = `mutation ($input: AssignCoachInput!) { assignCoach(input: $input) { cohort { id } } }`;
const VIEWER = '{ viewer { userId } }';

const asAdmin = (query: string, input: Record<string, unknown>) => gql(p.admin, ['TENANT_ADMIN'], query, { input });
const code = (r: GqlResult) => r.errors?.[0]?.extensions.code;
const events = async (world: World, type: string, id: string) =>
  (await world.store.readStream(streamRef(world.tenantId, type, id))).map((e) => e.type);

beforeAll(async () => {
  w = new World(testDb());
  await w.provision();
  p.admin = await w.member(['TENANT_ADMIN']);
  p.otherAdmin = await w.member(['TENANT_ADMIN']);
  p.coach = await w.member(['COACH']);
  p.student = await w.member(['STUDENT']);
  // another university on the same tables, with a member of its own
  other = new World(w.db);
  await other.provision('Other University');
  p.foreign = 'usr_FOREIGN_MEMBER';
  await other.memberCommand(p.foreign, {
    type: 'InviteMember',
    email: 'foreign@other.test',
    name: 'Foreign',
    roles: ['STUDENT'],
  });
  ({ gql } = await testApi(w));
});

describe('removeMember', () => {
  it('removes a member: its roles read as none, and a server that had not cached them refuses its token', async () => {
    const student = await w.member(['STUDENT']);
    expect((await gql(student, ['STUDENT'], VIEWER)).errors).toBeUndefined();
    const removed = await asAdmin(REMOVE, { memberId: student, reason: 'left the program', idempotencyKey: 'rm-1' });
    expect(removed.errors).toBeUndefined();
    expect(removed.data.removeMember.member).toEqual({ id: student, roles: ['STUDENT'], status: 'REMOVED' });
    expect(await memberRolesFrom(w.store)(w.tenantId, student)).toBeNull();
    const fresh = await testApi(w);
    expect(code(await fresh.gql(student, ['STUDENT'], VIEWER))).toBe('UNAUTHENTICATED');

    // the same key again answers as the first call, recording nothing more; with another request it is a conflict
    const again = await asAdmin(REMOVE, { memberId: student, reason: 'left the program', idempotencyKey: 'rm-1' });
    expect(again).toEqual(removed);
    const reused = await asAdmin(REMOVE, { memberId: student, reason: 'something else', idempotencyKey: 'rm-1' });
    expect(code(reused)).toBe('CONFLICT');
    expect(await events(w, 'Member', student)).toEqual(['MemberInvited', 'MemberRemoved']);
  });

  it('is for admins only, and never removes the admin itself', async () => {
    for (const [user, role] of [
      [p.coach, 'COACH'],
      [p.student, 'STUDENT'],
    ] as const) {
      expect(code(await gql(user, [role], REMOVE, { input: { memberId: p.otherAdmin } }))).toBe('FORBIDDEN');
    }
    const itself = await asAdmin(REMOVE, { memberId: p.admin });
    expect(itself.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'memberId' });
    expect(itself.errors?.[0]?.message).toMatch(/cannot remove yourself/);
    expect(await memberRolesFrom(w.store)(w.tenantId, p.admin)).toEqual(['TENANT_ADMIN']);
    expect(await memberRolesFrom(w.store)(w.tenantId, p.otherAdmin)).toEqual(['TENANT_ADMIN']);
  });

  it("answers another university's member exactly as one that does not exist, and leaves it be", async () => {
    const foreign = await asAdmin(REMOVE, { memberId: p.foreign });
    const missing = await asAdmin(REMOVE, { memberId: 'usr_NOBODY_AT_ALL' });
    expect(foreign.data).toBeNull();
    expect(foreign.errors?.[0]?.extensions).toEqual({ code: 'NOT_FOUND', field: 'memberId' });
    expect(foreign.errors?.[0]?.extensions).toEqual(missing.errors?.[0]?.extensions);
    expect(foreign.errors?.[0]?.message.replace(p.foreign, 'X')).toBe(
      missing.errors?.[0]?.message.replace('usr_NOBODY_AT_ALL', 'X'),
    );
    expect(await memberRolesFrom(other.store)(other.tenantId, p.foreign)).toEqual(['STUDENT']);
    expect(await events(w, 'Member', p.foreign)).toEqual([]);
  });
});

describe('changeMemberRoles', () => {
  it("replaces a member's roles, which its token is then checked against; a repeat records nothing more", async () => {
    const kim = await w.member(['COACH']);
    const input = { memberId: kim, roles: ['STUDENT', 'COACH'], idempotencyKey: 'roles-1' };
    const changed = await asAdmin(ROLES, input);
    expect(changed.errors).toBeUndefined();
    expect(changed.data.changeMemberRoles.member).toEqual({ id: kim, roles: ['COACH', 'STUDENT'], status: 'ACTIVE' });
    expect(await memberRolesFrom(w.store)(w.tenantId, kim)).toEqual(['COACH', 'STUDENT']);
    expect(await asAdmin(ROLES, input)).toEqual(changed);
    expect(code(await asAdmin(ROLES, { ...input, roles: ['STUDENT'] }))).toBe('CONFLICT');
    expect(await events(w, 'Member', kim)).toEqual(['MemberInvited', 'MemberRoleChanged']);
  });

  it('keeps the admin an admin, refuses the operator role, a removed member, and non-admins', async () => {
    const dropped = await asAdmin(ROLES, { memberId: p.admin, roles: ['COACH'] });
    expect(dropped.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'roles' });
    expect(dropped.errors?.[0]?.message).toMatch(/TENANT_ADMIN/);
    expect(await memberRolesFrom(w.store)(w.tenantId, p.admin)).toEqual(['TENANT_ADMIN']);
    // adding a role to itself is fine: it stays an admin
    const added = await asAdmin(ROLES, { memberId: p.admin, roles: ['TENANT_ADMIN', 'COACH'] });
    expect(added.data.changeMemberRoles.member.roles).toEqual(['TENANT_ADMIN', 'COACH']);

    expect(code(await asAdmin(ROLES, { memberId: p.coach, roles: ['PLATFORM_ADMIN'] }))).toBe('FORBIDDEN');
    const gone = await w.member(['STUDENT']);
    await w.memberCommand(gone, { type: 'RemoveMember' });
    const onRemoved = await asAdmin(ROLES, { memberId: gone, roles: ['COACH'] });
    expect(onRemoved.errors?.[0]?.extensions).toEqual({ code: 'RULE_VIOLATION', rule: 'INVALID_TRANSITION' });
    expect(code(await gql(p.coach, ['COACH'], ROLES, { input: { memberId: p.student, roles: ['COACH'] } }))).toBe(
      'FORBIDDEN',
    );
    expect(await memberRolesFrom(w.store)(w.tenantId, p.student)).toEqual(['STUDENT']);
    const foreign = await asAdmin(ROLES, { memberId: p.foreign, roles: ['COACH'] });
    expect(foreign.errors?.[0]?.extensions).toEqual({ code: 'NOT_FOUND', field: 'memberId' });
    expect(await memberRolesFrom(other.store)(other.tenantId, p.foreign)).toEqual(['STUDENT']);
  });
});

describe('archiveCohort', () => {
  it('archives a cohort, which then takes no more coaches; once however often retried', async () => {
    const cohort = await w.cohort('Summer');
    const input = { cohortId: cohort, reason: 'term over', idempotencyKey: 'arch-1' };
    const archived = await asAdmin(ARCHIVE, input);
    expect(archived.errors).toBeUndefined();
    expect(archived.data.archiveCohort.cohort).toEqual({ id: cohort, name: 'Summer', archived: true });
    expect(await asAdmin(ARCHIVE, input)).toEqual(archived);
    expect(code(await asAdmin(ARCHIVE, { ...input, reason: 'other' }))).toBe('CONFLICT');
    expect(await events(w, 'Cohort', cohort)).toEqual(['CohortCreated', 'CohortArchived']);
    const assign = await asAdmin(ASSIGN, { cohortId: cohort, coachId: p.coach });
    expect(assign.errors?.[0]?.extensions).toEqual({ code: 'RULE_VIOLATION', rule: 'INVALID_TRANSITION' });
  });

  it("is for admins; another university's cohort answers as a missing one", async () => {
    const cohort = await w.cohort('Winter');
    expect(code(await gql(p.coach, ['COACH'], ARCHIVE, { input: { cohortId: cohort } }))).toBe('FORBIDDEN');
    const theirs = await other.cohort('Theirs');
    const foreign = await asAdmin(ARCHIVE, { cohortId: theirs });
    const missing = await asAdmin(ARCHIVE, { cohortId: 'coh_00000000000000000000000000' });
    expect(code(foreign)).toBe('NOT_FOUND');
    expect(foreign.errors?.[0]?.extensions).toEqual(missing.errors?.[0]?.extensions);
    expect(await events(w, 'Cohort', cohort)).toEqual(['CohortCreated']);
    expect(await events(other, 'Cohort', theirs)).toEqual(['CohortCreated']);
  });
});
