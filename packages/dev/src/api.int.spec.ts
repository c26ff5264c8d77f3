import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonLogger } from '@app/api';
import type { TenantId } from '@app/core';
import { testDb } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from './api.ts';

let server: ApiServer;
const quiet = { info: () => {}, error: jsonLogger.error };
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
  server = await startApiServer({
    ...db,
    masterKeyFile: join(dir, 'master.key'),
    issuerKeyFile,
    port: 0,
    logger: quiet,
  });
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
  server = await startApiServer({
    ...testDb(),
    masterKeyFile: join(dir, 'master.key'),
    issuerKeyFile,
    port: 0,
    logger: quiet,
  });
  expect((await post(token, '{ viewer { userId } }')).body.data.viewer.userId).toBe('usr_op');
});

describe('the dev routes', () => {
  const devToken = (body: unknown) =>
    fetch(server.url.replace('/graphql', '/dev/token'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('signs a token for the claims given, which the API then checks like any other', async () => {
    const operator = await devToken({ sub: 'usr_op', roles: ['PLATFORM_ADMIN'] });
    expect(operator.status).toBe(200);
    const { token } = (await operator.json()) as { token: string };
    expect((await post(token, '{ viewer { userId roles } }')).body.data.viewer).toEqual({
      userId: 'usr_op',
      roles: ['PLATFORM_ADMIN'],
    });
    // a token for someone who is no member of the tenant signs, but does not get in
    const stranger = await devToken({
      sub: 'usr_nobody',
      tenant_id: 'ten_01K0000000000000000000000A',
      roles: ['STUDENT'],
    });
    const answer = await post(((await stranger.json()) as { token: string }).token, '{ viewer { userId } }');
    expect(answer.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('names what is wrong with a request it cannot sign', async () => {
    const cases: [unknown, RegExp][] = [
      ['{"sub": ', /not JSON/],
      [{ roles: ['STUDENT'], tenant_id: 'ten_01K0000000000000000000000A' }, /^sub:/],
      [{ sub: 'usr_a', roles: ['JANITOR'], tenant_id: 'ten_01K0000000000000000000000A' }, /^roles\.0:/],
      [{ sub: 'usr_a', roles: ['STUDENT'] }, /^tenant_id: required/],
      [
        { sub: 'usr_a', roles: ['PLATFORM_ADMIN'], tenant_id: 'ten_01K0000000000000000000000A' },
        /^tenant_id: an operator/,
      ],
      [
        { sub: 'usr_a', roles: ['STUDENT'], tenant_id: 'university-1' },
        /^tenant_id: "university-1" is not a tenant id/,
      ],
    ];
    for (const [body, message] of cases) {
      const response = await devToken(body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(message);
    }
    expect((await fetch(server.url.replace('/graphql', '/dev/token'))).status).toBe(405);
  });
});

it('answers /health with 503 until what it stands on runs', async () => {
  let healthy = false;
  const starting = await startApiServer({
    ...testDb(),
    masterKeyFile: join(dir, 'master.key'),
    issuerKeyFile,
    port: 0,
    logger: quiet,
    healthy: () => healthy,
  });
  try {
    const health = () => fetch(starting.url.replace('/graphql', '/health'));
    expect((await health()).status).toBe(503);
    healthy = true;
    expect((await health()).status).toBe(200);
  } finally {
    await starting.stop();
  }
});
