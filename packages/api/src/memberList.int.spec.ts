import { testDb } from '@app/testing';
import { World } from '@app/views/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from './testApi.ts';

// The admin's list of members, by role: ids from the views (projected here as the projector
// would), each member read from the store.

let w: World;
let gql: Awaited<ReturnType<typeof testApi>>['gql'];
const p = { admin: '', coaches: [] as string[], students: [] as string[], removed: '', foreignStudent: '' };

const MEMBERS = `query ($role: Role, $first: Int, $after: String) {
  members(role: $role, first: $first, after: $after) {
    edges { cursor node { id roles status } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;

type Members = {
  edges: { cursor: string; node: { id: string; roles: string[]; status: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
};
const members = async (variables: Record<string, unknown>, user = p.admin): Promise<Members> => {
  const r = await gql(user, ['TENANT_ADMIN'], MEMBERS, variables);
  expect(r.errors).toBeUndefined();
  return r.data.members;
};
const project = async () => expect((await w.projector().consume(await w.records())).failed).toEqual([]);

beforeAll(async () => {
  w = new World(testDb());
  await w.provision();
  p.admin = await w.member(['TENANT_ADMIN']);
  for (let i = 0; i < 2; i++) p.coaches.push(await w.member(['COACH']));
  for (let i = 0; i < 5; i++) p.students.push(await w.member(['STUDENT']));
  p.removed = await w.member(['STUDENT']);
  await w.memberCommand(p.removed, { type: 'RemoveMember' });
  // another university's student on the same tables: never listed here
  const other = new World(w.db);
  await other.provision('Other University');
  p.foreignStudent = 'usr_FOREIGN_STUDENT';
  await other.memberCommand(p.foreignStudent, {
    type: 'InviteMember',
    email: 'foreign@other.test',
    name: 'Foreign',
    roles: ['STUDENT'],
  });
  expect((await other.projector().consume(await other.records())).failed).toEqual([]);
  await project();
  ({ gql } = await testApi(w));
});

describe('members', () => {
  it("lists the university's active members in id order, of one role when asked", async () => {
    const all = await members({ first: 100 });
    expect(all.edges.map((e) => e.node.id)).toEqual([p.admin, ...p.coaches, ...p.students]);
    expect(all.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    const coaches = await members({ role: 'COACH' });
    expect(coaches.edges.map((e) => e.node)).toEqual(
      p.coaches.map((id) => ({ id, roles: ['COACH'], status: 'ACTIVE' })),
    );
    const students = (await members({ role: 'STUDENT', first: 100 })).edges.map((e) => e.node.id);
    expect(students).toEqual(p.students);
    expect(students).not.toContain(p.removed);
    expect(students).not.toContain(p.foreignStudent);
    expect((await members({ role: 'PLATFORM_ADMIN' })).edges).toEqual([]);
  });

  it('pages through a role two at a time, each member once', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    const pages: boolean[] = [];
    for (let n = 0; n < 10; n++) {
      const page = await members({ role: 'STUDENT', first: 2, after });
      expect(page.edges.length).toBeLessThanOrEqual(2);
      seen.push(...page.edges.map((e) => e.node.id));
      pages.push(page.pageInfo.hasPreviousPage);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(p.students);
    expect(pages).toEqual([false, true, true]);
    const bad = await gql(p.admin, ['TENANT_ADMIN'], MEMBERS, { first: 101 });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('follows role changes and removals through the mutations, once projected', async () => {
    const [first, second] = p.students as [string, string];
    const changed = await gql(
      p.admin,
      ['TENANT_ADMIN'],
      'mutation ($id: ID!) { changeMemberRoles(input: { memberId: $id, roles: [COACH] }) { member { id } } }',
      { id: first },
    );
    expect(changed.errors).toBeUndefined();
    const removed = await gql(
      p.admin,
      ['TENANT_ADMIN'],
      'mutation ($id: ID!) { removeMember(input: { memberId: $id }) { member { id } } }',
      { id: second },
    );
    expect(removed.errors).toBeUndefined();
    // before the views catch up, the members read from the store are left out or moved already
    const lagging = (await members({ role: 'STUDENT', first: 100 })).edges.map((e) => e.node.id);
    expect(lagging).toEqual(p.students.slice(2));
    await project();
    expect((await members({ role: 'STUDENT', first: 100 })).edges.map((e) => e.node.id)).toEqual(p.students.slice(2));
    expect((await members({ role: 'COACH', first: 100 })).edges.map((e) => e.node.id)).toEqual(
      [...p.coaches, first].sort(),
    );
  });

  it('is for admins: coaches and students are FORBIDDEN', async () => {
    for (const [user, role] of [
      [p.coaches[0] as string, 'COACH'],
      [p.students[3] as string, 'STUDENT'],
    ] as const) {
      const r = await gql(user, [role], MEMBERS, {});
      expect(r.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
      expect(r.data).toBeNull();
    }
  });
});
