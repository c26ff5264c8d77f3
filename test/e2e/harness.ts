import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DevIssuer, jsonLogger } from '@app/api';
import { type LocalStack, startApiServer, startLocalStack } from '@app/dev';
import { testDb } from '@app/testing';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expect } from 'vitest';

// The local stack as `pnpm dev` runs it, minus the CLI: this file's tables on the run's
// DynamoDB Local, the projector following the events table's stream, and the GraphQL API on a
// free port with the dev issuer and a master key in a temporary folder. Callers reach it only
// over HTTP, with real tokens.

export interface E2e {
  readonly url: string;
  readonly issuer: DevIssuer;
  readonly stack: LocalStack;
  stop(): Promise<void>;
}

/**
 * `deadlinesAt`: the instant the deadlines' clock stands still at. A test that walks an
 * interview through times in the past sets it to the walk's start, so no deadline falls due
 * while it probes the API (deadlines are tested on their own clock in packages/deadlines).
 * `apiClient`: the API's DynamoDB client, when a test injects faults into it (the stack keeps
 * this file's clean one).
 */
export const startE2e = async (options: { deadlinesAt?: number; apiClient?: DynamoDBClient } = {}): Promise<E2e> => {
  const db = testDb();
  const dir = mkdtempSync(join(tmpdir(), 'api-e2e-'));
  const { deadlinesAt } = options;
  const stack = await startLocalStack({
    ...db,
    pollIntervalMs: 20,
    ...(deadlinesAt !== undefined && { now: () => new Date(deadlinesAt) }),
  });
  const server = await startApiServer({
    client: options.apiClient ?? db.client,
    tables: db.tables,
    masterKeyFile: join(dir, 'master.key'),
    issuerKeyFile: join(dir, 'issuer.jwk'),
    port: 0,
    // one line per request would bury the report; unexpected errors still show
    logger: { info: () => {}, error: jsonLogger.error },
  }).catch(async (error: unknown) => {
    await stack.stop();
    throw error;
  });
  return {
    url: server.url,
    issuer: server.issuer,
    stack,
    stop: async () => {
      await server.stop();
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

export interface GqlError {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions: { readonly code?: string } & Record<string, unknown>;
}

/** A GraphQL answer as it came over the wire, with its HTTP status. */
// biome-ignore lint/suspicious/noExplicitAny: a GraphQL response is whatever the query asks for
export type GqlResult = { readonly status: number; readonly data: any; readonly errors?: readonly GqlError[] };

export type Gql = (token: string, query: string, variables?: Record<string, unknown>) => Promise<GqlResult>;

/** `gql(token, query, variables)`: one POST to the API, as a browser client sends it. */
export const gqlAt =
  (url: string): Gql =>
  async (token, query, variables = {}) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as Omit<GqlResult, 'status'>) };
  };

/** A mutation's input type, by the schema's naming (`addQuestion` takes `AddQuestionInput`). */
export const inputTypeOf = (mutation: string): string => `${mutation[0]?.toUpperCase()}${mutation.slice(1)}Input`;

/** The error codes of an answer, in order. */
export const codes = (result: GqlResult): (string | undefined)[] => (result.errors ?? []).map((e) => e.extensions.code);

/** The answer's data, after checking there was no error. */
// biome-ignore lint/suspicious/noExplicitAny: see GqlResult
export const expectOk = (result: GqlResult): any => {
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  expect(result.status).toBe(200);
  return result.data;
};

/** Which advice codes a payload carries. */
export const adviceOf = (payload: { advice: readonly { code: string }[] }): string[] =>
  payload.advice.map((a) => a.code);

/** Advice that must be there, and advice that must not. */
export const expectAdvice = (
  payload: { advice: readonly { code: string }[] },
  expected: { present?: readonly string[]; absent?: readonly string[] },
): void => {
  const advice = adviceOf(payload);
  for (const code of expected.present ?? []) expect(advice, `advice ${code} expected`).toContain(code);
  for (const code of expected.absent ?? []) expect(advice, `advice ${code} not expected`).not.toContain(code);
};

/** The answer for something the caller may not know of: no data, and exactly one error with `code`. */
export const expectRefused = (result: GqlResult, code: 'NOT_FOUND' | 'FORBIDDEN'): void => {
  expect(result.status).toBe(200);
  expect(codes(result), JSON.stringify(result.errors)).toEqual([code]);
  // `null` where the field is nullable (a query), no data at all where it is not (a mutation's payload)
  if (result.data !== null) {
    expect(Object.values(result.data as Record<string, unknown>)).toEqual(
      Object.keys(result.data as object).map(() => null),
    );
  }
};

/** An id of the same shape that no stream has: its prefix, zeros, and a digit (`n`, 0–9) to tell it apart. */
export const missingLike = (id: string, n = 0): string => {
  const prefix = id.slice(0, id.indexOf('_') + 1);
  return `${prefix}${'0'.repeat(id.length - prefix.length - 1)}${n}`;
};

const REQUEST_ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * The answer with the given ids written as their names (and any request id as `<request>`), so
 * two answers about different ids compare.
 */
export const withIdsNamed = (result: GqlResult, names: Readonly<Record<string, string>>): unknown => {
  let text = JSON.stringify(result).replace(REQUEST_ID, '<request>');
  for (const [name, id] of Object.entries(names)) text = text.replaceAll(id, `<${name}>`);
  return JSON.parse(text);
};

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** An instant `days` (and `hours`) after `start`, as the API takes it. */
export const after = (start: number, days: number, hours = 0): string =>
  new Date(start + days * DAY + hours * HOUR).toISOString();

/** Two instants, in whatever ISO form each came in, are the same moment. */
export const expectSameInstant = (actual: string | null | undefined, expected: string): void => {
  expect(actual, `an instant, expected ${expected}`).toBeTypeOf('string');
  expect(new Date(actual as string).toISOString()).toBe(new Date(expected).toISOString());
};
