import { testDb } from '@app/testing';
import { World } from '@app/views/fixtures';
import { expect, it } from 'vitest';
import { memberRolesFrom } from './members.ts';

it("reads a member's roles from its stream: as invited, as changed, and none once removed or never a member", async () => {
  const w = new World(testDb());
  await w.provision();
  const roles = memberRolesFrom(w.store);
  const kim = await w.member(['COACH', 'STUDENT']);
  expect(await roles(w.tenantId, kim)).toEqual(['COACH', 'STUDENT']);
  await w.memberCommand(kim, { type: 'ChangeMemberRoles', roles: ['COACH'] });
  expect(await roles(w.tenantId, kim)).toEqual(['COACH']);
  await w.memberCommand(kim, { type: 'RemoveMember' });
  expect(await roles(w.tenantId, kim)).toBeNull();
  expect(await roles(w.tenantId, 'usr_nobody')).toBeNull();
  // the same user id in another tenant is not a member there
  expect(await roles(new World(w.db).tenantId, kim)).toBeNull();
});
