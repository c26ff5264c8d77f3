import { testDb } from '@app/testing';
import { World } from '@app/views/fixtures';
import { serverAudits } from 'graphql-http';
import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from './testApi.ts';

// The GraphQL-over-HTTP compliance suite of `graphql-http`, against the server as it is
// composed: every MUST passes (SHOULD and MAY are reported by name, not required).

let fetchFn: (input: Request | string, init?: RequestInit) => Promise<Response>;

beforeAll(async () => {
  const w = new World(testDb());
  const { api } = await testApi(w);
  fetchFn = async (input, init) => api.fetch(typeof input === 'string' ? new Request(input, init) : input);
});

describe('GraphQL over HTTP', () => {
  const audits = serverAudits({
    url: 'http://api.test/graphql',
    fetchFn: (...args: unknown[]) => fetchFn(...(args as [Request | string, RequestInit?])),
  });
  for (const audit of audits.filter((a) => a.name.startsWith('MUST'))) {
    it(audit.name, async () => {
      const result = await audit.fn();
      expect(result.status === 'ok' ? 'ok' : `${result.status}: ${'reason' in result ? result.reason : ''}`).toBe('ok');
    });
  }
});
