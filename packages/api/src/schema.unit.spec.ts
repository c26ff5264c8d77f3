import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildSchema, findBreakingChanges } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printedSchema } from './printed.ts';
import { schema } from './schema/index.ts';

const schemaDir = resolve(import.meta.dirname, '../../../schema');
/** The contract as the team shares it, beside the repository on development machines. */
const sharedContract = resolve(import.meta.dirname, '../../../../shared/api-contract.graphql');

describe('the printed schema', () => {
  it('is committed as the code builds it (run `pnpm schema` after changing a type)', () => {
    const committed = readFileSync(resolve(schemaDir, 'schema.graphql'), 'utf8');
    expect(committed).toBe(printedSchema());
  });

  it.runIf(existsSync(sharedContract))('keeps its copy of the contract the same as ../shared', () => {
    expect(readFileSync(resolve(schemaDir, 'api-contract.graphql'), 'utf8')).toBe(readFileSync(sharedContract, 'utf8'));
  });

  it('breaks nothing of the contract (schema/api-contract.graphql) that is built so far', () => {
    const contract = buildSchema(readFileSync(resolve(schemaDir, 'api-contract.graphql'), 'utf8'));
    const breaking = findBreakingChanges(contract, schema).map((c) => `${c.type}: ${c.description}`);
    // What the contract has that the API does not build yet (issue 5 in progress): removals
    // only, and this list may only shrink. Anything else that breaks the contract fails here.
    const notYetBuilt = breaking.filter((b) => /^(TYPE_REMOVED|FIELD_REMOVED): /.test(b));
    expect(breaking.filter((b) => !notYetBuilt.includes(b))).toEqual([]);
    expect(notYetBuilt.length).toBeLessThanOrEqual(BUILT_SO_FAR_MISSING);
  });
});

/** How many contract types and fields are not built yet: lower it as they are (0 closes issue 5). */
const BUILT_SO_FAR_MISSING = 77;
