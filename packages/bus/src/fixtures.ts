import { parseTenantId } from '@app/core';
import { type RecordedEvent, streamRef } from '@app/event-store';
import { domainEvents, type JsonSchema, withoutNull } from './domainSchemas.ts';
import type { IntegrationEvent } from './integration.ts';

// Test data: a sample payload for any domain event type, built from its schema, and recorded
// events and integration events to publish.

export const TENANT = parseTenantId('ten_01HZX3V6N8Q2J4K5M7P9R0S1T2');
export const AT = '2026-09-01T09:00:00.000Z';
export const LATER = '2026-09-01T09:00:00.250Z';

/** A value for every field of a schema; each string leaf is `text(path)` (times are instants). */
export const sampleOf = (schema: JsonSchema, text: (path: string) => string, path: readonly string[] = []): unknown => {
  const { schema: s } = withoutNull(schema);
  if (s.enum) return s.enum[0];
  if (s.anyOf) return sampleOf(s.anyOf[0] as JsonSchema, text, path);
  switch (Array.isArray(s.type) ? s.type[0] : s.type) {
    case 'object':
      return Object.fromEntries(
        Object.entries(s.properties ?? {}).map(([key, field]) => [key, sampleOf(field, text, [...path, key])]),
      );
    case 'array':
      return [sampleOf(s.items ?? {}, text, [...path, '0'])];
    case 'string':
      return s.format === 'date-time' ? AT : text(path.join('.'));
    case 'integer':
      return Math.max(1, s.minimum ?? 1);
    case 'number':
      return 1.5;
    case 'boolean':
      return true;
    default:
      return text(path.join('.'));
  }
};

/** Sets every value at a schema path (`*` for each element of an array). */
export const setAt = (root: unknown, path: readonly string[], value: (at: string) => unknown, at = ''): void => {
  const [head, ...rest] = path;
  if (head === undefined || typeof root !== 'object' || root === null) return;
  const keys = head === '*' ? Object.keys(root) : [head];
  for (const key of keys) {
    const here = at ? `${at}.${key}` : key;
    const container = root as Record<string, unknown>;
    if (!(key in container)) continue;
    if (rest.length === 0) container[key] = value(here);
    else setAt(container[key], rest, value, here);
  }
};

let sequence = 0;

/** A recorded event of `type`, as the store would return it. */
export const recorded = (
  type: string,
  data: unknown,
  overrides: Partial<{ streamId: string; version: number; subject: string; cohorts: string[] }> = {},
): RecordedEvent => {
  const info = domainEvents().get(type);
  if (!info) throw new Error(`no event type ${type}`);
  sequence++;
  const eventId = `01HZX3V6N8Q2J4K5M7P9R0${String(sequence).padStart(4, '0')}`;
  const streamId = overrides.streamId ?? `${info.streamType.slice(0, 3).toLowerCase()}_01HZX3V6N8Q2J4K5M7P9R0S1T3`;
  return {
    type,
    data,
    occurredAt: AT,
    subject: overrides.subject ?? 'usr_student',
    version: overrides.version ?? 3,
    stream: streamRef(TENANT, info.streamType, streamId),
    meta: {
      eventId,
      occurredAt: AT,
      recordedAt: LATER,
      actor: { userId: 'usr_student', role: 'STUDENT' },
      correlationId: 'cor_1',
      cohorts: overrides.cohorts ?? ['coh_A', 'coh_B'],
    },
  };
};

/** An integration event with an id of its own (and, if asked, a detail padded to about `bytes`). */
export const integrationEvent = (n: number, bytes = 0): IntegrationEvent => ({
  source: 'informational-interviews',
  detailType: 'Interview.OutreachSent.v1',
  detail: {
    specVersion: 1,
    eventId: `01HZX3V6N8Q2J4K5M7P9R1${String(n).padStart(4, '0')}`,
    tenantId: TENANT,
    streamType: 'Interview',
    streamId: `int_${n}`,
    version: n,
    occurredAt: AT,
    recordedAt: LATER,
    ...(bytes > 0 && { padding: 'x'.repeat(bytes) }),
  },
});
