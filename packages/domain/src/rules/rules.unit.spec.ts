import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from './rules.ts';
import { parseRulesTable as parse } from './rulesTable.ts';

const here = import.meta.dirname;
const copy = readFileSync(resolve(here, 'RULES.md'), 'utf8');

describe('RULES.md', () => {
  it('has every rule in the registry with its kind and source, and nothing more', () => {
    const rows = parse(copy);
    expect(rows.length).toBeGreaterThan(30);
    expect(Object.keys(RULES).sort()).toEqual(rows.map((r) => r.code).sort());
    for (const row of rows)
      expect(RULES[row.code as keyof typeof RULES], row.code).toEqual({ kind: row.kind, source: row.source });
  });

  it('is kept as a copy equal to the shared one', () => {
    const shared = resolve(here, '../../../../../shared/RULES.md');
    if (!existsSync(shared)) {
      console.warn(`no ${shared} beside the repository: the copy was not compared`);
      return;
    }
    expect(copy).toBe(readFileSync(shared, 'utf8'));
  });
});
