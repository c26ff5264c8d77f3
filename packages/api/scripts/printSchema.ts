/** `pnpm schema`: prints the API's schema, as the code builds it, to schema/schema.graphql. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printedSchema } from '../src/printed.ts';

const file = resolve(import.meta.dirname, '../../../schema/schema.graphql');
writeFileSync(file, printedSchema());
console.log(`wrote ${file}`);
