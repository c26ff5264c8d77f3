import { domainEvents, type JsonSchema, schemaAt } from './domainSchemas.ts';
import { detailTypeOf, INTEGRATION_SOURCE, SPEC_VERSION, STUDENT_STREAMS } from './integration.ts';
import { type FieldKind, PUBLICATION, type PublicationTable, type PublicField } from './publicEvents.ts';

// `schema/integration-events.md`, printed from the allow-list and the domain's schemas, so the
// public catalog cannot drift from what is published (a test compares the committed file).

const PRINT = '`pnpm exec tsx packages/bus/src/printCatalog.ts`';

const values = (schema: JsonSchema | undefined, otherwise: string) =>
  schema?.enum ? schema.enum.map((v) => `\`${String(v)}\``).join(' \\| ') : otherwise;

const KIND_TEXT: Readonly<Record<FieldKind, (schema: JsonSchema) => string>> = {
  id: () => 'id',
  ids: () => 'list of ids',
  enum: (schema) => values(schema, 'code'),
  enums: (schema) => `list of ${values(schema.items, 'codes')}`,
  time: () => 'instant',
  times: () => 'list of instants',
  integer: () => 'integer',
  number: () => 'number',
  boolean: () => 'boolean',
  eventType: () => 'event type',
};

const typeOf = (root: JsonSchema, field: PublicField): string => {
  const at = schemaAt(root, field.from);
  if (!at) throw new Error(`no field ${field.from} in the schema`);
  return `${KIND_TEXT[field.kind](at.schema)}${at.nullable ? ' or null' : ''}${at.required ? '' : ' (may be absent)'}`;
};

const ENVELOPE = [
  '| field | type | meaning |',
  '| --- | --- | --- |',
  `| \`specVersion\` | integer | ${SPEC_VERSION}: the version of the detail's shape, as in the detail-type's \`.v${SPEC_VERSION}\` |`,
  '| `eventId` | id (ULID) | the domain event: the same on every delivery of it; deduplicate by it |',
  '| `tenantId` | id | the university (`ten_` + ULID) |',
  '| `streamType` | `Tenant` \\| `Member` \\| `Cohort` \\| `Contact` \\| `Interview` | what the event happened to |',
  '| `streamId` | id | which one: the tenant, the member (their user id), the cohort, the contact, the interview |',
  "| `version` | integer | the event's place in its stream: 1-based and contiguous over all the stream's events, internal ones included, so a published stream may skip versions |",
  '| `occurredAt` | instant | when it happened (a student may log it later; deadline outcomes occur at their due time) |',
  '| `recordedAt` | instant | when it was recorded; never runs backwards within a stream; also the EventBridge `time` |',
  '| `studentId` | id | Contact and Interview streams only: the student who owns the stream |',
  '| `cohortIds` | list of ids | Contact and Interview streams only: the cohorts the student was enrolled in when the event was recorded |',
];

const PROSE_HEAD = [
  '# Integration events',
  '',
  `Generated from the allow-list in \`packages/bus/src/publicEvents.ts\` by ${PRINT}; do not edit (a test fails when this file differs from what the code prints).`,
  '',
  'What the platform tells other systems of a university — a CRM, a student-success dashboard, an alumni office — about what happens in it, on an Amazon EventBridge bus (an in-process bus of the same shape when run locally). Integration events carry ids, enums, times, counts and flags only: never a name, an email, a message, a note, a question, a goal, a company, a reason or any other text. A consumer that needs more asks the GraphQL API as a user who may see it.',
  '',
  '## Envelope',
  '',
  `Every event has \`source\` = \`${INTEGRATION_SOURCE}\`, \`detail-type\` = \`{streamType}.{eventType}.v{specVersion}\` (e.g. \`${detailTypeOf('Interview', 'OutreachSent')}\`), \`time\` = the event's \`recordedAt\`, and a \`detail\` that begins with these fields, followed by the fields of its detail-type below:`,
  '',
  ...ENVELOPE,
  '',
  'Ids are opaque strings of letters, digits and `_ . : -`; instants are ISO 8601 date-times with `Z` or an offset; enum values are upper-case codes.',
  '',
  '## Subscribing',
  '',
  'The bus is shared by every university on the platform: **a rule that forwards events to a university must match its `detail.tenantId`**, e.g.',
  '',
  '```json',
  `{ "source": ["${INTEGRATION_SOURCE}"], "detail-type": [{ "prefix": "Interview." }], "detail": { "tenantId": ["ten_01J…"] } }`,
  '```',
  '',
  '## Delivery',
  '',
  "- **At least once.** The publisher follows the events table's stream; when a publish fails, the batch is delivered to it again from the first event not published, and events already published go out again. A consumer deduplicates by `detail.eventId` (the same on every copy; the EventBridge `id` differs between copies).",
  "- **Order.** Each stream's events are put on the bus in version order, and a failure holds back everything after it in its stream. EventBridge itself does not promise delivery order, and a retried event can arrive after a later one; `detail.version` (contiguous per stream, counting unpublished internal events too) restores the order where it matters.",
  '- **Corrections.** `Interview.EntryVoided.v1` says that the event at `voidedVersion` of that interview counts as never having happened: a consumer that counted it takes it back.',
  '- **No erasure needed.** Erasing a student makes their personal data unreadable inside the platform; integration events never held any.',
  '- **Replays.** Rebuilding the read models never publishes anything again; a local stream runner that lost its position catches up from the log and may (at least once).',
  '',
  '## Versioning',
  '',
  `- Within \`v${SPEC_VERSION}\` changes are additive only: new detail-types, new fields in a detail, new values of an enum. A consumer ignores fields it does not know and treats an enum value it does not know as "other".`,
  `- A breaking change (a field removed, renamed or retyped; a meaning changed) is a new version of the detail-type, \`.v${SPEC_VERSION + 1}\` with \`specVersion\` ${SPEC_VERSION + 1}, published side by side with the old one until its subscribers have moved; the old one's end is announced here first.`,
  '- Internal event types (below) may become public later, as new detail-types.',
];

/** The public catalog as Markdown: `schema/integration-events.md` is this, printed. */
export const printIntegrationCatalog = (table: PublicationTable = PUBLICATION): string => {
  const events = [...domainEvents()];
  const lines = [...PROSE_HEAD, '', '## Detail types'];
  for (const streamType of new Set(events.map(([, info]) => info.streamType))) {
    lines.push('', `### ${streamType} stream`);
    if (STUDENT_STREAMS.has(streamType)) lines.push('', 'Every event carries `studentId` and `cohortIds`.');
    for (const [type, info] of events) {
      const publication = table[type];
      if (info.streamType !== streamType || !publication?.publish) continue;
      const about = `${publication.about.charAt(0).toUpperCase()}${publication.about.slice(1)}.`;
      lines.push('', `#### \`${detailTypeOf(streamType, type)}\``, '', about);
      const fields = Object.entries(publication.fields);
      if (fields.length === 0) {
        lines.push('', 'No fields beyond the envelope.');
        continue;
      }
      lines.push('', '| field | type | meaning |', '| --- | --- | --- |');
      for (const [name, field] of fields) lines.push(`| \`${name}\` | ${typeOf(info.json, field)} | ${field.about} |`);
    }
  }
  lines.push('', '## Not published', '', 'These domain events stay inside the platform:', '');
  lines.push('| event type | why |', '| --- | --- |');
  for (const [type, info] of events) {
    const publication = table[type];
    if (!publication?.publish) lines.push(`| ${info.streamType} \`${type}\` | ${publication?.why ?? 'not decided'} |`);
  }
  return `${lines.join('\n')}\n`;
};
