import type { EventDefinition } from '@app/core';
import * as z from 'zod';
import { COHORT_EVENTS } from './cohort/events.ts';
import { CONTACT_EVENTS } from './contact/events.ts';
import { INTERVIEW_EVENTS } from './interview/events.ts';
import { MEMBER_EVENTS } from './member/events.ts';
import { TENANT_EVENTS } from './tenant/events.ts';

/** Every event type the domain records, by stream: what the event store is given as its catalog. */
export const DOMAIN_EVENTS: Readonly<Record<string, readonly EventDefinition[]>> = {
  Tenant: TENANT_EVENTS,
  Member: MEMBER_EVENTS,
  Cohort: COHORT_EVENTS,
  Contact: CONTACT_EVENTS,
  Interview: INTERVIEW_EVENTS,
};

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  maxLength?: number;
  minLength?: number;
};

const describe = (schema: JsonSchema): string => {
  if (schema.enum) return schema.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (schema.anyOf) return schema.anyOf.map(describe).join(' or ');
  if (schema.type === 'array' && schema.items) return `list of ${describe(schema.items)}`;
  if (schema.type === 'object') return 'object';
  const bounds = schema.maxLength === undefined ? '' : ` (≤ ${schema.maxLength})`;
  return `${Array.isArray(schema.type) ? schema.type.join(' or ') : (schema.type ?? 'any')}${bounds}`;
};

/** The event catalog as Markdown: `schema/events.md` is this, printed (a test fails on drift). */
export const printCatalog = (): string => {
  const lines = [
    '# Event catalog',
    '',
    'Generated from the `defineEvent` declarations in `packages/domain` by `pnpm catalog`; do not edit.',
    "Personal fields are encrypted under the data subject's key and become `[erased]` when the subject is erased.",
  ];
  for (const [stream, definitions] of Object.entries(DOMAIN_EVENTS)) {
    lines.push('', `## ${stream} stream`);
    for (const definition of definitions) {
      const json = z.toJSONSchema(definition.schema, { unrepresentable: 'any' }) as JsonSchema;
      const personal = new Set(definition.personalPaths.map((path) => path.join('.')));
      lines.push('', `### ${definition.type} (schema version ${definition.schemaVersion})`, '');
      lines.push('| field | type | required | personal |', '| --- | --- | --- | --- |');
      for (const [field, schema] of Object.entries(json.properties ?? {})) {
        const required = json.required?.includes(field) ? 'yes' : 'no';
        // a list of personal strings (`goals.*`) is personal too
        const sealed = personal.has(field) || personal.has(`${field}.*`);
        lines.push(`| \`${field}\` | ${describe(schema)} | ${required} | ${sealed ? 'yes' : ''} |`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
};
