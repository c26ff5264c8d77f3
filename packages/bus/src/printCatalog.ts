// Writes schema/integration-events.md from the allow-list: `pnpm exec tsx packages/bus/src/printCatalog.ts`.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printIntegrationCatalog } from './catalogDoc.ts';

const target = resolve(import.meta.dirname, '../../../schema/integration-events.md');
writeFileSync(target, printIntegrationCatalog());
console.log(`wrote ${target}`);
