import { printSchema } from 'graphql';
import { schema } from './schema/index.ts';

/** The schema as SDL, with the header that says where it comes from. */
export const printedSchema = (): string =>
  `# Printed from packages/api/src/schema by \`pnpm schema\`: do not edit by hand.\n\n${printSchema(schema)}\n`;
