import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOMAIN_EVENTS, printCatalog } from './catalog.ts';

describe('the event catalog', () => {
  it('is printed in schema/events.md (run `pnpm catalog` after changing an event)', () => {
    const committed = readFileSync(resolve(import.meta.dirname, '../../../schema/events.md'), 'utf8');
    expect(committed).toBe(printCatalog());
  });

  it('names each event type once, in PascalCase past tense', () => {
    const types = Object.values(DOMAIN_EVENTS).flatMap((definitions) => definitions.map((d) => d.type));
    expect(new Set(types).size).toBe(types.length);
    for (const type of types) {
      expect(type).toMatch(/^[A-Z][a-zA-Z]+$/);
      expect(type, 'a past-tense verb').toMatch(/(ed|Due|Overdue|Sent|Held|Made|Withdrawn)(?=[A-Z]|$)/);
    }
  });
});
