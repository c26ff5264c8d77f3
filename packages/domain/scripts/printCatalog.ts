// `pnpm catalog`: writes schema/events.md from the event declarations.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printCatalog } from '../src/catalog.ts';

const target = resolve(import.meta.dirname, '../../../schema/events.md');
writeFileSync(target, printCatalog());
console.log(`wrote ${target}`);
