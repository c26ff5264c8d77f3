/**
 * `pnpm bench:views`: the views on one DynamoDB Local, in one run. First DynamoDB Local's own
 * ceilings on this machine (puts/s, two-item transactions/s, batch-written items/s); then
 * projection lag (append → in the views) at a steady 50 appends/s and at higher steady rates;
 * then a tenant of 10,000 and one of 200,000 events, rebuilt in a child process each (events/s,
 * peak RSS), and `CohortAnalytics` over a year on both (medians, and their ratio).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TenantId } from '@app/core';
import { newTenantId } from '@app/event-store';
import { createTables, localClientConfig, startDynamoLocal } from '@app/local';
import { LocalStreamRunner, type StreamConsumer, streamBatchHandler } from '@app/streams';
import { tableNames } from '@app/tables';
import { createProjector, rebuildViews, ViewReader, ViewTable, viewsStore } from '@app/views';
import { makeStore, simulateTenant, World } from '@app/views/fixtures';
import {
  BatchWriteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { percentile, throughput, timed } from './stats.ts';

const SMALL = 10_000;
const LARGE = Number(process.env.BENCH_LARGE ?? 200_000);
const STUDENTS = 100;
const HEAP_MB = Number(process.env.BENCH_REBUILD_HEAP_MB ?? 96);
const STEADY_SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? 20);
const STEP_SECONDS = Number(process.env.BENCH_STEP_SECONDS ?? 10);
/** Which parts to run: `BENCH_PHASES=views` skips the lag phase (the ceilings always run). */
const PHASES = new Set((process.env.BENCH_PHASES ?? 'lag,views').split(','));
const median = (xs: readonly number[]) => percentile(xs, 50);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const ceilings = async (client: DynamoDBClient, table: string) => {
  const item = (i: number, p: string) => ({
    pk: { S: `bench#${p}#${i}` },
    sk: { S: 'x' },
    n: { N: String(i) },
    body: { S: 'x'.repeat(300) },
  });
  // DynamoDB Local warms up (JIT, its SQLite pages): one untimed second first.
  await throughput(1, 8, async (i) => {
    await client.send(new PutItemCommand({ TableName: table, Item: item(i, 'warm') }));
    return 1;
  });
  // DynamoDB Local warms up (its JIT, its SQLite pages): untimed seconds first.
  await throughput(5, 8, async (i) => {
    await client.send(new PutItemCommand({ TableName: table, Item: item(i, 'warm') }));
    return 1;
  });
  const put1 = await throughput(3, 1, async (i) => {
    await client.send(new PutItemCommand({ TableName: table, Item: item(i, 'put1') }));
    return 1;
  });
  const tx1 = await throughput(3, 1, async (i) => {
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: table, Item: item(i, 'tx1a') } },
          { Put: { TableName: table, Item: item(i, 'tx1b') } },
        ],
      }),
    );
    return 1;
  });
  const puts = await throughput(3, 8, async (i) => {
    await client.send(new PutItemCommand({ TableName: table, Item: item(i, 'put') }));
    return 1;
  });
  const transactions = await throughput(3, 8, async (i) => {
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: table, Item: item(i, 'txa') } },
          { Put: { TableName: table, Item: item(i, 'txb') } },
        ],
      }),
    );
    return 1;
  });
  const batched = await throughput(3, 4, async (i) => {
    const requests = Array.from({ length: 25 }, (_, j) => ({ PutRequest: { Item: item(i * 25 + j, 'batch') } }));
    const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
    return 25 - (out.UnprocessedItems?.[table]?.length ?? 0);
  });
  return { puts, transactions, batched, put1, tx1 };
};

/** Appends at `rate` per second for `seconds`; answers each event's lag from append to projection. */
const lagAt = async (
  w: World,
  students: readonly string[],
  projectedAt: Map<string, number>,
  rate: number,
  seconds: number,
) => {
  const appendedAt = new Map<string, number>();
  const started = performance.now();
  const total = Math.round(rate * seconds);
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1_000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const student = students[i % students.length] as string;
    inflight.push(
      w.contact(student).then((contactId) => {
        appendedAt.set(`${w.tenantId}#Contact#${contactId}/1`, performance.now());
      }),
    );
  }
  await Promise.all(inflight);
  const achieved = total / ((performance.now() - started) / 1_000);
  const deadline = performance.now() + 30_000;
  while ([...appendedAt.keys()].some((k) => !projectedAt.has(k)) && performance.now() < deadline) await sleep(50);
  const lags = [...appendedAt].map(([k, t]) => (projectedAt.get(k) ?? Number.POSITIVE_INFINITY) - t);
  return {
    achieved,
    p50: median(lags),
    p99: percentile(lags, 99),
    missing: lags.filter((l) => !Number.isFinite(l)).length,
  };
};

const seed = async (
  client: DynamoDBClient,
  tables: ReturnType<typeof tableNames>,
  tenantId: TenantId,
  events: number,
  shape: { students: number; cohorts: number } = { students: STUDENTS, cohorts: 3 },
) => {
  // Seeding writes personal data (names, goals), sealed as in production: a store with data keys.
  const store = makeStore({ endpoint: '', client, tables }, () => new Date());
  let loaded = 0;
  // A past year: every event is recorded before the rebuild's high-water mark.
  for await (const chunk of simulateTenant({ tenantId, ...shape, events, seed: events, year: 2025 })) {
    // Recorded when it happened, as students log it: the log spreads over the year's day partitions.
    loaded += await store.bulkLoad(chunk, { recordedAt: (b) => new Date(b.events[0]?.occurredAt ?? Date.now()) });
  }
  return loaded;
};

/** Rebuilds a tenant in a child process: its own heap, so its peak RSS is the rebuild's. */
const rebuildInChild = (endpoint: string, tables: ReturnType<typeof tableNames>, tenantId: string) =>
  new Promise<{ events: number; seconds: number; maxRssMb: number; liveHeapMb: number; spills: number }>(
    (resolve, reject) => {
      // A capped heap: a rebuild that held the log would not fit in it at 200,000 events.
      const child = spawn(
        process.execPath,
        [
          `--max-old-space-size=${HEAP_MB}`,
          '--expose-gc',
          fileURLToPath(import.meta.url),
          '--rebuild-child',
          endpoint,
          tables.events,
          tables.views,
          tenantId,
        ],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
      });
      child.on('exit', (code) =>
        code === 0
          ? resolve(JSON.parse(out.trim().split('\n').at(-1) as string))
          : reject(new Error(`rebuild child exited ${code}`)),
      );
    },
  );

const rebuildChild = async () => {
  const [endpoint, events, views, tenantId] = process.argv.slice(3) as [string, string, string, TenantId];
  const client = new DynamoDBClient(localClientConfig(endpoint));
  const started = performance.now();
  const result = await rebuildViews({
    store: viewsStore({ client, eventsTable: events, viewsTable: views }),
    views: new ViewTable(client, views),
    eventsTable: events,
    tenantId,
    projectorCacheMs: 0,
  });
  const seconds = (performance.now() - started) / 1_000;
  (globalThis as { gc?: () => void }).gc?.();
  const liveHeapMb = process.memoryUsage().heapUsed / 1e6;
  console.log(
    JSON.stringify({
      events: result.events,
      seconds,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      liveHeapMb,
      spills: result.spills,
    }),
  );
  client.destroy();
};

/** Projection lag through the stream runner, as `pnpm dev` runs it. */
const lagPhase = async (endpoint: string, client: DynamoDBClient, tables: ReturnType<typeof tableNames>) => {
  const projector = createProjector({ client, eventsTable: tables.events, viewsTable: tables.views });
  const projectedAt = new Map<string, number>();
  const timing: StreamConsumer = {
    name: 'projector',
    consume: async (records) => {
      const result = await projector.consume(records);
      const now = performance.now();
      for (const r of records) projectedAt.set(`${r.item.pk?.S}/${r.item.sk?.N}`, now);
      return result;
    },
  };
  const streams = new DynamoDBStreamsClient(localClientConfig(endpoint));
  const runner = new LocalStreamRunner({
    dynamo: client,
    streams,
    eventsTable: tables.events,
    viewsTable: tables.views,
    consumerName: 'projector',
    handler: streamBatchHandler(timing),
    logger: { info: () => {}, warn: console.warn, error: console.error },
  });
  await runner.start();
  const w = new World({ endpoint, client, tables }, { start: new Date().toISOString() });
  await w.provision();
  const students = await Promise.all(Array.from({ length: 20 }, () => w.member(['STUDENT'])));
  await runner.drain();
  const steady = await lagAt(w, students, projectedAt, 50, STEADY_SECONDS);
  console.log(
    `Projection lag at a steady 50 appends/s for ${STEADY_SECONDS} s (achieved ${fmt(steady.achieved, 1)}/s)`,
  );
  console.log(`  median ${fmt(steady.p50, 1)} ms   p99 ${fmt(steady.p99, 1)} ms   missing ${steady.missing}`);
  let highest = 0;
  for (const rate of [100, 200, 300, 400, 600, 800]) {
    const step = await lagAt(w, students, projectedAt, rate, STEP_SECONDS);
    console.log(
      `  at ${rate}/s for ${STEP_SECONDS} s (achieved ${fmt(step.achieved, 1)}/s): median ${fmt(step.p50, 1)} ms   p99 ${fmt(step.p99, 1)} ms   missing ${step.missing}`,
    );
    if (step.p99 >= 1_000 || step.missing > 0 || step.achieved < rate * 0.9) break;
    highest = rate;
  }
  console.log(`  highest steady rate with p99 lag under 1 s: ${highest ? `${highest}/s` : 'below 100/s'}\n`);
  await runner.stop();
  streams.destroy();
};

/** Two tenants of a year's events, loaded in bulk, rebuilt in a child process each, then queried. */
const viewsPhase = async (endpoint: string, client: DynamoDBClient, tables: ReturnType<typeof tableNames>) => {
  const small = newTenantId();
  const large = newTenantId();
  for (const [tenant, size] of [
    [small, SMALL],
    [large, LARGE],
  ] as const) {
    let seeded = 0;
    const ms = await timed(async () => {
      seeded = await seed(client, tables, tenant, size);
    });
    console.log(`seeded ${fmt(seeded)} events in ${fmt(ms / 1_000, 1)} s (bulk load)`);
  }
  const rebuilt = [];
  for (const tenant of [small, large]) {
    const r = await rebuildInChild(endpoint, tables, tenant);
    rebuilt.push(r);
    console.log(
      `Rebuild of ${fmt(r.events)} events: ${fmt(r.seconds, 1)} s, ${fmt(r.events / r.seconds)} events/s, peak RSS ${fmt(r.maxRssMb, 1)} MB, heap after GC ${fmt(r.liveHeapMb, 1)} MB, shared items spilled to disk ${r.spills} times (old space capped at ${HEAP_MB} MB)`,
    );
  }
  const [rs, rl] = rebuilt as [(typeof rebuilt)[0], (typeof rebuilt)[0]];
  console.log(`  peak RSS ratio ${fmt(LARGE)} / ${fmt(SMALL)} events: ${fmt(rl.maxRssMb / rs.maxRssMb, 2)}\n`);

  // A third tenant as large as the second, grown the way a university grows: 20 times the
  // students in 20 times the cohorts, each student as busy as in the small tenant.
  const wide = newTenantId();
  const scale = LARGE / SMALL;
  const shape = { students: Math.round(STUDENTS * scale), cohorts: Math.round(3 * scale) };
  const ms = await timed(async () => {
    await seed(client, tables, wide, LARGE, shape);
  });
  console.log(
    `seeded a tenant of ${fmt(LARGE)} events, ${shape.students} students in ${shape.cohorts} cohorts, in ${fmt(ms / 1_000, 1)} s`,
  );
  const w = await rebuildInChild(endpoint, tables, wide);
  console.log(
    `  rebuilt: ${fmt(w.seconds, 1)} s, ${fmt(w.events / w.seconds)} events/s, peak RSS ${fmt(w.maxRssMb, 1)} MB (ratio to A ${fmt(w.maxRssMb / (rebuilt[0]?.maxRssMb ?? Number.NaN), 2)}), spilled ${w.spills} times\n`,
  );

  const reader = new ViewReader(new ViewTable(client, tables.views));
  const scopes = { small: await reader.scope(small), large: await reader.scope(large), wide: await reader.scope(wide) };
  type Tenant = keyof typeof scopes;
  const samples = {
    figures: new Map<Tenant, number[]>(),
    weekly: new Map<Tenant, number[]>(),
    risks: new Map<Tenant, number[]>(),
  };
  const range = { from: '2025-01-01', to: '2025-12-31', now: '2025-12-31T12:00:00.000Z' };
  const push = (m: Map<Tenant, number[]>, t: Tenant, v: number) => m.set(t, [...(m.get(t) ?? []), v]);
  const tenants: Tenant[] = ['small', 'large', 'wide'];
  for (let round = 0; round < 25; round++) {
    for (const t of round % 2 === 0 ? tenants : [...tenants].reverse()) {
      let a: Awaited<ReturnType<typeof reader.cohortAnalytics>> | undefined;
      push(
        samples.figures,
        t,
        await timed(async () => {
          a = await reader.cohortAnalytics(scopes[t], 'coh_000', range);
        }),
      );
      push(samples.weekly, t, await timed(async () => a?.series('WEEK')));
      push(samples.risks, t, await timed(async () => a?.atRiskStudents()));
    }
  }
  const m = (xs: number[] | undefined) => median((xs ?? []).slice(5));
  console.log('CohortAnalytics of one cohort over one year, 20 rounds interleaved after 5 warm-up (medians)');
  console.log(
    `  tenants: A ${fmt(SMALL)} events (${STUDENTS} students, 3 cohorts); B ${fmt(LARGE)} events, the same students 20 times as busy; C ${fmt(LARGE)} events, ${shape.students} students in ${shape.cohorts} cohorts`,
  );
  for (const [label, xs] of Object.entries(samples)) {
    const [a, b, c] = [m(xs.get('small')), m(xs.get('large')), m(xs.get('wide'))];
    console.log(
      `  ${label.padEnd(8)} A ${fmt(a, 1)} ms   B ${fmt(b, 1)} ms (B/A ${fmt(b / a, 2)})   C ${fmt(c, 1)} ms (C/A ${fmt(c / a, 2)})`,
    );
  }
  // What the figures read: the month items of the cohort, and how big they are.
  const views = new ViewTable(client, tables.views);
  const sizes = async (t: Tenant, kind: string) => {
    const rows = await views.query(`${scopes[t].tenantId}#g${scopes[t].generation}#CohortDaily#coh_000`, {
      from: `${kind}#2025-01`,
      to: `${kind}#2025-12`,
    });
    const attributes = rows.map((r) => Object.keys(r).length - 2);
    return `${rows.length} items, ${fmt(median(attributes))} attributes each (median)`;
  };
  for (const [kind, what] of [
    ['mon', 'counters and the thank-you histogram'],
    ['mact', 'one count per active student'],
  ] as const) {
    console.log(
      `  ${kind}# items (${what}): A ${await sizes('small', kind)}; B ${await sizes('large', kind)}; C ${await sizes('wide', kind)}`,
    );
  }
};

const main = async () => {
  const dynamo = await startDynamoLocal();
  const client = new DynamoDBClient(localClientConfig(dynamo.endpoint));
  const tables = tableNames('bench_');
  await createTables(client, tables);
  try {
    console.log(`DynamoDB Local ${dynamo.endpoint}; ${STUDENTS} students a tenant; phases ${[...PHASES].join(', ')}\n`);
    const c = await ceilings(client, tables.views);
    console.log('DynamoDB Local ceilings (this machine, this run)');
    console.log(`  PutItem                 ${fmt(c.put1)}/s one at a time, ${fmt(c.puts)}/s 8 at once`);
    console.log(`  2-item TransactWrite    ${fmt(c.tx1)}/s one at a time, ${fmt(c.transactions)}/s 8 at once`);
    console.log(`  BatchWriteItem items    ${fmt(c.batched)}/s  (4 requests of 25 at once)\n`);
    if (PHASES.has('lag')) await lagPhase(dynamo.endpoint, client, tables);
    if (PHASES.has('views')) await viewsPhase(dynamo.endpoint, client, tables);
  } finally {
    client.destroy();
    await dynamo.stop();
  }
};

if (process.argv[2] === '--rebuild-child') await rebuildChild();
else await main();
