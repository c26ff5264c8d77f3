import type { TenantId } from '@app/core';
import { testDb } from '@app/testing';
import { World } from '@app/views/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from './testApi.ts';

let w: World;
let api: Awaited<ReturnType<typeof testApi>>;

const PROVISION = `mutation ($input: ProvisionTenantInput!) {
  provisionTenant(input: $input) { tenant { id name slug status policy { followUpAfterDays } } admin { id email roles } }
}`;

beforeAll(async () => {
  w = new World(testDb());
  await w.provision();
  api = await testApi(w);
});

describe('tenants', () => {
  it('lets the operator provision a university with its first admin, once however often retried', async () => {
    const input = {
      name: 'North University',
      slug: 'north-u',
      adminEmail: 'admin@north.example',
      adminName: 'Ann Admin',
      idempotencyKey: 'north-1',
    };
    const first = await api.gql('usr_operator', ['PLATFORM_ADMIN'], PROVISION, { input });
    expect(first.errors).toBeUndefined();
    const { tenant, admin } = first.data.provisionTenant;
    expect(tenant).toMatchObject({ name: 'North University', slug: 'north-u', status: 'ACTIVE' });
    expect(tenant.id).toMatch(/^ten_[0-9A-Z]{26}$/);
    expect(admin).toMatchObject({ email: 'admin@north.example', roles: ['TENANT_ADMIN'] });
    const again = await api.gql('usr_operator', ['PLATFORM_ADMIN'], PROVISION, { input });
    expect(again.data.provisionTenant.tenant.id).toBe(tenant.id);

    // the new admin signs in to its own tenant and tunes the policy
    const token = await api.issuer.token({ sub: admin.id, roles: ['TENANT_ADMIN'], tenantId: tenant.id as TenantId });
    const response = await api.api.fetch('http://api.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query:
          'mutation { updateTenantPolicy(input: { policy: { followUpAfterDays: 5, dayCounting: BUSINESS } }) { tenant { id policy { followUpAfterDays dayCounting version } } } }',
      }),
    });
    const body = await response.json();
    expect(body.data.updateTenantPolicy.tenant).toEqual({
      id: tenant.id,
      policy: { followUpAfterDays: 5, dayCounting: 'BUSINESS', version: 2 },
    });
  });

  it('is for the operator alone; a policy out of bounds names its field', async () => {
    const admin = await w.member(['TENANT_ADMIN']);
    const refused = await api.gql(admin, ['TENANT_ADMIN'], PROVISION, {
      input: { name: 'X', slug: 'x', adminEmail: 'a@x.example', adminName: 'A' },
    });
    expect(refused.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const bad = await api.gql(
      admin,
      ['TENANT_ADMIN'],
      'mutation { updateTenantPolicy(input: { policy: { followUpAfterDays: -3 } }) { tenant { id } } }',
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const mine = await api.gql(admin, ['TENANT_ADMIN'], '{ tenant { id name } }');
    expect(mine.data.tenant).toEqual({ id: w.tenantId, name: 'Test University' });
  });
});
