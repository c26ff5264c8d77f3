import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TenantId } from '@app/core';
import { testDb } from '@app/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from './api.ts';

let server: ApiServer;
const dir = mkdtempSync(join(tmpdir(), 'dev-api-'));
const issuerKeyFile = join(dir, 'issuer.jwk');

const post = async (token: string, query: string) => {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: await response.json() };
};

beforeAll(async () => {
  const db = testDb();
  server = await startApiServer({ ...db, masterKeyFile: join(dir, 'master.key'), issuerKeyFile, port: 0 });
});
afterAll(() => server.stop());

it('serves the API over HTTP: the operator provisions a university, whose admin then signs in to it', async () => {
  const operator = await server.issuer.token({ sub: 'usr_op', roles: ['PLATFORM_ADMIN'] });
  const provisioned = await post(
    operator,
    'mutation { provisionTenant(input: { name: "Dev U", slug: "dev-u", adminEmail: "a@dev.example", adminName: "Ada Admin" }) { tenant { id } admin { id } } }',
  );
  expect(provisioned.status).toBe(200);
  const { tenant, admin } = provisioned.body.data.provisionTenant;
  const adminToken = await server.issuer.token({
    sub: admin.id,
    roles: ['TENANT_ADMIN'],
    tenantId: tenant.id as TenantId,
  });
  expect((await post(adminToken, '{ tenant { name slug } }')).body.data.tenant).toEqual({
    name: 'Dev U',
    slug: 'dev-u',
  });
  expect((await fetch(server.url.replace('/graphql', '/health'))).status).toBe(200);
});

it('keeps its issuer key, so tokens survive a restart', async () => {
  const token = await server.issuer.token({ sub: 'usr_op', roles: ['PLATFORM_ADMIN'] });
  await server.stop();
  server = await startApiServer({ ...testDb(), masterKeyFile: join(dir, 'master.key'), issuerKeyFile, port: 0 });
  expect((await post(token, '{ viewer { userId } }')).body.data.viewer.userId).toBe('usr_op');
});
