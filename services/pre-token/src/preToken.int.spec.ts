import { createHash } from 'node:crypto';
import { type AppDeps, type Application, Authenticator, type Caller, DevIssuer, memberRolesFrom } from '@app/api';
import { worldApplication } from '@app/api/testing';
import type { TenantId } from '@app/core';
import { testDb } from '@app/testing';
import { World } from '@app/views/fixtures';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { claimsFor } from './preToken.ts';

// The trigger as deployed (handler.ts, configured from its environment) against DynamoDB Local,
// over members who joined through the real application (provisioning, invitations, role changes,
// removal), given events shaped as Cognito sends them.

const ENV = ['EVENTS_TABLE', 'AWS_ENDPOINT_URL_DYNAMODB', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];

type Handler = (event: PreTokenGenerationV2TriggerEvent) => Promise<PreTokenGenerationV2TriggerEvent>;

/** As Cognito's users: one per email in the pool, its sub a UUID. */
const cognitoUsers: NonNullable<AppDeps['identities']> = {
  async userFor(_tenantId, email) {
    const h = createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  },
  async forget() {},
};

/** A V2 event as Cognito sends it (JSON: nulls where the types say undefined). */
const cognitoEvent = (
  sub: string,
  options: { triggerSource?: string; groups?: string[]; version?: string } = {},
): PreTokenGenerationV2TriggerEvent =>
  JSON.parse(`{
    "version": ${JSON.stringify(options.version ?? '2')},
    "triggerSource": ${JSON.stringify(options.triggerSource ?? 'TokenGeneration_Authentication')},
    "region": "eu-west-1",
    "userPoolId": "eu-west-1_Ab12Cd34E",
    "userName": ${JSON.stringify(sub)},
    "callerContext": { "awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "5example2clientid3k1n6" },
    "request": {
      "userAttributes": {
        "sub": ${JSON.stringify(sub)},
        "cognito:user_status": "CONFIRMED",
        "email_verified": "true",
        "email": "someone@uni.example"
      },
      "groupConfiguration": {
        "groupsToOverride": ${JSON.stringify(options.groups ?? [])},
        "iamRolesToOverride": [],
        "preferredRole": null
      },
      "scopes": ["aws.cognito.signin.user.admin"]
    },
    "response": { "claimsAndScopeOverrideDetails": null }
  }`);

/** What Cognito reads back from the function (its JSON response). */
const accessClaims = (event: PreTokenGenerationV2TriggerEvent) =>
  JSON.parse(JSON.stringify(event)).response.claimsAndScopeOverrideDetails?.accessTokenGeneration
    ?.claimsToAddOrOverride as Record<string, unknown> | undefined;

let handler: Handler;
let w: World;
let app: Application;
let issuer: DevIssuer;
let authenticator: Authenticator;
const operator: Caller = { userId: 'usr_operator', roles: ['PLATFORM_ADMIN'], tenantId: null };
let north: { tenantId: TenantId; admin: string };

/** What the API makes of a token carrying the claims the trigger set. */
const callerFrom = async (sub: string, claims: Record<string, unknown>) => {
  const token = await issuer.token({ sub, roles: [], extra: claims });
  return authenticator.authenticate(`Bearer ${token}`);
};

beforeAll(async () => {
  const db = testDb();
  Object.assign(process.env, {
    EVENTS_TABLE: db.tables.events,
    AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  ({ handler } = (await import('./handler.ts')) as { handler: Handler });
  w = new World(db);
  app = worldApplication(w, { identities: cognitoUsers });
  issuer = await DevIssuer.create();
  authenticator = new Authenticator(issuer.rules(), memberRolesFrom(w.store), { cacheMs: 0 });
  const { tenant, admin } = await app.tenants.provision(operator, {
    name: 'North University',
    slug: 'north-u',
    adminEmail: 'admin@north.example',
    adminName: 'Ann Admin',
  });
  north = { tenantId: tenant.id as TenantId, admin: admin.id };
});

afterAll(() => {
  for (const name of ENV) delete process.env[name];
});

const asNorthAdmin = (): Caller => ({ userId: north.admin, roles: ['TENANT_ADMIN'], tenantId: north.tenantId });

describe('the pre-token trigger', () => {
  it('gives a member its university and its roles, as a JSON array, in the access token the API accepts', async () => {
    const student = await app.people.invite(asNorthAdmin(), {
      email: 'sam@north.example',
      name: 'Sam Student',
      role: 'STUDENT',
    });
    const event = cognitoEvent(student.id);
    const request = structuredClone(event.request);

    const result = await handler(event);

    const claims = accessClaims(result);
    expect(claims).toEqual({ tenant_id: north.tenantId, roles: ['STUDENT'] });
    expect(Array.isArray(claims?.roles)).toBe(true);
    // the ID token and the request are left as they were
    expect(result.response.claimsAndScopeOverrideDetails?.idTokenGeneration).toBeUndefined();
    expect(result.request).toEqual(request);
    expect(await callerFrom(student.id, claims ?? {})).toEqual({
      userId: student.id,
      roles: ['STUDENT'],
      tenantId: north.tenantId,
    });
  });

  it('gives the first admin provisioning created its TENANT_ADMIN role', async () => {
    const claims = accessClaims(
      await handler(cognitoEvent(north.admin, { triggerSource: 'TokenGeneration_HostedAuth' })),
    );
    expect(claims).toEqual({ tenant_id: north.tenantId, roles: ['TENANT_ADMIN'] });
  });

  it('reads the roles the member holds now on each refresh, and gives a removed member no claims', async () => {
    const coach = await app.people.invite(asNorthAdmin(), {
      email: 'cora@north.example',
      name: 'Cora Coach',
      role: 'COACH',
    });
    const refresh = () => handler(cognitoEvent(coach.id, { triggerSource: 'TokenGeneration_RefreshTokens' }));
    expect(accessClaims(await refresh())).toEqual({ tenant_id: north.tenantId, roles: ['COACH'] });

    await app.people.changeRoles(asNorthAdmin(), { memberId: coach.id, roles: ['COACH', 'TENANT_ADMIN'] });
    // in the order the member's stream keeps them
    expect(accessClaims(await refresh())).toEqual({ tenant_id: north.tenantId, roles: ['TENANT_ADMIN', 'COACH'] });

    await app.people.remove(asNorthAdmin(), { memberId: coach.id });
    const removed = await refresh();
    expect(removed.response).toEqual({ claimsAndScopeOverrideDetails: null });
  });

  it('gives the operator (group PLATFORM_ADMIN) that role alone and no tenant', async () => {
    const sub = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
    const claims = accessClaims(await handler(cognitoEvent(sub, { groups: ['PLATFORM_ADMIN'] })));
    expect(claims).toEqual({ roles: ['PLATFORM_ADMIN'] });
    expect(await callerFrom(sub, claims ?? {})).toEqual({ userId: sub, roles: ['PLATFORM_ADMIN'], tenantId: null });
  });

  it('gives a user no university invited no claims, whatever other groups it is in, and the API refuses it', async () => {
    const sub = '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d';
    for (const groups of [[], ['STUDENT', 'TENANT_ADMIN']]) {
      const result = await handler(cognitoEvent(sub, { groups }));
      expect(result.response).toEqual({ claimsAndScopeOverrideDetails: null });
    }
    await expect(callerFrom(sub, {})).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses an event that is not a version 2 token generation, or names no user', async () => {
    const sub = north.admin;
    await expect(handler(cognitoEvent(sub, { version: '1' }))).rejects.toThrow(/version 2/);
    await expect(handler(cognitoEvent(sub, { triggerSource: 'PostConfirmation_ConfirmSignUp' }))).rejects.toThrow(
      /not a pre token generation event/,
    );
    await expect(handler(cognitoEvent(''))).rejects.toThrow(/names no user/);
  });

  it('puts the operator group first: an operator is never also a tenant user in its token', async () => {
    // the ports alone: an operator the map also names
    const claims = await claimsFor(
      { tenantOfUser: async () => north.tenantId, memberRoles: async () => ['TENANT_ADMIN'] },
      'usr_both',
      ['PLATFORM_ADMIN'],
    );
    expect(claims).toEqual({ roles: ['PLATFORM_ADMIN'] });
  });

  it('needs the events table from its environment', async () => {
    const table = process.env.EVENTS_TABLE;
    delete process.env.EVENTS_TABLE;
    vi.resetModules();
    try {
      await expect(import('./handler.ts')).rejects.toThrow(/EVENTS_TABLE/);
    } finally {
      process.env.EVENTS_TABLE = table;
    }
  });
});
