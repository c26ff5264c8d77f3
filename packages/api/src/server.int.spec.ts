import { testDb } from '@app/testing';
import { World } from '@app/views/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';

import { Authenticator } from './auth.ts';
import { DevIssuer } from './devIssuer.ts';
import { memberRolesFrom } from './members.ts';
import { RateLimiter } from './rateLimit.ts';
import { schema } from './schema/index.ts';
import { type ApiLogger, createApi, LIMITS } from './server.ts';
import { worldApplication } from './testApi.ts';

let w: World;
let issuer: DevIssuer;
let student: string;
const logged: Record<string, unknown>[] = [];
const logger: ApiLogger = {
  info: (message, attributes) => logged.push({ level: 'INFO', message, ...attributes }),
  error: (message, attributes) => logged.push({ level: 'ERROR', message, ...attributes }),
};

const api = (production = false) =>
  createApi({
    schema,
    authenticator: new Authenticator(issuer.rules(), memberRolesFrom(w.store)),
    app: worldApplication(w),
    production,
    logger,
  });

const post = async (body: string, headers: Record<string, string> = {}, production = false) => {
  const response = await api(production).fetch('http://api.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body,
  });
  return { status: response.status, body: await response.json() };
};

const asStudent = async () => ({
  authorization: `Bearer ${await issuer.token({ sub: student, roles: ['STUDENT'], tenantId: w.tenantId })}`,
});

beforeAll(async () => {
  w = new World(testDb(), { policy: { timeZone: 'Europe/Berlin' } });
  issuer = await DevIssuer.create();
  await w.provision('Example University');
  student = await w.member(['STUDENT']);
});

describe('the GraphQL server', () => {
  it('answers who is calling, the tenant read from its stream', async () => {
    const { status, body } = await post(
      JSON.stringify({
        query: '{ viewer { userId roles tenant { id name slug status policy { timeZone followUpAfterDays } } } }',
      }),
      await asStudent(),
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      data: {
        viewer: {
          userId: student,
          roles: ['STUDENT'],
          tenant: {
            id: w.tenantId,
            name: 'Example University',
            slug: 'test-u',
            status: 'ACTIVE',
            policy: { timeZone: 'Europe/Berlin', followUpAfterDays: 7 },
          },
        },
      },
    });
  });

  it('answers UNAUTHENTICATED, with the reason, to a request without a valid token', async () => {
    const { body } = await post(JSON.stringify({ query: '{ viewer { userId } }' }));
    expect(body.data).toBeNull();
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: 'sign in: the request has no Authorization header',
        extensions: { code: 'UNAUTHENTICATED' },
      }),
    ]);
  });

  it('refuses malformed JSON with 400 and a body over 1 MB with 413, before any work', async () => {
    expect((await post('{"query": "{ viewer { userId } }"', await asStudent())).status).toBe(400);
    const big = JSON.stringify({ query: `{ viewer { userId } } # ${'x'.repeat(2 * 1024 * 1024)}` });
    const tooBig = await post(big, { ...(await asStudent()), 'content-length': String(Buffer.byteLength(big)) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.errors[0].message).toMatch(`at most ${LIMITS.bodyBytes}`);
  });

  it('refuses a query deeper than 12 levels, and an unknown field, as BAD_USER_INPUT', async () => {
    const deep = `{ ${'viewer { tenant { policy { '.repeat(1)}${'a { '.repeat(28)}b${' }'.repeat(28)} } } } }`;
    const depth = await post(JSON.stringify({ query: deep }), await asStudent());
    expect(depth.status).toBeLessThan(500);
    expect(depth.body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toContain(
      'BAD_USER_INPUT',
    );
    const messages = depth.body.errors.map((e: { message: string }) => e.message);
    // the cost of so deep a query passes its limit first; either way the message says which limit
    expect(messages).toContainEqual(expect.stringMatching(/^Query (depth|Cost) limit of \d+ exceeded/));
    expect(messages.join('\n')).not.toMatch(/Syntax Error/);
    const unknown = await post(JSON.stringify({ query: '{ viewer { password } }' }), await asStudent());
    expect(unknown.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('serves /health, and keeps introspection for development only', async () => {
    expect((await api(true).fetch('http://api.test/health')).status).toBe(200);
    const introspect = JSON.stringify({ query: '{ __schema { queryType { name } } }' });
    expect((await post(introspect, await asStudent())).body.data.__schema.queryType.name).toBe('Query');
    const prod = await post(introspect, await asStudent(), true);
    expect(prod.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('masks an unexpected failure as INTERNAL with an id, and logs it', async () => {
    const failing = createApi({
      schema,
      authenticator: new Authenticator(issuer.rules(), memberRolesFrom(w.store)),
      app: {
        ...worldApplication(w),
        tenant: async () => {
          throw new Error('ProvisionedThroughputExceededException: arn:aws:dynamodb:eu-west-1:123:table/events');
        },
      },
      production: true,
      logger,
    });
    const response = await failing.fetch('http://api.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await asStudent()) },
      body: JSON.stringify({ query: '{ viewer { tenant { name } } }' }),
    });
    const body = await response.json();
    expect(JSON.stringify(body)).not.toMatch(/arn:|Provisioned|stack/);
    expect(body.errors[0].extensions).toEqual({ code: 'INTERNAL', requestId: expect.any(String) });
    const logLine = logged.find((l) => l.level === 'ERROR' && l.errorId === body.errors[0].extensions.requestId);
    expect(String(logLine?.error)).toMatch(/ProvisionedThroughputExceeded/);
  });
});

describe('rate limits', () => {
  it('answers RATE_LIMITED with 429 once a user has spent its burst, and serves others meanwhile', async () => {
    let now = 0;
    const limited = createApi({
      schema,
      authenticator: new Authenticator(issuer.rules(), memberRolesFrom(w.store)),
      app: worldApplication(w),
      production: true,
      rateLimiter: new RateLimiter(
        { userPerSecond: 1, userBurst: 3, tenantPerSecond: 100, tenantBurst: 100 },
        () => now,
      ),
    });
    const ask = async (headers: Record<string, string>) => {
      const response = await limited.fetch('http://api.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ viewer { userId } }' }),
      });
      return { status: response.status, body: await response.json() };
    };
    const ada = await asStudent();
    for (let i = 0; i < 3; i++) expect((await ask(ada)).status).toBe(200);
    const refused = await ask(ada);
    expect(refused.status).toBe(429);
    expect(refused.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    const coach = await w.member(['COACH']);
    const other = {
      authorization: `Bearer ${await issuer.token({ sub: coach, roles: ['COACH'], tenantId: w.tenantId })}`,
    };
    expect((await ask(other)).status).toBe(200);
    now += 1_000;
    expect((await ask(ada)).status).toBe(200);
  });
});

describe('what the host passes with a request', () => {
  const query = JSON.stringify({ query: 'query Me { viewer { userId } }' });
  const call = (server: ReturnType<typeof api>, headers: Record<string, string>, context = {}) =>
    server.fetch(
      'http://api.test/graphql',
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: query },
      context,
    );

  it("logs one line per request with the host's request id, the tenant and the user, and no personal data", async () => {
    const response = await call(api(), await asStudent(), { requestId: 'apigw-req-7' });
    expect(response.status).toBe(200);
    const line = logged.find((l) => l.requestId === 'apigw-req-7');
    expect(line).toEqual({
      level: 'INFO',
      message: 'graphql request',
      requestId: 'apigw-req-7',
      tenantId: w.tenantId,
      userId: student,
      operation: 'Me',
      ms: expect.any(Number),
      errors: [],
    });
  });

  it("accepts the caller only when it is the one the gateway's authorizer verified", async () => {
    const headers = await asStudent();
    const agreeing = await call(api(), headers, { authorizerClaims: { sub: student, tenant_id: w.tenantId } });
    expect((await agreeing.json()).data.viewer.userId).toBe(student);
    for (const claims of [{ sub: 'usr_someone_else', tenant_id: w.tenantId }, { sub: student }, {}]) {
      const body = await (await call(api(), headers, { authorizerClaims: claims })).json();
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('answers CORS only for the origins it is given in production, and any in dev', async () => {
    const preflight = (server: ReturnType<typeof api>, origin: string) =>
      server.fetch('http://api.test/graphql', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
    const configured = createApi({
      schema,
      authenticator: new Authenticator(issuer.rules(), memberRolesFrom(w.store)),
      app: worldApplication(w),
      production: true,
      corsOrigins: ['https://app.example.edu'],
      logger,
    });
    const allowed = await preflight(configured, 'https://app.example.edu');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.edu');
    const other = await preflight(configured, 'https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
    expect(
      (await preflight(api(true), 'https://app.example.edu')).headers.get('access-control-allow-origin'),
    ).toBeNull();
    expect((await preflight(api(false), 'http://localhost:5173')).headers.get('access-control-allow-origin')).toBe(
      'http://localhost:5173',
    );
  });
});
