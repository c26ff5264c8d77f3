import { createTableInput, VIEWS_TABLE } from '@app/tables';
import { testDb } from '@app/testing';
import { CreateTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { ViewReader } from './analytics.ts';
import { runScenario } from './fixtures/scenario.ts';
import { World } from './fixtures/world.ts';
import { viewKeys } from './keys.ts';
import { ViewTable } from './viewTable.ts';

const extraViewsTable = async (suffix: string) => {
  const db = testDb();
  const name = `${db.tables.views}_${suffix}`;
  await db.client.send(new CreateTableCommand(createTableInput(VIEWS_TABLE, name)));
  return new ViewTable(db.client, name);
};

/** Every item of a views table, sorted, counters at 0 left out (as good as absent): two tables built alike compare equal. */
const dump = async (views: ViewTable) => {
  const rows: Record<string, unknown>[] = [];
  let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
  do {
    const page = await views.client.send(
      new ScanCommand({ TableName: views.table, ConsistentRead: true, ...(start && { ExclusiveStartKey: start }) }),
    );
    for (const item of page.Items ?? []) {
      rows.push(Object.fromEntries(Object.entries(unmarshall(item)).filter(([, v]) => v !== 0)));
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return rows.sort((a, b) => `${a.pk}\n${a.sk}`.localeCompare(`${b.pk}\n${b.sk}`));
};

/** A seeded shuffle (mulberry32), so a failure can be replayed. */
const shuffled = <T>(items: readonly T[], seed: number): T[] => {
  let a = seed;
  const random = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
};

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

describe('the projector', () => {
  it('builds the same views from batches delivered twice and shuffled as from one ordered delivery', async () => {
    const w = new World(testDb(), { policy: { timeZone: 'America/New_York' } });
    await runScenario(w);
    const records = await w.records();
    expect(records.length).toBeGreaterThan(35);

    const ordered = await extraViewsTable('ordered');
    for (const batch of chunks(records, 10)) {
      expect((await w.projector(ordered).consume(batch)).failed).toEqual([]);
    }

    const messy = await extraViewsTable('messy');
    const deliveries = [...chunks(shuffled(records, 7), 13), ...chunks(shuffled(records, 11), 9)];
    for (const batch of deliveries) {
      const doubled = [...batch, ...batch.slice(0, 3)];
      expect((await w.projector(messy).consume(doubled)).failed).toEqual([]);
    }
    // and once more, whole, in reverse: already applied, so nothing moves
    expect((await w.projector(messy).consume([...records].reverse())).failed).toEqual([]);

    const expected = await dump(ordered);
    expect(expected.length).toBeGreaterThan(30);
    expect(await dump(messy)).toEqual(expected);
  });

  it('records the checkpoint of every source stream at its last version', async () => {
    const w = new World(testDb());
    const { students } = await runScenario(w);
    const records = await w.records();
    expect((await w.projector().consume(records)).failed).toEqual([]);
    const lastOf = new Map<string, number>();
    for (const r of records) lastOf.set(r.item.pk?.S as string, Number(r.item.sk?.N));
    for (const [pk, last] of lastOf) {
      const row = await w.views.get(viewKeys.checkpoint({ tenantId: w.tenantId, generation: 1 }, pk), true);
      expect([pk, row?.v]).toEqual([pk, last]);
    }
    const progress = await w.views.get(
      viewKeys.studentProgress({ tenantId: w.tenantId, generation: 1 }, students[0] as string),
    );
    expect(progress).toMatchObject({
      contacts: 2,
      outreachSent: 1,
      meetingsHeld: 1,
      thankYousSent: 1,
      thankYousOnTime: 1,
    });
  });
});

describe('month items', () => {
  it('give a month-aligned range the figures its days add up to', async () => {
    const w = new World(testDb(), { policy: { timeZone: 'America/New_York' } });
    const { cohortA } = await runScenario(w);
    expect((await w.projector().consume(await w.records())).failed).toEqual([]);
    const scope = { tenantId: w.tenantId, generation: 1 };
    const pk = viewKeys.cohortDaily(scope, cohortA);
    const days = await w.views.query(pk, { from: 'day#2026-09-01', to: 'day#2026-09-30' });
    const active = await w.views.query(pk, { from: 'act#2026-09-01', to: 'act#2026-09-30' });
    const sum = (name: string) => days.reduce((n, d) => n + (typeof d[name] === 'number' ? (d[name] as number) : 0), 0);
    const students = new Set(
      active.flatMap((d) => Object.keys(d).filter((k) => k.startsWith('a_') && (d[k] as number) > 0)),
    );

    const september = await new ViewReader(w.views).cohortAnalytics(scope, cohortA, {
      from: '2026-09-01',
      to: '2026-09-30',
      now: w.now,
    });
    expect(sum('n_outreachSent')).toBeGreaterThan(0);
    expect(september).toMatchObject({
      outreachSent: sum('n_outreachSent'),
      repliesReceived: sum('n_repliesReceived'),
      meetingsHeld: sum('n_meetingsHeld'),
      thankYousSent: sum('n_thankYousSent'),
      contactsAdded: sum('n_contactsAdded'),
      activeStudents: students.size,
    });
  });
});
