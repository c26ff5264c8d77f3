import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildSchema, findBreakingChanges, type GraphQLSchema } from 'graphql';
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
    // What the contract has that the API does not build yet (issue 5 in progress) may be missing;
    // nothing may be changed. The count of contract fields not built may only go down.
    const missing = notBuilt(contract, schema);
    expect(breaking.filter((b) => !/^(TYPE_REMOVED|FIELD_REMOVED|VALUE_REMOVED_FROM_ENUM): /.test(b))).toEqual([]);
    expect(missing.length).toBeLessThanOrEqual(NOT_BUILT_YET);
  });
});

/** Contract fields (and enum values, scalars) the schema does not have. */
const notBuilt = (contract: GraphQLSchema, built: GraphQLSchema): string[] => {
  const missing: string[] = [];
  for (const type of Object.values(contract.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    const ours = built.getType(type.name);
    if ('getFields' in type) {
      const fields = ours && 'getFields' in ours ? ours.getFields() : {};
      for (const name of Object.keys(type.getFields())) if (!(name in fields)) missing.push(`${type.name}.${name}`);
    } else if ('getValues' in type) {
      const values = new Set(ours && 'getValues' in ours ? ours.getValues().map((v) => v.name) : []);
      for (const v of type.getValues()) if (!values.has(v.name)) missing.push(`${type.name}.${v.name}`);
    } else if (!ours) missing.push(type.name);
  }
  return missing;
};

/** How many contract fields are not built yet: lower it as they are (0 closes issue 5). */
const NOT_BUILT_YET = 0;
