import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// packages/domain is pure: the clock, ids and randomness arrive in the context, and it talks
// to nothing (Biome refuses @aws-sdk and node:crypto/fs imports; this covers what Biome cannot).

const src = resolve(import.meta.dirname);
const sources = (readdirSync(src, { recursive: true }) as string[])
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
  .map((file) => ({ file, text: readFileSync(join(src, file), 'utf8') }));

const IMPURE: readonly [RegExp, string][] = [
  [/\bDate\.now\s*\(/, 'Date.now()'],
  [/\bnew Date\(\s*\)/, 'new Date()'],
  [/\bMath\.random\s*\(/, 'Math.random()'],
  [/\bDateTime\.(now|local)\s*\(\s*\)/, 'the clock through Luxon'],
  [/\bperformance\.now\s*\(/, 'performance.now()'],
  [/\bcrypto\./, 'crypto'],
  [/\bprocess\./, 'process'],
  [/\bfetch\s*\(/, 'fetch()'],
];
const ALLOWED_IMPORTS = /^(\.{1,2}\/|@app\/core$|zod$|luxon$)/;

describe('packages/domain', () => {
  it('reads no clock and no random source of its own', () => {
    expect(sources.length).toBeGreaterThan(20);
    const found = sources.flatMap(({ file, text }) =>
      IMPURE.filter(([pattern]) => pattern.test(text)).map(([, what]) => `${file}: ${what}`),
    );
    expect(found).toEqual([]);
  });

  it('imports only the core, zod, luxon and itself', () => {
    const imports = sources.flatMap(({ file, text }) =>
      [...text.matchAll(/^import[^'"]*['"]([^'"]+)['"]/gm)].map((m) => ({ file, from: m[1] as string })),
    );
    expect(imports.length).toBeGreaterThan(20);
    expect(imports.filter(({ from }) => !ALLOWED_IMPORTS.test(from))).toEqual([]);
  });
});
