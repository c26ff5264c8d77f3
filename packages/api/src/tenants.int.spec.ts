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

  it('lists the universities for the operator, page by page, and no one else', async () => {
    const operator = (query: string, variables = {}) => api.gql('usr_operator', ['PLATFORM_ADMIN'], query, variables);
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const input = {
        name: `U${n}`,
        slug: `list-u${n}`,
        adminEmail: `a@u${n}.example`,
        adminName: 'A',
        idempotencyKey: `list-${n}`,
      };
      ids.push((await operator(PROVISION, { input })).data.provisionTenant.tenant.id);
    }
    const LIST =
      'query ($after: String) { tenants(first: 2, after: $after) { edges { cursor node { id slug } } pageInfo { hasNextPage endCursor } } }';
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const tenants: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } = (
        await operator(LIST, { after })
      ).data.tenants;
      expect(tenants.edges.length).toBeLessThanOrEqual(2);
      seen.push(...tenants.edges.map((e) => e.node.id));
      if (!tenants.pageInfo.hasNextPage) break;
      after = tenants.pageInfo.endCursor;
    }
    expect(seen).toEqual([...seen].sort());
    for (const id of ids) expect(seen).toContain(id);
    // the operator reads any tenant by its node id
    const node = await operator('query ($id: ID!) { node(id: $id) { ... on Tenant { slug } } }', { id: ids[1] });
    expect(node.data.node).toEqual({ slug: 'list-u2' });

    const admin = await w.member(['TENANT_ADMIN']);
    const refused = await api.gql(admin, ['TENANT_ADMIN'], '{ tenants { edges { node { id } } } }');
    expect(refused.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const foreign = await api.gql(admin, ['TENANT_ADMIN'], 'query ($id: ID!) { node(id: $id) { id } }', { id: ids[0] });
    expect(foreign.data.node).toBeNull();
    expect(foreign.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });

  it('keeps a slug to one university, and writes nothing for a taken or malformed slug', async () => {
    const operator = (query: string, variables = {}) => api.gql('usr_operator', ['PLATFORM_ADMIN'], query, variables);
    const count = async () =>
      (await operator('{ tenants(first: 100) { edges { node { id } } } }')).data.tenants.edges.length;
    const first = await operator(PROVISION, {
      input: { name: 'Slug U', slug: 'slug-u', adminEmail: 'a@slug.example', adminName: 'A', idempotencyKey: 'slug-1' },
    });
    expect(first.errors).toBeUndefined();
    const before = await count();
    const taken = await operator(PROVISION, {
      input: { name: 'Other', slug: 'slug-u', adminEmail: 'b@other.example', adminName: 'B', idempotencyKey: 'slug-2' },
    });
    expect(taken.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'slug' });
    expect(taken.errors?.[0]?.message).toContain('slug-u');
    const malformed = await operator(PROVISION, {
      input: { name: 'Bad', slug: 'Bad Slug!', adminEmail: 'c@bad.example', adminName: 'C', idempotencyKey: 'slug-3' },
    });
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'slug' });
    expect(await count()).toBe(before);
  });
});
