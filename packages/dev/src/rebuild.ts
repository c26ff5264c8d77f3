/**
 * `pnpm views:rebuild --tenant T`: rebuilds a tenant's views from its log into a new
 * generation (DESIGN.md §6), against the stack `pnpm dev` runs (or `--endpoint`). The old
 * generation serves reads until the new one is within a second of live.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseTenantId } from '@app/core';
import { localClientConfig } from '@app/local';
import { tableNames } from '@app/tables';
import {
  pruneGenerations,
  RebuildInProgressError,
  rebuildViews,
  UnknownTenantError,
  VIEW_NAMES,
  ViewTable,
  viewsStore,
} from '@app/views';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { progressBar } from './progress.ts';
import { readDevState } from './stack.ts';

const root = resolve(import.meta.dirname, '../../..');

const usage = `usage: pnpm views:rebuild --tenant ten_… [--view NAME] [--rate N] [--endpoint URL] [--force] [--keep-old]
  --tenant ID     the tenant whose views to rebuild
  --view NAME     a view to rebuild (${VIEW_NAMES.join(', ')}); the views of a generation
                  share one checkpoint per source stream, so the whole generation is rebuilt
  --rate N        at most N events a second (default: as fast as DynamoDB takes them)
  --endpoint URL  DynamoDB (default: the one \`pnpm dev\` is running)
  --force         take over a rebuild that was left unfinished
  --keep-old      keep the generations before the new one (by default their items are deleted
                  once reads have switched; run again later to remove what stale projectors wrote)`;

const fail = (message: string): never => {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
};

const main = async () => {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        tenant: { type: 'string' },
        view: { type: 'string' },
        rate: { type: 'string' },
        endpoint: { type: 'string' },
        force: { type: 'boolean', default: false },
        'keep-old': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    return fail((error as Error).message);
  }
  if (values.help) return console.log(usage);
  if (typeof values.tenant !== 'string') return fail('--tenant is required');
  let tenantId: ReturnType<typeof parseTenantId>;
  try {
    tenantId = parseTenantId(values.tenant);
  } catch {
    return fail(`--tenant must be a tenant id (ten_ and 26 characters), got "${values.tenant}"`);
  }
  if (values.view !== undefined && !(VIEW_NAMES as readonly unknown[]).includes(values.view)) {
    return fail(`--view must be one of ${VIEW_NAMES.join(', ')}, got "${String(values.view)}"`);
  }
  const rate = values.rate === undefined ? undefined : Number(values.rate);
  if (rate !== undefined && !(Number.isFinite(rate) && rate > 0)) {
    return fail(`--rate must be a positive number of events a second, got "${String(values.rate)}"`);
  }
  const dev = readDevState(resolve(root, '.data'));
  const endpoint = typeof values.endpoint === 'string' ? values.endpoint : dev?.endpoint;
  if (!endpoint) return fail('no DynamoDB to talk to: start `pnpm dev`, or pass --endpoint');
  const tables = dev?.tables ?? tableNames();

  const client = new DynamoDBClient(localClientConfig(endpoint));
  const bar = progressBar(process.stderr);
  try {
    const result = await rebuildViews({
      store: viewsStore({ client, eventsTable: tables.events, viewsTable: tables.views }),
      views: new ViewTable(client, tables.views),
      eventsTable: tables.events,
      tenantId,
      force: values.force === true,
      ...(rate && { ratePerSecond: rate }),
      onProgress: (p) => bar.update(p.streams, p.totalStreams, `streams, ${p.events} events, ${p.phase}`),
    });
    bar.done();
    console.log(
      `generation ${result.generation} serves ${tenantId} (was ${result.previous}): ${result.events} events of ${result.streams} streams replayed up to ${result.highWaterMark}, ${result.caughtUp} caught up after it`,
    );
    if (values['keep-old'] !== true) {
      const pruned = await pruneGenerations({ views: new ViewTable(client, tables.views), tenantId });
      console.log(
        pruned.deleted > 0
          ? `deleted ${pruned.deleted} items of generation ${pruned.generations.join(', ')}`
          : 'no older generation to delete',
      );
    }
  } catch (error) {
    bar.done();
    if (error instanceof RebuildInProgressError || error instanceof UnknownTenantError) return fail(error.message);
    throw error;
  } finally {
    client.destroy();
  }
};

await main();
