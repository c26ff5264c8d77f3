import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printIntegrationCatalog } from './catalogDoc.ts';
import { PUBLICATION, type PublicationTable, type Published } from './publicEvents.ts';

const committed = () => readFileSync(resolve(import.meta.dirname, '../../../schema/integration-events.md'), 'utf8');

describe('the public catalog', () => {
  it('is printed in schema/integration-events.md (run `pnpm exec tsx packages/bus/src/printCatalog.ts` after a change)', () => {
    expect(committed()).toBe(printIntegrationCatalog());
  });

  it('has a section for each published detail-type and a line for each internal event type', () => {
    const printed = printIntegrationCatalog();
    const headings = [...printed.matchAll(/^#### `([A-Za-z]+)\.([A-Za-z]+)\.v1`$/gm)].map((m) => m[2]);
    const published = Object.entries(PUBLICATION).filter(([, p]) => p.publish);
    expect(headings).toEqual(published.map(([type]) => type));
    for (const [type, p] of Object.entries(PUBLICATION)) {
      if (!p.publish) expect(printed).toContain(`\`${type}\` | ${p.why} |`);
    }
  });

  it('follows the allow-list: a field added there shows up, typed from the schema', () => {
    const held = PUBLICATION.MeetingHeld as Published;
    const table: PublicationTable = {
      ...PUBLICATION,
      MeetingHeld: {
        ...held,
        fields: { ...held.fields, heldFormat: { from: 'durationMinutes', kind: 'integer', about: 'x' } },
      },
      NotesRecorded: {
        publish: true,
        about: 'notes',
        fields: { interest: { from: 'interestLevel', kind: 'integer', about: 'y' } },
      },
    };
    const printed = printIntegrationCatalog(table);
    expect(printed).not.toBe(printIntegrationCatalog());
    expect(printed).toContain('| `heldFormat` | integer | x |');
    expect(printed).toContain('#### `Interview.NotesRecorded.v1`');
    expect(printed).toContain('| `interest` | integer or null | y |');
    expect(printed).not.toContain('| Interview `NotesRecorded` |');
  });
});
