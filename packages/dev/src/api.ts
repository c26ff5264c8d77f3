import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { type ApiLogger, apiOnTables, DevIssuer, LIMITS, ROLES } from '@app/api';
import { parseTenantId, type TenantId } from '@app/core';
import { fileKeyWrapper } from '@app/event-store';
import type { TableNames } from '@app/tables';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { JWK } from 'jose';
import * as z from 'zod';

// The GraphQL API on a local HTTP port, composed as the Lambda composes it, with the dev issuer
// in place of Cognito (its key kept beside the data, so tokens survive a restart).

export interface ApiServer {
  readonly url: string;
  readonly issuer: DevIssuer;
  stop(): Promise<void>;
}

const issuerFrom = async (file: string): Promise<DevIssuer> => {
  if (existsSync(file)) return DevIssuer.create({ privateJwk: JSON.parse(readFileSync(file, 'utf8')) as JWK });
  const issuer = await DevIssuer.create();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(await issuer.exportPrivateJwk()), { mode: 0o600 });
  return issuer;
};

const answer = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
};

const health = (response: ServerResponse, healthy: boolean) =>
  answer(response, healthy ? 200 : 503, { status: healthy ? 'ok' : 'starting' });

/** The body, read up to `limit` bytes: `null` once it passes them (the rest is not read). */
const readBody = (request: IncomingMessage, limit: number): Promise<Buffer | null> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= limit) return void chunks.push(chunk);
      // stop keeping it (the stream stays open, so the caller can still answer)
      request.off('data', onData).off('end', onEnd).pause();
      resolve(null);
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    request.on('data', onData).on('end', onEnd).once('error', reject);
  });

/**
 * A body sent without a length (chunked) is read here up to the limit before yoga sees it: the
 * server's own check reads only `Content-Length`. (In AWS, API Gateway hands the body whole.)
 */
const chunkedGraphql = async (
  yoga: ReturnType<typeof apiOnTables>,
  request: IncomingMessage,
  response: ServerResponse,
) => {
  const body = await readBody(request, LIMITS.bodyBytes);
  if (body === null) {
    const message = `the request body is longer than the limit: at most ${LIMITS.bodyBytes} bytes`;
    response.setHeader('connection', 'close');
    answer(response, 413, { errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] });
    // let the client finish sending (and read the answer), discarding it, but not for ever
    request.resume();
    setTimeout(() => request.destroy(), 5_000).unref();
    return;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') headers.set(name, value);
  }
  const answered = await yoga.fetch(`http://127.0.0.1${request.url ?? '/'}`, {
    method: request.method ?? 'POST',
    headers,
    body: new Uint8Array(body),
  });
  response.writeHead(answered.status, Object.fromEntries(answered.headers));
  response.end(Buffer.from(await answered.arrayBuffer()));
};

/** What `POST /dev/token` accepts: the claims Cognito's trigger would put in an access token. */
const TokenRequest = z.strictObject({
  sub: z.string().min(1).max(128),
  tenant_id: z.string().min(1).max(64).optional(),
  roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length),
  expiresIn: z.number().int().min(60).max(86_400).optional(),
});

/**
 * Dev only (DESIGN.md §9): signs a token for any claims, so a frontend can sign in as anyone
 * without Cognito. The API still checks the claims: a tenant token's roles against the member.
 */
const devToken = async (issuer: DevIssuer, request: IncomingMessage, response: ServerResponse) => {
  if (request.method !== 'POST') return answer(response, 405, { error: 'POST { "sub", "tenant_id", "roles" }' });
  const body = await readBody(request, 10_000);
  if (body === null) return answer(response, 413, { error: 'the body is over 10,000 bytes' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    return answer(response, 400, { error: `the body is not JSON: ${(error as Error).message}` });
  }
  const claims = TokenRequest.safeParse(parsed);
  if (!claims.success) {
    const issue = claims.error.issues[0];
    return answer(response, 400, { error: `${issue?.path.join('.') || 'body'}: ${issue?.message}` });
  }
  const { sub, tenant_id, roles, expiresIn } = claims.data;
  const operator = roles.includes('PLATFORM_ADMIN');
  if (operator !== (tenant_id === undefined)) {
    return answer(response, 400, {
      error: operator
        ? "tenant_id: an operator's token names no tenant"
        : 'tenant_id: required for every role but PLATFORM_ADMIN',
    });
  }
  let tenantId: TenantId | undefined;
  try {
    tenantId = tenant_id === undefined ? undefined : parseTenantId(tenant_id);
  } catch {
    return answer(response, 400, { error: `tenant_id: "${tenant_id}" is not a tenant id (ten_ and a ULID)` });
  }
  const token = await issuer.token({ sub, roles, ...(tenantId && { tenantId }), expiresIn: expiresIn ?? 12 * 3_600 });
  answer(response, 200, { token });
};

export const startApiServer = async (options: {
  readonly client: DynamoDBClient;
  readonly tables: TableNames;
  readonly masterKeyFile: string;
  readonly issuerKeyFile: string;
  /** 0 for a free port. */
  readonly port: number;
  /** Where request and error logs go (JSON lines on the console by default). */
  readonly logger?: ApiLogger;
  /** Whether what the API stands on runs (tables, stream consumers): `/health` answers 503 until it does. */
  readonly healthy?: () => boolean;
}): Promise<ApiServer> => {
  const issuer = await issuerFrom(options.issuerKeyFile);
  const yoga = apiOnTables({
    client: options.client,
    tables: options.tables,
    keyWrapper: fileKeyWrapper(options.masterKeyFile),
    tokenRules: issuer.rules(),
    production: false,
    ...(options.logger && { logger: options.logger }),
  });
  const healthy = options.healthy ?? (() => true);
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/health') return health(response, healthy());
    if (path === '/dev/token') return void devToken(issuer, request, response);
    if (request.method === 'POST' && request.headers['content-length'] === undefined) {
      return void chunkedGraphql(yoga, request, response);
    }
    return yoga(request, response);
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    issuer,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
