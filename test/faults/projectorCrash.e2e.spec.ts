import { localClientConfig } from '@app/local';
import type { StreamConsumer } from '@app/streams';
import { testDb } from '@app/testing';
import { rebuildViews, ViewTable } from '@app/views';
import { seededRandom, seedTenant, World } from '@app/views/fixtures';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extraViewsTable, type ProjectorRun, projectorRun, streamsClient } from './projection.ts';
import { tenantViews } from './tables.ts';

// A projector that crashes mid-batch: the real projector on the local stream runner, its views
// client crashing it at chosen transactions (some after the transaction landed: part of the
// batch written, then the crash; some before it was sent), each crash starting a fresh
// projector as a new Lambda container would, and the runner delivering the whole batch again,
// as Lambda does when the function fails. Once past the crashes it runs clean. Its views must
// then be, item for item, those of a projector that never crashed and those a rebuild makes.

/** Crashes the projector at the chosen transactions of its views client, and says where each one fell. */
class Crashes {
  transactions = 0;
  /** Transactions of the batch in hand that landed before this one. */
  private landedInBatch = 0;
  readonly log: { transaction: number; landedBefore: number; landed: boolean }[] = [];

  constructor(private readonly at: ReadonlySet<number>) {}

  /** A views client that crashes; at the initialize step, above the SDK's retries, which never see the crash. */
  client(): DynamoDBClient {
    const client = new DynamoDBClient(localClientConfig(testDb().endpoint));
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'TransactWriteItemsCommand') return next(args);
        const n = ++this.transactions;
        if (!this.at.has(n)) {
          const result = await next(args);
          this.landedInBatch++;
          return result;
        }
        const landed = this.log.length % 2 === 0;
        if (landed) await next(args);
        this.log.push({ transaction: n, landedBefore: this.landedInBatch, landed });
        throw new Error(`the projector crashed at transaction ${n}${landed ? ', after it landed' : ''}`);
      },
      { step: 'initialize', name: 'crashProjector' },
    );
    return client;
  }

  /** Between the runner and the projector: a crash rethrown (the whole batch fails), and a fresh projector after it. */
  wrap = (fresh: () => StreamConsumer): StreamConsumer => {
    let projector = fresh();
    return {
      name: 'projector',
      consume: async (records) => {
        this.landedInBatch = 0;
        try {
          return await projector.consume(records);
        } catch (error) {
          projector = fresh();
          throw error;
        }
      },
    };
  };
}

/**
 * Eight crash points: the second transaction (the backlog's first batch takes several, so part
 * of that batch is written when it crashes), then every one to three transactions, drawn from a
 * seed: well within the transactions even a quick run makes.
 */
const crashPoints = (seed: number): Set<number> => {
  const random = seededRandom(seed);
  const points = [2];
  while (points.length < 8) points.push((points.at(-1) as number) + 1 + Math.floor(random() * 3));
  return new Set(points);
};

/** Seeded before the projectors start (a backlog: full batches), and while they run (a few events a batch). */
let before: World;
let during: World;
let streams: DynamoDBStreamsClient;
let cleanTable: string;
const crashes = new Crashes(crashPoints(3));
const runs: ProjectorRun[] = [];

beforeAll(async () => {
  before = new World(testDb(), { policy: { timeZone: 'America/Chicago' } });
  during = new World(testDb(), { policy: { timeZone: 'Asia/Kolkata' } });
  await seedTenant(before, { students: 6, events: 250, seed: 5 });
  streams = streamsClient();
  cleanTable = await extraViewsTable('clean');
  const crashing = projectorRun({
    viewsTable: testDb().tables.views,
    streams,
    client: crashes.client(),
    wrap: crashes.wrap,
  });
  const clean = projectorRun({ viewsTable: cleanTable, streams });
  runs.push(crashing, clean);
  await Promise.all(runs.map((r) => r.runner.start()));
  await seedTenant(during, { students: 4, events: 120, seed: 6 });
  await Promise.all(runs.map((r) => r.runner.drain()));
  const at = crashes.log.map((c) => `${c.transaction}${c.landed ? ' landed' : ''} (${c.landedBefore} before it)`);
  console.info(`${crashes.transactions} view transactions; crashed at ${at.join(', ')}`);
}, 60_000);

afterAll(async () => {
  await Promise.all(runs.map((r) => r.runner.stop()));
  streams?.destroy();
  if (cleanTable) await testDb().client.send(new DeleteTableCommand({ TableName: cleanTable }));
});

describe('a projector that crashes mid-batch', () => {
  it('crashed at every chosen point, some with part of the batch written, and gave up on nothing', () => {
    expect(crashes.log).toHaveLength(8);
    expect(crashes.log.filter((c) => c.landed && c.landedBefore > 0).length).toBeGreaterThan(0);
    expect(runs.map((r) => r.givenUp.length)).toEqual([0, 0]);
  });

  it.each([
    ['seeded before it started', () => before],
    ['seeded while it ran', () => during],
  ])(
    'converges, for a tenant %s, to the views of a projector that never crashed, and of a rebuild',
    async (_, world) => {
      const w = world();
      const { client, tables } = testDb();
      // every item of the tenant's generation, checkpoints included (they agree too); not compared:
      // the runners' positions (`_local#StreamPosition#…`: when each runner stored which sequence
      // number, not views) and the generations item (the rebuild's own)
      const crashed = await tenantViews(client, tables.views, w.tenantId, 1);
      expect(crashed.length).toBeGreaterThan(150);
      expect(crashed).toEqual(await tenantViews(client, cleanTable, w.tenantId, 1));

      const rebuilt = await rebuildViews({
        store: w.store,
        views: new ViewTable(client, tables.views),
        eventsTable: tables.events,
        tenantId: w.tenantId,
        projectorCacheMs: 0,
        clock: () => Date.parse(w.now) + 60_000,
      });
      expect(rebuilt.generation).toBe(2);
      expect(await tenantViews(client, tables.views, w.tenantId, 2)).toEqual(crashed);
    },
  );
});
