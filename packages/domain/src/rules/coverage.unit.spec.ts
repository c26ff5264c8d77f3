import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRulesTable } from './rulesTable.ts';

// Every rule of RULES.md has a test: its code is asserted in some spec of the domain (a
// refusal's rule, an advice code, a question flag, a deadline's outcome). Specs that only
// list codes (the registry's own) do not count, nor does a line that only checks its absence.

const src = resolve(import.meta.dirname, '..');
const specs = (readdirSync(src, { recursive: true }) as string[])
  .filter((file) => file.endsWith('.spec.ts') && !file.startsWith('rules'))
  .map((file) => ({ file: relative(src, join(src, file)), text: readFileSync(join(src, file), 'utf8') }));

const asserted = (code: string) =>
  specs.filter(({ text }) =>
    text
      .split('\n')
      .some((line) => line.includes(`'${code}'`) && !/^\s*\/\//.test(line) && !line.includes('withoutAdvice(')),
  );

describe('the rules of RULES.md', () => {
  const rows = parseRulesTable(readFileSync(resolve(import.meta.dirname, 'RULES.md'), 'utf8'));

  it.each(rows.map((row) => row.code))('%s is asserted by a test', (code) => {
    expect(
      asserted(code).map((s) => s.file),
      `no spec asserts ${code}`,
    ).not.toEqual([]);
  });

  it('are all read from the file', () => {
    expect(rows.length).toBeGreaterThan(30);
    expect(specs.length).toBeGreaterThan(10);
  });
});
