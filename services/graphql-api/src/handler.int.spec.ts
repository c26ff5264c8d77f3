import { randomBytes } from 'node:crypto';
import { DevIssuer } from '@app/api';
import { localKeyWrapper } from '@app/event-store';
import { testDb } from '@app/testing';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHandler } from './api.ts';
import { lambdaDeps } from './deps.ts';

// The GraphQL Lambda as API Gateway invokes it (HTTP API, payload v2, JWT authorizer), composed
// as in AWS but with DynamoDB Local, an in-memory master key and the dev issuer in place of KMS
// and Cognito (which have no local form).

const ORIGIN = 'https://app.example.edu';
let issuer: DevIssuer;
let handler: ReturnType<typeof createHandler>;
let requests = 0;

const context = (): Context =>
  ({
    functionName: 'graphql-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:graphql-api',
    memoryLimitInMB: '512',
    awsRequestId: `lambda-${requests}`,
    getRemainingTimeInMillis: () => 10_000,
  }) as Context;

/** An event as API Gateway sends it once its JWT authorizer has verified the token. */
const event = (
  options: { method?: string; path?: string; body?: string; token?: string; claims?: Record<string, string> | null },
  headers: Record<string, string> = {},
): APIGatewayProxyEventV2WithJWTAuthorizer => {
  requests += 1;
  const method = options.method ?? 'POST';
  const path = options.path ?? '/graphql';
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: {
      'content-type': 'application/json',
      ...(options.token && { authorization: `Bearer ${options.token}` }),
      ...headers,
    },
    requestContext: {
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' },
      requestId: `apigw-${requests}`,
      ...(options.claims !== null && { authorizer: { jwt: { claims: options.claims ?? {}, scopes: null } } }),
    },
    ...(options.body !== undefined && { body: options.body }),
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
};

const invoke = (e: APIGatewayProxyEventV2WithJWTAuthorizer) =>
  handler(e, context()) as Promise<APIGatewayProxyStructuredResultV2>;

/** A GraphQL call with the token the authorizer verified (its claims passed as API Gateway does). */
const gql = async (token: string, query: string, variables = {}, claims?: Record<string, string> | null) => {
  const [, payload] = token.split('.');
  const verified = JSON.parse(Buffer.from(String(payload), 'base64url').toString()) as Record<string, string>;
  const result = await invoke(
    event({ token, body: JSON.stringify({ query, variables }), claims: claims === undefined ? verified : claims }),
  );
  return { status: result.statusCode, body: JSON.parse(String(result.body)), requestId: `apigw-${requests}` };
};

let operator: string;

beforeAll(async () => {
  const db = testDb();
  issuer = await DevIssuer.create();
  handler = createHandler({
    client: db.client,
    tables: db.tables,
    keyWrapper: localKeyWrapper(randomBytes(32)),
    tokenRules: issuer.rules(),
    corsOrigins: [ORIGIN],
    graphqlPath: '/graphql',
  });
  operator = await issuer.token({ sub: 'usr_operator', roles: ['PLATFORM_ADMIN'] });
});

afterEach(() => vi.restoreAllMocks());

describe('the GraphQL Lambda', () => {
  it('serves the API: the operator provisions, the new admin reads its university', async () => {
    const provisioned = await gql(
      operator,
      'mutation ($input: ProvisionTenantInput!) { provisionTenant(input: $input) { tenant { id } admin { id } } }',
      { input: { name: 'Lambda U', slug: 'lambda-u', adminEmail: 'admin@lambda.example', adminName: 'Al Admin' } },
    );
    expect(provisioned.status).toBe(200);
    const { tenant, admin } = provisioned.body.data.provisionTenant;
    const token = await issuer.token({ sub: admin.id, roles: ['TENANT_ADMIN'], tenantId: tenant.id });
    const read = await gql(token, '{ tenant { id name } }');
    expect(read.body).toEqual({ data: { tenant: { id: tenant.id, name: 'Lambda U' } } });
  });

  it('writes one JSON log line per request: request ids, tenant and user, no personal data', async () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const { requestId } = await gql(operator, 'query Tenants { tenants(first: 1) { edges { node { name } } } }');
    vi.restoreAllMocks();
    const lines = written.flatMap((w) => w.split('\n')).filter((l) => l.startsWith('{'));
    const line = lines.map((l) => JSON.parse(l)).find((l) => l.requestId === requestId);
    expect(line).toMatchObject({
      level: 'INFO',
      message: 'graphql request',
      service: 'graphql-api',
      function_request_id: `lambda-${requests}`,
      requestId,
      userId: 'usr_operator',
      operation: 'Tenants',
      errors: [],
    });
    expect(line.tenantId ?? null).toBeNull(); // the operator's requests belong to no tenant
    expect(JSON.stringify(line)).not.toContain('Lambda U');
  });

  it("takes the caller only when it is the one API Gateway's authorizer verified", async () => {
    const other = await gql(operator, '{ viewer { userId } }', {}, { sub: 'usr_someone_else' });
    expect(other.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const none = await gql(operator, '{ viewer { userId } }', {}, null);
    expect(none.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const same = await gql(operator, '{ viewer { userId } }');
    expect(same.body.data.viewer.userId).toBe('usr_operator');
  });

  it('has no dev routes, no GraphiQL and no introspection', async () => {
    const devToken = await invoke(
      event({ path: '/dev/token', body: JSON.stringify({ sub: 'usr_x', tenant_id: 'ten_x', roles: ['STUDENT'] }) }),
    );
    expect(devToken.statusCode).toBe(404);
    expect(String(devToken.body)).not.toMatch(/token/i);
    const graphiql = await invoke(event({ method: 'GET', token: operator }, { accept: 'text/html' }));
    expect(String(graphiql.body)).not.toMatch(/<html/i);
    const introspection = await gql(operator, '{ __schema { types { name } } }');
    expect(introspection.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it("answers CORS preflights for the stack's origins only", async () => {
    const preflight = (origin: string) =>
      invoke(event({ method: 'OPTIONS' }, { origin, 'access-control-request-method': 'POST' }));
    expect((await preflight(ORIGIN)).headers?.['access-control-allow-origin']).toBe(ORIGIN);
    expect((await preflight('https://evil.example')).headers?.['access-control-allow-origin']).not.toBe(
      'https://evil.example',
    );
  });
});

describe('its configuration from the environment', () => {
  const env = {
    AWS_REGION: 'eu-west-1',
    EVENTS_TABLE: 'dev-events',
    VIEWS_TABLE: 'dev-views',
    KMS_KEY_ID: 'arn:aws:kms:eu-west-1:123456789012:key/abc',
    USER_POOL_ID: 'eu-west-1_AbCdEf',
    USER_POOL_CLIENT_IDS: 'client-a, client-b',
    CORS_ORIGINS: 'https://app.example.edu',
  };

  it("verifies Cognito's access tokens for the stack's user pool and clients", () => {
    const deps = lambdaDeps(env);
    expect(deps.tables).toEqual({ events: 'dev-events', views: 'dev-views' });
    expect(deps.tokenRules).toMatchObject({
      issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf',
      clientIds: ['client-a', 'client-b'],
      algorithms: ['RS256'],
    });
    expect(deps.corsOrigins).toEqual(['https://app.example.edu']);
    expect(deps.graphqlPath).toBe('/graphql');
  });

  it('names the variable that is missing', () => {
    for (const name of ['EVENTS_TABLE', 'KMS_KEY_ID', 'USER_POOL_ID', 'USER_POOL_CLIENT_IDS']) {
      expect(() => lambdaDeps({ ...env, [name]: '' })).toThrow(new RegExp(name));
    }
  });
});
