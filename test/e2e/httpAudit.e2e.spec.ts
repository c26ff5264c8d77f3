import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2e, startE2e } from './harness.ts';

// The GraphQL-over-HTTP compliance suite of `graphql-http`, against the local server as `pnpm dev`
// runs it, over real HTTP: every MUST passes (SHOULD and MAY are reported by name, not required).

let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e();
});
afterAll(() => e2e?.stop());

describe('GraphQL over HTTP', () => {
  const audits = serverAudits({ url: () => e2e.url });
  for (const audit of audits.filter((a) => a.name.startsWith('MUST'))) {
    it(audit.name, async () => {
      const result = await audit.fn();
      expect(result.status === 'ok' ? 'ok' : `${result.status}: ${'reason' in result ? result.reason : ''}`).toBe('ok');
    });
  }
});
