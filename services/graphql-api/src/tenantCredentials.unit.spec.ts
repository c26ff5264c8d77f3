import { randomBytes } from 'node:crypto';
import { type Application, type Caller, createApi, DevIssuer, schema } from '@app/api';
import { parseTenantId, type TenantId } from '@app/core';
import { localKeyWrapper } from '@app/event-store';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createHandler } from './api.ts';
import {
  type Credentials,
  runAsTenant,
  type TenantCredentialsOptions,
  tenantContext,
  tenantCredentials,
} from './tenantCredentials.ts';

// The third wall (DESIGN.md §8) as the Lambda builds it: which credentials each table call is
// signed with. STS is mocked at the AWS API; no call leaves the process.

const ROLE = 'arn:aws:iam::123456789012:role/ii-dev-tenant';
const A = parseTenantId('ten_01J8Z3K4M5N6P7Q8R9S0T1V2W3');
const B = parseTenantId('ten_01J8Z3K4M5N6P7Q8R9S0T1V2W4');
const OWN: Credentials = { accessKeyId: 'AKIA-OWN', secretAccessKey: 'own-secret', sessionToken: 'own-token' };

const sts = mockClient(STSClient);
let clock = Date.parse('2026-03-02T09:00:00Z');
let issued = 0;

/** STS as it answers: a session whose keys name the tenant tagged, valid 15 minutes from now, after `delayMs`. */
const answer = (delayMs: (tenant: string) => number = () => 0) =>
  sts.on(AssumeRoleCommand).callsFake(async (input: { Tags: { Value: string }[] }) => {
    const tenant = String(input.Tags[0]?.Value);
    issued += 1;
    const n = issued;
    await new Promise((resolve) => setTimeout(resolve, delayMs(tenant)));
    return {
      Credentials: {
        AccessKeyId: `AKIA-${tenant}-${n}`,
        SecretAccessKey: `secret-${tenant}-${n}`,
        SessionToken: `token-${tenant}-${n}`,
        Expiration: new Date(clock + 900_000),
      },
    };
  });

const provider = (options: Partial<TenantCredentialsOptions> = {}) =>
  tenantCredentials({
    sts: new STSClient({ region: 'eu-west-1' }),
    roleArn: ROLE,
    own: async () => OWN,
    now: () => clock,
    ...options,
  });

const assumed = () => sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input);

beforeEach(() => {
  sts.reset();
  issued = 0;
  clock = Date.parse('2026-03-02T09:00:00Z');
});

describe('tenant-scoped credentials', () => {
  it("assume the tenant role with the tenant's id as session tag and session name, for 15 minutes", async () => {
    answer();
    const credentials = provider();
    const got = await runAsTenant(A, () => credentials());
    expect(assumed()).toEqual([
      { RoleArn: ROLE, RoleSessionName: A, DurationSeconds: 900, Tags: [{ Key: 'tenant_id', Value: A }] },
    ]);
    expect(got).toEqual({
      accessKeyId: `AKIA-${A}-1`,
      secretAccessKey: `secret-${A}-1`,
      sessionToken: `token-${A}-1`,
      expiration: new Date(clock + 900_000),
    });
  });

  it('ask STS once per tenant, however many requests, the concurrent first ones included', async () => {
    answer(() => 5);
    const credentials = provider();
    const first = await Promise.all(Array.from({ length: 20 }, () => runAsTenant(A, () => credentials())));
    const later = [];
    for (let i = 0; i < 5; i++) later.push(await runAsTenant(A, () => credentials()));
    expect(assumed()).toHaveLength(1);
    expect(new Set([...first, ...later].map((c) => c.accessKeyId))).toEqual(new Set([`AKIA-${A}-1`]));
  });

  it('are replaced 60 s before they expire, and not earlier', async () => {
    answer();
    const credentials = provider();
    const started = clock;
    await runAsTenant(A, () => credentials());
    clock = started + 900_000 - 61_000;
    expect((await runAsTenant(A, () => credentials())).accessKeyId).toBe(`AKIA-${A}-1`);
    expect(assumed()).toHaveLength(1);
    clock = started + 900_000 - 59_000;
    const renewed = await Promise.all([1, 2, 3].map(() => runAsTenant(A, () => credentials())));
    expect(assumed()).toHaveLength(2);
    expect(renewed.map((c) => c.accessKeyId)).toEqual([`AKIA-${A}-2`, `AKIA-${A}-2`, `AKIA-${A}-2`]);
  });

  it("never hand one tenant another's, however their requests interleave", async () => {
    // B's session is issued second but answered first
    answer((tenant) => (tenant === A ? 20 : 1));
    const credentials = provider();
    const asked = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? A : B));
    const got = await Promise.all(
      asked.map(async (tenant, i) => {
        await new Promise((resolve) => setTimeout(resolve, i % 7));
        return runAsTenant(tenant, async () => {
          await new Promise((resolve) => setTimeout(resolve, (i * 5) % 11));
          return credentials();
        });
      }),
    );
    expect(got.map((c) => c.accessKeyId.slice(5, 5 + A.length))).toEqual(asked);
    expect(
      assumed()
        .map((input) => input.Tags?.[0]?.Value)
        .sort(),
    ).toEqual([A, B]);
  });

  it("are the function's own with no tenant: outside any request, and on the control plane", async () => {
    answer();
    const credentials = provider();
    expect(await credentials()).toEqual(OWN);
    expect(await runAsTenant(null, () => credentials())).toEqual(OWN);
    // member administration: the control plane inside a tenant's request, and the tenant after it
    const inside = await runAsTenant(A, async () => {
      const admin = await runAsTenant(null, () => credentials());
      return { admin, after: await credentials() };
    });
    expect(inside.admin).toEqual(OWN);
    expect(inside.after.accessKeyId).toBe(`AKIA-${A}-1`);
    expect(assumed()).toHaveLength(1);
  });

  it("take the control plane's from the STS client by default: the Lambda role's", async () => {
    const credentials = tenantCredentials({
      sts: new STSClient({ region: 'eu-west-1', credentials: OWN }),
      roleArn: ROLE,
    });
    expect(await credentials()).toMatchObject({ accessKeyId: 'AKIA-OWN', sessionToken: 'own-token' });
    expect(assumed()).toHaveLength(0);
  });

  it('do not keep a failure: the next request asks STS again', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejectsOnce(new Error('Throttling'))
      .resolves({
        Credentials: {
          AccessKeyId: 'AKIA-2',
          SecretAccessKey: 's',
          SessionToken: 't',
          Expiration: new Date(clock + 900_000),
        },
      });
    const credentials = provider();
    await expect(runAsTenant(A, () => credentials())).rejects.toThrow('Throttling');
    expect((await runAsTenant(A, () => credentials())).accessKeyId).toBe('AKIA-2');
    expect(assumed()).toHaveLength(2);
  });

  it('refuse a malformed tenant id before STS sees it (it would become a pattern in the role policy)', async () => {
    answer();
    const credentials = provider();
    for (const forged of ['ten_*', '*', 'ten_01J8Z3K4M5N6P7Q8R9S0T1V2W3#Interview']) {
      await expect(runAsTenant(forged as TenantId, () => credentials())).rejects.toThrow(/tenant id/);
    }
    expect(assumed()).toHaveLength(0);
  });

  it("without the role's ARN, refuse every tenant's call and keep the control plane working", async () => {
    answer();
    const credentials = provider({ roleArn: undefined });
    await expect(runAsTenant(A, () => credentials())).rejects.toThrow(/TENANT_ROLE_ARN/);
    expect(await credentials()).toEqual(OWN);
    expect(assumed()).toHaveLength(0);
  });

  it('sign each DynamoDB call with the session of the tenant whose work makes it (the SDK keeps none of its own)', async () => {
    answer((tenant) => (tenant === A ? 10 : 0));
    const signedWith: string[] = [];
    const client = new DynamoDBClient({
      region: 'eu-west-1',
      maxAttempts: 1,
      credentials: provider(),
      requestHandler: {
        handle: async (request: { headers: Record<string, string> }) => {
          signedWith.push(request.headers['x-amz-security-token'] ?? 'none');
          throw new Error('not sent');
        },
      },
    });
    const get = () => client.send(new GetItemCommand({ TableName: 'events', Key: { pk: { S: 'x' }, sk: { N: '0' } } }));
    const order = [A, B, null, A, null, B] as const;
    for (const tenant of order) await expect(runAsTenant(tenant, get)).rejects.toThrow('not sent');
    await Promise.all(order.map((tenant) => runAsTenant(tenant, get).catch(() => {})));
    const expected = order.map((t) => (t === A ? `token-${A}-1` : t === B ? `token-${B}-2` : 'own-token'));
    expect(signedWith.slice(0, order.length)).toEqual(expected);
    expect(signedWith.slice(order.length).sort()).toEqual([...expected].sort());
  });
});

describe('the API on them', () => {
  const callers: Record<string, Caller> = {
    admin: { userId: 'usr_admin', roles: ['TENANT_ADMIN'], tenantId: A },
    student: { userId: 'usr_student', roles: ['STUDENT'], tenantId: B },
    operator: { userId: 'usr_operator', roles: ['PLATFORM_ADMIN'], tenantId: null },
  };

  /** The application, recording under which tenant each function it is asked for runs. */
  const recordingApp = () => {
    const ran: [string, TenantId | null | undefined][] = [];
    const at =
      <T>(name: string, value: T) =>
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        ran.push([name, tenantContext.getStore()]);
        return value;
      };
    const member = { id: 'usr_new', email: 'new@state.edu', name: 'New', roles: ['COACH'], status: 'ACTIVE' };
    const tenant = { id: A, name: 'State U', slug: 'state' };
    const app = {
      tenant: at('tenant', tenant),
      tenants: { list: at('tenants.list', [A]), get: at('tenants.get', tenant) },
      people: {
        member: at('people.member', member),
        cohort: at('people.cohort', null),
        cohortCommand: at('people.cohortCommand', { id: 'coh_1', name: 'Fall', status: 'ACTIVE', coaches: [] }),
        memberIds: at('people.memberIds', ['usr_new']),
        invite: at('people.invite', member),
        remove: at('people.remove', member),
        changeRoles: at('people.changeRoles', member),
      },
    };
    return { app: app as unknown as Application, ran };
  };

  const apiWith = (app: Application) =>
    createApi({
      schema,
      authenticator: {
        authenticate: async (header) => callers[String(header).replace('Bearer ', '')] as Caller,
      },
      app,
      production: true,
      logger: { info: () => {}, error: () => {} },
      tenantScope: runAsTenant,
    });

  const gql = async (api: ReturnType<typeof apiWith>, who: string, query: string) => {
    const response = await api.fetch('http://api.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${who}` },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as { data?: unknown; errors?: { extensions: { code: string } }[] };
  };

  it("runs a tenant's request as its tenant, and member administration on the control plane after the admin check", async () => {
    const { app, ran } = recordingApp();
    const api = apiWith(app);
    const asAdmin = await gql(
      api,
      'admin',
      `mutation {
        inviteMember(input: { email: "new@state.edu", name: "New", role: COACH }) { member { id } }
        removeMember(input: { memberId: "usr_new" }) { member { id } }
        changeMemberRoles(input: { memberId: "usr_new", roles: [STUDENT] }) { member { id } }
        createCohort(input: { name: "Fall" }) { cohort { id } }
      }`,
    );
    expect(asAdmin.errors).toBeUndefined();
    const read = await gql(api, 'admin', '{ tenant { id } members(first: 5) { edges { node { id } } } }');
    expect(read.errors).toBeUndefined();
    expect(ran).toEqual([
      ['people.invite', null],
      ['people.remove', null],
      ['people.changeRoles', null],
      ['people.cohortCommand', A],
      ['tenant', A],
      ['people.memberIds', A],
      ['people.member', A],
    ]);
  });

  it("keeps a tenant's work in its own tenant when two tenants' requests interleave, and the operator's on the control plane", async () => {
    const { app, ran } = recordingApp();
    const api = apiWith(app);
    await Promise.all([
      gql(api, 'admin', '{ tenant { id } }'),
      gql(api, 'student', '{ tenant { id } }'),
      gql(api, 'operator', '{ tenants(first: 5) { edges { node { id } } } }'),
    ]);
    expect(ran).toEqual(
      expect.arrayContaining([
        ['tenant', A],
        ['tenant', B],
        ['tenants.list', null],
        ['tenants.get', null],
      ]),
    );
    expect(ran).toHaveLength(4);
  });

  it('lets no one but an admin reach member administration on the control plane', async () => {
    const { app, ran } = recordingApp();
    const refused = await gql(
      apiWith(app),
      'student',
      'mutation { inviteMember(input: { email: "x@state.edu", name: "X", role: TENANT_ADMIN }) { member { id } } }',
    );
    expect(refused.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect(ran).toEqual([]);
  });
});

describe('the Lambda handler on them', () => {
  const invoke = async (token: string, query: string, claims: Record<string, string>) => {
    const db = new DynamoDBClient({ region: 'eu-west-1', credentials: OWN });
    const ddb = mockClient(db);
    const calls: [string, string, TenantId | null | undefined][] = [];
    ddb.on(GetItemCommand).callsFake((input: { Key: { pk: { S: string } } }) => {
      calls.push(['GetItem', input.Key.pk.S, tenantContext.getStore()]);
      return {};
    });
    ddb.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, { S?: string }> }) => {
      calls.push(['Query', String(input.ExpressionAttributeValues[':pk']?.S), tenantContext.getStore()]);
      return { Items: [] };
    });
    const handler = createHandler(
      {
        client: db,
        tables: { events: 'events', views: 'views' },
        keyWrapper: localKeyWrapper(randomBytes(32)),
        tokenRules: issuer.rules(),
        corsOrigins: [],
        graphqlPath: '/graphql',
      },
      new Logger({ serviceName: 'graphql-api', logLevel: 'SILENT' }),
    );
    const event = {
      version: '2.0',
      routeKey: 'POST /graphql',
      rawPath: '/graphql',
      rawQueryString: '',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      requestContext: {
        domainName: 'abc.execute-api.eu-west-1.amazonaws.com',
        http: { method: 'POST', path: '/graphql', protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 't' },
        requestId: 'r1',
        authorizer: { jwt: { claims, scopes: null } },
      },
      body: JSON.stringify({ query }),
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
    const result = (await handler(event, {
      functionName: 'graphql-api',
      awsRequestId: 'l1',
      getRemainingTimeInMillis: () => 10_000,
    } as Context)) as APIGatewayProxyStructuredResultV2;
    return { body: JSON.parse(String(result.body)), calls };
  };

  let issuer: DevIssuer;
  beforeEach(async () => {
    issuer = await DevIssuer.create();
  });

  it("checks a member's roles with its token's tenant's credentials: the member stream, read as that tenant", async () => {
    const token = await issuer.token({ sub: 'usr_kim', roles: ['STUDENT'], tenantId: A });
    const { body, calls } = await invoke(token, '{ viewer { userId } }', { sub: 'usr_kim', tenant_id: A });
    // the member stream is empty here: not a member
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(calls.length).toBeGreaterThan(0);
    expect(calls).toEqual(calls.map(([action]) => [action, `${A}#Member#usr_kim`, A]));
  });

  it("serves the operator's tenant list on the control plane", async () => {
    const token = await issuer.token({ sub: 'usr_op', roles: ['PLATFORM_ADMIN'] });
    const { body, calls } = await invoke(token, '{ tenants(first: 5) { edges { node { id } } } }', {
      sub: 'usr_op',
    });
    expect(body).toEqual({ data: { tenants: { edges: [] } } });
    expect(calls).toEqual([['Query', '_platform#Tenants#registry', null]]);
  });
});
