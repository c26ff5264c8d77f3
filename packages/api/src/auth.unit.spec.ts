import { newTenantId } from '@app/event-store';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { Authenticator, type Caller, type MemberRoles, type Role } from './auth.ts';
import { DEV_ISSUER, DevIssuer } from './devIssuer.ts';

const tenant = newTenantId();
const other = newTenantId();
const ADA = 'usr_ada';

let issuer: DevIssuer;
/** Members as their streams would say: Ada a student of `tenant`; Kim removed. */
let members: Map<string, readonly Role[]>;
const memberRoles: MemberRoles = async (t, user) => members.get(`${t}/${user}`) ?? null;

beforeAll(async () => {
  issuer = await DevIssuer.create();
});

const auth = (options: { cacheMs?: number } = {}) => {
  members = new Map([[`${tenant}/${ADA}`, ['STUDENT']]]);
  return new Authenticator(issuer.rules(), memberRoles, options);
};

const refusal = async (authenticator: Authenticator, header: string | undefined) => {
  const error = await authenticator.authenticate(header).then(
    () => null,
    (e: unknown) => e as { code?: string; message: string },
  );
  expect(error?.code).toBe('UNAUTHENTICATED');
  return error?.message;
};

const bearer = async (claims: Parameters<DevIssuer['token']>[0]) => `Bearer ${await issuer.token(claims)}`;

describe('authenticating a caller', () => {
  it('accepts an access token of a member holding the roles it claims, the tenant from the token', async () => {
    const caller: Caller = await auth().authenticate(await bearer({ sub: ADA, roles: ['STUDENT'], tenantId: tenant }));
    expect(caller).toEqual({ userId: ADA, roles: ['STUDENT'], tenantId: tenant });
  });

  it("trusts the operator's token from its signature: no tenant, no membership", async () => {
    const caller = await auth().authenticate(await bearer({ sub: 'usr_op', roles: ['PLATFORM_ADMIN'] }));
    expect(caller).toEqual({ userId: 'usr_op', roles: ['PLATFORM_ADMIN'], tenantId: null });
  });

  it('refuses a missing or malformed Authorization header', async () => {
    const a = auth();
    expect(await refusal(a, undefined)).toMatch(/no Authorization header/);
    expect(await refusal(a, 'Basic abc')).toMatch(/Bearer/);
    expect(await refusal(a, 'Bearer not.a.jwt')).toMatch(/could not be verified/);
  });

  it('refuses expired tokens, other issuers, other clients, non-access tokens', async () => {
    const a = auth();
    const base = { sub: ADA, roles: ['STUDENT'] as Role[], tenantId: tenant };
    expect(await refusal(a, await bearer({ ...base, expiresIn: -120 }))).toMatch(/expired/);
    expect(await refusal(a, await bearer({ ...base, extra: { iss: 'https://evil.example' } }))).toMatch(/verified/);
    expect(await refusal(a, await bearer({ ...base, extra: { client_id: 'another-app' } }))).toMatch(/another client/);
    expect(await refusal(a, await bearer({ ...base, extra: { token_use: 'id' } }))).toMatch(/not an access token/);
  });

  it('refuses an unsigned token (alg none), a tampered one, and one signed by another key', async () => {
    const a = auth();
    const good = await issuer.token({ sub: ADA, roles: ['STUDENT'], tenantId: tenant });
    const [header, payload, signature] = good.split('.') as [string, string, string];
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    expect(await refusal(a, `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`)).toMatch(/verified/);
    // the same signature over claims that now say TENANT_ADMIN
    const forged = b64({ ...claims, roles: ['TENANT_ADMIN'] });
    expect(await refusal(a, `Bearer ${header}.${forged}.${signature}`)).toMatch(/verified/);
    const stranger = await DevIssuer.create();
    expect(
      await refusal(a, `Bearer ${await stranger.token({ sub: ADA, roles: ['STUDENT'], tenantId: tenant })}`),
    ).toMatch(/verified/);
    // a symmetric key the verifier never accepts, even with the right issuer
    const hs = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(DEV_ISSUER)
      .sign(new TextEncoder().encode('a shared secret of some length'));
    expect(await refusal(a, `Bearer ${hs}`)).toMatch(/verified/);
  });

  it('refuses a tenant token without tenant_id, a tenant id of the wrong shape, and unknown roles', async () => {
    const a = auth();
    expect(await refusal(a, await bearer({ sub: ADA, roles: ['STUDENT'] }))).toMatch(/no tenant/);
    expect(await refusal(a, await bearer({ sub: ADA, roles: ['STUDENT'], extra: { tenant_id: 'uni' } }))).toMatch(
      /no tenant/,
    );
    expect(
      await refusal(a, await bearer({ sub: ADA, roles: ['STUDENT'], tenantId: tenant, extra: { roles: ['ROOT'] } })),
    ).toMatch(/role/);
    expect(await refusal(a, await bearer({ sub: 'usr_op', roles: ['PLATFORM_ADMIN'], tenantId: tenant }))).toMatch(
      /operator/,
    );
  });

  it('refuses a user who is not a member of the tenant named, or claims a role it does not hold', async () => {
    const a = auth();
    expect(await refusal(a, await bearer({ sub: ADA, roles: ['STUDENT'], tenantId: other }))).toMatch(/not a member/);
    expect(await refusal(a, await bearer({ sub: 'usr_kim', roles: ['STUDENT'], tenantId: tenant }))).toMatch(
      /not a member/,
    );
    expect(await refusal(a, await bearer({ sub: ADA, roles: ['STUDENT', 'COACH'], tenantId: tenant }))).toMatch(
      /does not hold/,
    );
  });

  it('sees a removed member as removed once its cached roles expire', async () => {
    const a = auth({ cacheMs: 0 });
    const token = await bearer({ sub: ADA, roles: ['STUDENT'], tenantId: tenant });
    await a.authenticate(token);
    members.delete(`${tenant}/${ADA}`);
    expect(await refusal(a, token)).toMatch(/not a member/);
  });
});
