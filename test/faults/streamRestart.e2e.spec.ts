import type { EventRecord, StreamConsumer } from '@app/streams';
import { until } from '@app/streams/fixtures';
import { testDb } from '@app/testing';
import { ViewTable, viewKeys } from '@app/views';
import { type Seeded, seedTenant, World } from '@app/views/fixtures';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extraViewsTable, type ProjectorRun, projectorRun, streamsClient } from './projection.ts';
import { countBy, storedEvents, tenantViews } from './tables.ts';

// The stream runtime restarted from its stored position, on the local stack's projector, while
// a university keeps writing: stopped cleanly, started again; killed right after the projector
// wrote a batch's views but before the position was stored; killed with a batch in hand before
// anything of it was written. Each time a new runner and a new projector start from the stored
// positions, as a restarted `pnpm dev` would. Every event must reach the projector, and only
// the batch whose position was never stored may reach it twice; the projector's checkpoints
// must make that harmless: its counters equal the store's events.

type Kill = 'afterViews' | 'beforeViews';

/** Between each runner and its projector: what every batch handled, and a kill on demand. */
class Deliveries {
  /** `pk/version` of each record, per batch the projector finished (its views written). */
  readonly batches: { runner: number; keys: string[] }[] = [];
  readonly failures: string[] = [];
  killed: { kind: Kill; runner: number; keys: string[] } | undefined;
  private kill: { kind: Kill; done: () => void } | undefined;

  /** A consumer for runner number `runner`: the projector, watched. */
  wrap =
    (runner: number) =>
    (fresh: () => StreamConsumer): StreamConsumer => {
      const projector = fresh();
      return {
        name: 'projector',
        consume: async (records) => {
          const keys = records.map(keyOf);
          const kill = this.kill;
          if (kill?.kind === 'beforeViews') return this.die(kill, runner, keys);
          const result = await projector.consume(records);
          this.failures.push(...result.failed);
          this.batches.push({ runner, keys });
          if (kill?.kind === 'afterViews') return this.die(kill, runner, keys);
          return result;
        },
      };
    };

  /** Kills the runner at its next batch: resolves once it is dead. */
  killNext(kind: Kill): Promise<void> {
    return new Promise((done) => {
      this.kill = { kind, done };
    });
  }

  /** Handled by a runner of this number. */
  count(runner: number): number {
    return this.batches.filter((b) => b.runner === runner).reduce((n, b) => n + b.keys.length, 0);
  }

  /** The process is gone: the handler never returns, so the runner never stores the position. */
  private die(kill: NonNullable<Deliveries['kill']>, runner: number, keys: string[]): Promise<never> {
    this.kill = undefined;
    this.killed = { kind: kill.kind, runner, keys };
    kill.done();
    return new Promise<never>(() => {});
  }
}

const keyOf = (record: EventRecord) => `${record.item.pk?.S}/${record.item.sk?.N}`;

/** Counters of the students' progress, and the event each counts (once each: a double apply counts twice). */
const COUNTED = {
  contacts: 'ContactAdded',
  outreachSent: 'OutreachSent',
  followUpsSent: 'FollowUpSent',
  repliesReceived: 'ReplyReceived',
  meetingsScheduled: 'MeetingScheduled',
  meetingsHeld: 'MeetingHeld',
} as const;

let w: World;
let seeded: Seeded;
/** Events written after the season (a contact and an interview at a time). */
let trickled = 0;
let streams: DynamoDBStreamsClient;
let referenceTable: string;
const deliveries = new Deliveries();
/** The runners still running at the end (the reference and the last one): the killed ones hang for good. */
const alive: ProjectorRun[] = [];
const killedAfterViews: string[] = [];
const killedBeforeViews: string[] = [];

/** Starts runner number `n` (a new projector) from the stored positions, and waits until it has handled `records`. */
const startRunner = async (n: number, records: number): Promise<ProjectorRun> => {
  const run = projectorRun({ viewsTable: testDb().tables.views, streams, wrap: deliveries.wrap(n) });
  await run.runner.start();
  await until(() => deliveries.count(n) >= records, 20_000, `runner ${n} handling ${records} records`);
  return run;
};

/** Kills the running runner at its next batch (it is left hanging, as a dead process would be); answers that batch. */
const kill = async (kind: Kill): Promise<string[]> => {
  await deliveries.killNext(kind);
  return deliveries.killed?.keys ?? [];
};

beforeAll(async () => {
  w = new World(testDb(), { policy: { timeZone: 'Europe/Lisbon' } });
  streams = streamsClient();
  referenceTable = await extraViewsTable('reference');
  const reference = projectorRun({ viewsTable: referenceTable, streams });
  await reference.runner.start();
  alive.push(reference);
  // the university's season, then its students adding contacts and interviews until the last runner is up
  const season = seedTenant(w, { students: 5, events: 160, seed: 9 });
  let writing = true;
  const trickle = (async () => {
    const { students } = await season;
    for (let i = 0; writing; i++) {
      const student = students[i % students.length] as string;
      await w.plan(student, await w.contact(student));
      trickled += 2;
    }
  })();

  const first = await startRunner(1, 30);
  await first.runner.stop();
  // the university writes on while no projector runs
  await new Promise((done) => setTimeout(done, 300));
  await startRunner(2, 25);
  killedAfterViews.push(...(await kill('afterViews')));
  await startRunner(3, 25);
  killedBeforeViews.push(...(await kill('beforeViews')));
  const last = await startRunner(4, 1);
  alive.push(last);
  writing = false;
  seeded = await season;
  await trickle;
  await Promise.all(alive.map((r) => r.runner.drain()));
  const handled = [1, 2, 3, 4].map((n) => deliveries.count(n));
  console.info(
    `${seeded.events + trickled} events; records handled by runners 1–4: ${handled.join(', ')}; ` +
      `killed after the views with ${killedAfterViews.length}, before them with ${killedBeforeViews.length} in hand`,
  );
}, 60_000);

afterAll(async () => {
  // the killed runners hang in their handler for good: only the others stop
  await Promise.all(alive.map((r) => r.runner.stop()));
  streams?.destroy();
  if (referenceTable) await testDb().client.send(new DeleteTableCommand({ TableName: referenceTable }));
});

describe('the stream runtime restarted from its stored position', () => {
  it('hands every event to the projector, and only the batch whose position was never stored twice', async () => {
    const events = (await storedEvents(testDb().client, testDb().tables.events)).filter(
      (e) => e.tenantId === w.tenantId,
    );
    expect(events.length).toBe(seeded.events + trickled);
    const handled = countBy(
      deliveries.batches.flatMap((b) => b.keys),
      (key) => key,
    );
    expect(events.filter((e) => !handled.has(`${e.pk}/${e.version}`))).toEqual([]);
    expect(killedAfterViews.length).toBeGreaterThan(0);
    expect(killedBeforeViews.length).toBeGreaterThan(0);
    const twice = [...handled].filter(([, n]) => n > 1).map(([key]) => key);
    expect(twice.sort()).toEqual([...killedAfterViews].sort());
    expect(deliveries.failures).toEqual([]);
    // each runner took over from the last: four of them handled part of the load
    expect(new Set(deliveries.batches.map((b) => b.runner))).toEqual(new Set([1, 2, 3, 4]));
  });

  it('applies each event once: the counters equal the events in the store, and the views a run without restarts', async () => {
    const { client, tables } = testDb();
    const events = (await storedEvents(client, tables.events)).filter((e) => e.tenantId === w.tenantId);
    const ofType = countBy(events, (e) => e.type);
    const views = new ViewTable(client, tables.views);
    const scope = { tenantId: w.tenantId, generation: 1 };
    const progress = await Promise.all(seeded.students.map((s) => views.get(viewKeys.studentProgress(scope, s))));
    const sum = (name: string) => progress.reduce((n, p) => n + (typeof p?.[name] === 'number' ? p[name] : 0), 0);
    const counters = Object.entries(COUNTED);
    expect(counters.reduce((n, [, type]) => n + (ofType.get(type) ?? 0), 0)).toBeGreaterThan(60);
    expect(Object.fromEntries(counters.map(([counter]) => [counter, sum(counter)]))).toEqual(
      Object.fromEntries(counters.map(([counter, type]) => [counter, ofType.get(type) ?? 0])),
    );
    const restarted = await tenantViews(client, tables.views, w.tenantId, 1);
    expect(restarted.length).toBeGreaterThan(150);
    expect(restarted).toEqual(await tenantViews(client, referenceTable, w.tenantId, 1));
  });
});
