import { testDb } from '@app/testing';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { ViewReader } from './analytics.ts';
import { seedTenant } from './fixtures/seed.ts';
import { World } from './fixtures/world.ts';
import { viewKeys } from './keys.ts';
import { pruneGenerations } from './prune.ts';
import { RebuildInProgressError, rebuildViews, UnknownTenantError } from './rebuild.ts';
import { cohortAnalyticsAsOf } from './timeTravel.ts';

/** A tenant's views of one generation, keys without the generation, counters at 0 and empty items left out. */
const generationOf = async (w: World, generation: number) => {
  const prefix = `${w.tenantId}#g${generation}#`;
  const rows: Record<string, unknown>[] = [];
  let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
  do {
    const page = await w.db.client.send(
      new ScanCommand({
        TableName: w.db.tables.views,
        ConsistentRead: true,
        ...(start && { ExclusiveStartKey: start }),
      }),
    );
    for (const item of page.Items ?? []) {
      const row = unmarshall(item);
      if (!String(row.pk).startsWith(prefix)) continue;
      const kept = Object.entries(row).filter(([, v]) => v !== 0);
      if (kept.length <= 2) continue;
      const strip = (v: unknown) => (typeof v === 'string' ? v.replace(prefix, `${w.tenantId}#g#`) : v);
      rows.push(Object.fromEntries(kept.map(([k, v]) => [k, strip(v)])));
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return rows.sort((a, b) => `${a.pk}\n${a.sk}`.localeCompare(`${b.pk}\n${b.sk}`));
};

const projectAll = async (w: World) => {
  const records = await w.records();
  for (let i = 0; i < records.length; i += 100) {
    expect((await w.projector().consume(records.slice(i, i + 100))).failed).toEqual([]);
  }
  return records.length;
};

describe('rebuilding the views', () => {
  it('builds, from the log, the same views item for item as the live projector did (20 students, 2,000 events)', async () => {
    const w = new World(testDb(), { policy: { timeZone: 'Europe/Berlin' } });
    const seeded = await seedTenant(w, { students: 20, events: 2_000, seed: 7 });
    expect(seeded.events).toBeGreaterThanOrEqual(2_000);
    expect(await projectAll(w)).toBe(seeded.events);

    const progress: string[] = [];
    const result = await rebuildViews({
      store: w.store,
      views: w.views,
      eventsTable: w.db.tables.events,
      tenantId: w.tenantId,
      projectorCacheMs: 0,
      clock: () => Date.parse(w.now) + 60_000,
      onProgress: (p) => progress.push(p.phase),
      // A small memory for shared items, so the replay spills them to files and merges them back.
      sharedInMemory: 500,
    });
    expect(result).toMatchObject({ generation: 2, previous: 1, events: seeded.events });
    expect(result.spills).toBeGreaterThan(3);
    expect(progress).toContain('replay');
    expect(progress.at(-1)).toBe('switched');

    const live = await generationOf(w, 1);
    const rebuilt = await generationOf(w, 2);
    expect(live.length).toBeGreaterThan(200);
    expect(rebuilt).toEqual(live);
    expect(await new ViewReader(w.views).scope(w.tenantId)).toEqual({ tenantId: w.tenantId, generation: 2 });

    // The old generation goes; the serving one and another tenant's views stay.
    const other = new World(w.db);
    await other.provision();
    expect(await projectAll(other)).toBeGreaterThan(0);
    const othersBefore = await generationOf(other, 1);
    expect(othersBefore.length).toBeGreaterThan(0);
    const pruned = await pruneGenerations({ views: w.views, tenantId: w.tenantId });
    expect(pruned.generations).toEqual([1]);
    expect(pruned.deleted).toBeGreaterThanOrEqual(live.length);
    expect(await generationOf(w, 1)).toEqual([]);
    expect(await generationOf(w, 2)).toEqual(live);
    expect(await generationOf(other, 1)).toEqual(othersBefore);
    expect(await pruneGenerations({ views: w.views, tenantId: w.tenantId })).toEqual({ generations: [], deleted: 0 });
  }, 240_000);

  it('refuses a second rebuild while one is building', async () => {
    const w = new World(testDb());
    await w.provision();
    await w.views.client.send(
      new (await import('@aws-sdk/client-dynamodb')).PutItemCommand({
        TableName: w.db.tables.views,
        Item: {
          pk: { S: viewKeys.generations(w.tenantId).pk },
          sk: { S: viewKeys.generations(w.tenantId).sk },
          serving: { N: '1' },
          latest: { N: '2' },
          building: { N: '2' },
        },
      }),
    );
    await expect(
      rebuildViews({ store: w.store, views: w.views, eventsTable: w.db.tables.events, tenantId: w.tenantId }),
    ).rejects.toThrow(RebuildInProgressError);

    // A prune meanwhile keeps the generation being built as well as the serving one.
    const { PutItemCommand } = await import('@aws-sdk/client-dynamodb');
    for (const g of [1, 2, 3]) {
      await w.views.client.send(
        new PutItemCommand({
          TableName: w.db.tables.views,
          Item: { pk: { S: `${w.tenantId}#g${g}#TenantSummary` }, sk: { S: 'summary' }, members_STUDENT: { N: '1' } },
        }),
      );
    }
    expect(await pruneGenerations({ views: w.views, tenantId: w.tenantId })).toEqual({ generations: [3], deleted: 1 });
    expect((await generationOf(w, 1)).length + (await generationOf(w, 2)).length).toBe(2);
  });
});

it('refuses a tenant the store does not hold', async () => {
  const w = new World(testDb());
  await expect(
    rebuildViews({ store: w.store, views: w.views, eventsTable: w.db.tables.events, tenantId: w.tenantId }),
  ).rejects.toThrow(UnknownTenantError);
});

describe('time travel', () => {
  it('shows a cohort as it stood at an instant: the figures the live views gave then', async () => {
    const w = new World(testDb(), { policy: { timeZone: 'America/Chicago' } });
    const seeded = await seedTenant(w, { students: 8, events: 400, seed: 3 });
    await projectAll(w);
    const cohortId = seeded.cohorts[0] as string;
    const asOf = w.now;
    const range = { from: '2026-09-01', to: '2026-12-31' };
    const reader = new ViewReader(w.views);
    const then = await reader.cohortAnalytics({ tenantId: w.tenantId, generation: 1 }, cohortId, {
      ...range,
      now: asOf,
    });

    w.later(24 * 30);
    await seedMore(w, seeded.students);
    await projectAll(w);
    const nowFigures = await reader.cohortAnalytics({ tenantId: w.tenantId, generation: 1 }, cohortId, {
      ...range,
      now: w.now,
    });
    expect(nowFigures.contactsAdded).toBeGreaterThan(then.contactsAdded);

    const travelled = await cohortAnalyticsAsOf({
      store: w.store,
      tenantId: w.tenantId,
      cohortId,
      ...range,
      asOf,
      now: w.now,
    });
    const plain = async (a: typeof then) => ({
      ...a,
      series: await a.series('WEEK'),
      atRiskStudents: await a.atRiskStudents(),
    });
    expect(await plain(travelled)).toEqual(await plain(then));
  }, 120_000);

  it('refuses an instant in the future or one that is not a time, naming asOf', async () => {
    const w = new World(testDb());
    const base = { store: w.store, tenantId: w.tenantId, cohortId: 'coh_x', from: '2026-09-01', to: '2026-09-30' };
    await expect(cohortAnalyticsAsOf({ ...base, asOf: '2030-01-01T00:00:00Z', now: w.now })).rejects.toThrow(/asOf/);
    await expect(cohortAnalyticsAsOf({ ...base, asOf: 'week 6', now: w.now })).rejects.toThrow(/asOf/);
  });
});

/** More contacts for the students, a month later. */
const seedMore = async (w: World, students: readonly string[]) => {
  for (const s of students.slice(0, 4)) await w.contact(s, { company: 'Delta' });
};
