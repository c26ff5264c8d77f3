/** A rule row of RULES.md: `| \`CODE\` | kind | rule | default | source |`. */
export interface RuleRow {
  readonly code: string;
  readonly kind: string;
  readonly source: string | null;
}

/** The rule rows of RULES.md's tables, in order (a flag's kind reads `flag`, an empty source `null`). */
export const parseRulesTable = (markdown: string): RuleRow[] =>
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
