import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from './rules.ts';

const here = import.meta.dirname;
const copy = readFileSync(resolve(here, 'RULES.md'), 'utf8');

/** The rule rows of RULES.md: `| \`CODE\` | kind | rule | default | source |`. */
const parse = (markdown: string) =>
  markdown
    .split('\n')
    .filter((line) => /^\| `[A-Z_]+` \|/.test(line))
    .map((line) => line.split('|').map((cell) => cell.trim()))
    .filter((cells) => cells.length >= 7)
    .map((cells) => ({
      code: (cells[1] as string).replaceAll('`', ''),
      kind: (cells[2] as string).replace(/^soft \(flag.*\)$/, 'flag'),
      source: cells[5] === '—' ? null : (cells[5] as string),
    }));

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
