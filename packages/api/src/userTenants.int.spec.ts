import { createHash } from 'node:crypto';
import { PLATFORM, type TenantId } from '@app/core';
import { newTenantId, streamRef } from '@app/event-store';
import { testDb } from '@app/testing';
import { World } from '@app/views/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from './auth.ts';
import type { Application } from './context.ts';
import type { Identities } from './people.ts';
import { testApi, worldApplication } from './testApi.ts';
import { recordUserTenant, tenantOfUser } from './userTenants.ts';

// The `_platform` sub → tenant map: written where members join (provisioning's first admin, an
// invitation), read by the pre-token trigger. Identities here behave as Cognito's do: one user
// per email across the whole pool, whichever university invites it.

const cognitoLike: Identities = {
  async userFor(_tenantId, email) {
    const h = createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  },
  async forget() {},
};

let w: World;
let app: Application;
let mapped: (sub: string) => Promise<TenantId | null>;
const operator: Caller = { userId: 'usr_operator', roles: ['PLATFORM_ADMIN'], tenantId: null };
const adminOf = (tenantId: string, userId: string): Caller => ({
  userId,
  roles: ['TENANT_ADMIN'],
  tenantId: tenantId as TenantId,
});

const provision = (slug: string, adminEmail: string) =>
  app.tenants.provision(operator, {
    name: `University ${slug}`,
    slug,
    adminEmail,
    adminName: 'An Admin',
    idempotencyKey: `provision-${slug}`,
  });

beforeAll(() => {
  w = new World(testDb());
  app = worldApplication(w, { identities: cognitoLike });
  mapped = tenantOfUser(w.store);
});

describe('the sub → tenant map', () => {
  it("records the first admin's university and each invited member's, once however often retried", async () => {
    const { tenant, admin } = await provision('north-u', 'admin@north.example');
    expect(await mapped(admin.id)).toBe(tenant.id);
    // provisioning retried: the same tenant and admin, and still one entry
    const again = await provision('north-u', 'admin@north.example');
    expect(again.admin.id).toBe(admin.id);

    const coach = await app.people.invite(adminOf(tenant.id, admin.id), {
      email: 'coach@north.example',
      name: 'Cora Coach',
      role: 'COACH',
    });
    expect(await mapped(coach.id)).toBe(tenant.id);
    const reinvited = await app.people.invite(adminOf(tenant.id, admin.id), {
      email: 'Coach@North.example',
      name: 'Cora Coach',
      role: 'COACH',
    });
    expect(reinvited.id).toBe(coach.id);
    for (const sub of [admin.id, coach.id]) {
      expect(await w.store.guardsIn(PLATFORM, 'TenantOfUser', sub)).toEqual([tenant.id]);
    }
  });

  it('refuses a user another university holds (CONFLICT on the email), writing nothing for the second', async () => {
    const north = await provision('north-2', 'admin@north2.example');
    const student = await app.people.invite(adminOf(north.tenant.id, north.admin.id), {
      email: 'sam@shared.example',
      name: 'Sam',
      role: 'STUDENT',
    });
    const south = await provision('south-2', 'admin@south2.example');

    const refused = app.people.invite(adminOf(south.tenant.id, south.admin.id), {
      email: 'sam@shared.example',
      name: 'Sam',
      role: 'STUDENT',
    });
    await expect(refused).rejects.toMatchObject({ extensions: { code: 'CONFLICT', field: 'email' } });
    expect(await w.store.readStream(streamRef(south.tenant.id as TenantId, 'Member', student.id))).toEqual([]);
    expect(await mapped(student.id)).toBe(north.tenant.id);

    // nor can a new university take that user as its first admin
    await expect(provision('west-2', 'sam@shared.example')).rejects.toMatchObject({
      extensions: { code: 'CONFLICT' },
    });
    expect(await mapped(student.id)).toBe(north.tenant.id);
  });

  it('gives a user claimed by two universities at once to exactly one of them', async () => {
    const [a, b] = [newTenantId(), newTenantId()];
    const sub = '0f1e2d3c-4b5a-4968-8776-655443322110';
    const results = await Promise.allSettled([recordUserTenant(w.store, sub, a), recordUserTenant(w.store, sub, b)]);
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [[a, b][i]] : []));
    expect(won).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({
      reason: { extensions: { code: 'CONFLICT' } },
    });
    expect(await mapped(sub)).toBe(won[0]);
    expect(await w.store.guardsIn(PLATFORM, 'TenantOfUser', sub)).toEqual([won[0]]);
    // the winner again: nothing to do
    await expect(recordUserTenant(w.store, sub, won[0] as TenantId)).resolves.toBeUndefined();
  });

  it('reads no tenant for a user no university invited, nor for an id no user can have', async () => {
    expect(await mapped('11111111-2222-4333-8444-555555555555')).toBeNull();
    expect(await mapped('a#b')).toBeNull();
    expect(await mapped('')).toBeNull();
  });

  it('is written by the GraphQL inviteMember mutation too', async () => {
    const world = new World(w.db);
    await world.provision();
    const admin = await world.member(['TENANT_ADMIN']);
    const { gql } = await testApi(world);
    const invited = await gql(
      admin,
      ['TENANT_ADMIN'],
      'mutation ($input: InviteMemberInput!) { inviteMember(input: $input) { member { id } } }',
      { input: { email: 'new@uni.example', name: 'New Student', role: 'STUDENT' } },
    );
    expect(invited.errors).toBeUndefined();
    expect(await mapped(invited.data.inviteMember.member.id)).toBe(world.tenantId);
  });
});
