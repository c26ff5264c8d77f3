import { testDb } from '@app/testing';
import { World } from '@app/views/fixtures';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { toRequest, toResult } from './lambda.ts';
import { testApi } from './testApi.ts';

let w: World;
let api: Awaited<ReturnType<typeof testApi>>;

/** An HTTP API (payload v2) event as API Gateway sends it. */
const event = (body: string | undefined, headers: Record<string, string>, base64 = false): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: 'POST /graphql',
    rawPath: '/graphql',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    requestContext: {
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      http: { method: 'POST', path: '/graphql', protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' },
      requestId: 'req-1',
    },
    ...(body !== undefined && { body: base64 ? Buffer.from(body).toString('base64') : body }),
    isBase64Encoded: base64,
  }) as unknown as APIGatewayProxyEventV2;

const handle = async (e: APIGatewayProxyEventV2) => {
  const request = toRequest(e);
  return request instanceof Request ? toResult(await api.api.fetch(request)) : request;
};

beforeAll(async () => {
  w = new World(testDb());
  await w.provision();
  api = await testApi(w);
});

describe('the API behind API Gateway (HTTP API, payload v2)', () => {
  it('answers a GraphQL request, base64 or not, with its status and content type', async () => {
    const student = await w.member(['STUDENT']);
    const authorization = `Bearer ${await api.issuer.token({ sub: student, roles: ['STUDENT'], tenantId: w.tenantId })}`;
    for (const base64 of [false, true]) {
      const result = await handle(event(JSON.stringify({ query: '{ viewer { userId } }' }), { authorization }, base64));
      expect(result.statusCode).toBe(200);
      expect(result.headers?.['content-type']).toMatch(/json/);
      expect(JSON.parse(String(result.body))).toEqual({ data: { viewer: { userId: student } } });
    }
  });

  it('refuses a body over 1 MB with 413 before yoga reads it, and bad JSON with 400', async () => {
    const big = await handle(event(`{"query":"${'x'.repeat(1_100_000)}"}`, {}));
    expect(big.statusCode).toBe(413);
    expect(JSON.parse(String(big.body)).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await handle(event('{"query": ', {}))).statusCode).toBe(400);
  });
});
