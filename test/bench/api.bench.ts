/**
 * `pnpm bench`: the GraphQL API over HTTP against what it stands on, in one run on one machine.
 *
 * The API runs in a process of its own (apiServer.child.ts, composed as `pnpm dev` composes it)
 * beside a bare graphql-yoga answering `{ __typename }`. Each operation's baseline is that bare
 * server plus the raw DynamoDB calls the operation needs, issued by hand here; every round runs
 * each measurement once in a shuffled order, so the emulator's drift hits ours and the
 * baselines alike. Then a bounded closed-loop load gives requests/s, the API process's peak RSS
 * is read from the kernel, and the bundled Lambda handler's size and import time are measured
 * in fresh `node` processes.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DevIssuer } from '@app/api';
import type { TenantId } from '@app/core';
import { startLocalStack } from '@app/dev';
import { createTables, localClientConfig, startDynamoLocal } from '@app/local';
import { tableNames } from '@app/tables';
import { servingOf, viewKeys } from '@app/views';
import {
  type AttributeValue,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { build } from 'esbuild';
import { LAMBDA_BUNDLING } from '../../services/bundling.ts';
import { startChild } from './child.ts';
import { percentile, shuffle, timed } from './stats.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const WARMUP = Math.min(20, Math.floor(ROUNDS / 10));
const INTERVIEWS = 20;
const PAGE = 10;
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 5);
const LOAD_CLIENTS = 8;
const IMPORT_RUNS = 7;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ms = (n: number) => `${n.toFixed(1)} ms`;
const median = (xs: readonly number[]) => percentile(xs, 50);

/** The server process, and the URLs it printed. */
const startServer = (env: Record<string, string>) =>
  startChild<{ api: string; bare: string; calls: string }>('apiServer.child.ts', env, ['--expose-gc']);

/** The kernel's peak resident set of a process (VmHWM), in MB. */
const peakRssMb = (pid: number): number => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return Number(line?.match(/(\d+)/)?.[1] ?? Number.NaN) / 1024;
};

const post = async (url: string, token: string | null, query: string, variables: Record<string, unknown> = {}) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ query, variables }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: a GraphQL answer is what the query asks for
  const body = (await response.json()) as { data?: any; errors?: { message: string }[] };
  if (response.status !== 200 || body.errors) {
    throw new Error(`${response.status}: ${JSON.stringify(body.errors ?? body)} for ${query.slice(0, 80)}`);
  }
  return body.data;
};

/** The Lambda handler bundled as it is deployed (services/bundling.ts). */
const coldStart = async () => {
  const outdir = join(root, 'services/graphql-api/dist-bench');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'handler.mjs');
  await build({
    entryPoints: [join(root, 'services/graphql-api/src/handler.ts')],
    outfile,
    ...LAMBDA_BUNDLING,
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    external: [...LAMBDA_BUNDLING.external],
    logLevel: 'warning',
  });
  const bytes = statSync(outfile).size;
  const env = {
    ...process.env,
    AWS_REGION: 'eu-west-1',
    EVENTS_TABLE: 'bench-events',
    VIEWS_TABLE: 'bench-views',
    KMS_KEY_ID: 'arn:aws:kms:eu-west-1:123456789012:key/bench',
    USER_POOL_ID: 'eu-west-1_bench',
    USER_POOL_CLIENT_IDS: 'bench',
  };
  const script = `const t = performance.now(); await import(${JSON.stringify(`file://${outfile}`)}); process.stdout.write(String(performance.now() - t));`;
  const imports = Array.from({ length: IMPORT_RUNS }, () =>
    Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' })),
  );
  rmSync(outdir, { recursive: true, force: true });
  return { bytes, imports };
};

const main = async () => {
  const dynamo = await startDynamoLocal();
  const client = new DynamoDBClient(localClientConfig(dynamo.endpoint));
  const tables = tableNames('bench_');
  await createTables(client, tables);
  const stack = await startLocalStack({ endpoint: dynamo.endpoint, client, tables, pollIntervalMs: 20 });
  const dir = mkdtempSync(join(tmpdir(), 'api-bench-'));
  const server = await startServer({
    BENCH_ENDPOINT: dynamo.endpoint,
    BENCH_EVENTS_TABLE: tables.events,
    BENCH_VIEWS_TABLE: tables.views,
    BENCH_DIR: dir,
  });
  try {
    const issuer = await DevIssuer.create({ privateJwk: JSON.parse(readFileSync(join(dir, 'issuer.jwk'), 'utf8')) });

    // A university with a cohort, and a student with 20 interviews awaiting a reply, through the API.
    process.stdout.write('seeding through the API… ');
    const operator = await issuer.token({ sub: 'usr_bench_operator', roles: ['PLATFORM_ADMIN'] });
    const { tenant, admin } = (
      await post(
        server.api,
        operator,
        'mutation ($input: ProvisionTenantInput!) { provisionTenant(input: $input) { tenant { id } admin { id } } }',
        {
          input: {
            name: 'Bench University',
            slug: 'bench-u',
            adminEmail: 'admin@bench.example',
            adminName: 'Ada Admin',
          },
        },
      )
    ).provisionTenant;
    const tenantId = tenant.id as TenantId;
    const adminToken = await issuer.token({ sub: admin.id, roles: ['TENANT_ADMIN'], tenantId, expiresIn: 3_600 });
    const cohortId = (
      await post(server.api, adminToken, 'mutation { createCohort(input: { name: "Bench cohort" }) { cohort { id } } }')
    ).createCohort.cohort.id as string;
    /** A student enrolled in the cohort, with `count` interviews awaiting a reply. */
    const seedStudent = async (n: number, count: number) => {
      const id = (
        await post(
          server.api,
          adminToken,
          'mutation ($e: String!) { inviteMember(input: { email: $e, name: "Sam Student", role: STUDENT }) { member { id } } }',
          { e: `sam${n}@bench.example` },
        )
      ).inviteMember.member.id as string;
      await post(
        server.api,
        adminToken,
        'mutation ($c: ID!, $s: ID!) { enrollStudent(input: { cohortId: $c, studentId: $s }) { cohort { id } } }',
        { c: cohortId, s: id },
      );
      const token = await issuer.token({ sub: id, roles: ['STUDENT'], tenantId, expiresIn: 3_600 });
      const interviews: string[] = [];
      for (let i = 0; i < count; i++) {
        const contact = (
          await post(
            server.api,
            token,
            'mutation ($n: String!) { addContact(input: { name: $n, company: "Acme", source: ALUMNI }) { contact { id } } }',
            { n: `Pat ${i}` },
          )
        ).addContact.contact.id;
        const interview = (
          await post(
            server.api,
            token,
            'mutation ($c: ID!) { planInterview(input: { contactId: $c, goals: ["learn how product teams work"] }) { interview { id } } }',
            { c: contact },
          )
        ).planInterview.interview.id as string;
        await post(
          server.api,
          token,
          'mutation ($i: ID!, $at: DateTime!) { recordOutreach(input: { interviewId: $i, channel: EMAIL, sentAt: $at }) { interview { id } } }',
          { i: interview, at: new Date(Date.now() - 3_600_000).toISOString() },
        );
        interviews.push(interview);
      }
      return { id, token, interviews };
    };
    // one student for the latency rounds; the load spreads over one student per client, as each
    // user has its own rate limit (50/s)
    const students = [await seedStudent(0, INTERVIEWS)];
    for (let n = 1; n < LOAD_CLIENTS; n++) students.push(await seedStudent(n, PAGE));
    const { id: studentId, interviews } = students[0] as Awaited<ReturnType<typeof seedStudent>>;
    await stack.drain();
    // the writes below are measured without the projector, which in AWS runs in a function of its own
    await stack.stop();
    process.stdout.write('done\n');

    const READ = `query ($first: Int!) { myInterviews(first: $first) { edges { node { id status version } } } }`;
    const WRITE = `mutation ($input: AddResearchNoteInput!) { addResearchNote(input: $input) { interview { id version } } }`;
    let writes = 0;
    const read = (who = 0) => post(server.api, students[who]?.token ?? '', READ, { first: PAGE });
    const write = (who = 0) => {
      const { token, interviews: theirs } = students[who] as (typeof students)[number];
      return post(server.api, token, WRITE, {
        input: { interviewId: theirs[writes++ % theirs.length], text: 'Their team ships weekly; ask about on-call.' },
      });
    };
    const bare = () => post(server.bare, null, '{ __typename }');
    const listed = (await read(LOAD_CLIENTS - 1)).myInterviews.edges.length;
    if (listed !== PAGE) throw new Error(`myInterviews lists ${listed} of ${PAGE}: the views did not catch up`);

    // What the API itself calls, per operation (counted in its process).
    const callsOf = async (run: () => Promise<unknown>) => {
      await fetch(server.calls);
      await run();
      return (await (await fetch(server.calls)).json()) as Record<string, number>;
    };
    const readCalls = await callsOf(() => read());
    const writeCalls = await callsOf(() => write());

    // The raw calls each operation needs, by hand: the same keys our code builds.
    const generations = viewKeys.generations(tenantId);
    const generationsKey = { pk: { S: generations.pk }, sk: { S: generations.sk } };
    const serving = (await client.send(new GetItemCommand({ TableName: tables.views, Key: generationsKey }))).Item
      ?.serving?.N;
    const scope = { tenantId, generation: servingOf({ serving: serving === undefined ? undefined : Number(serving) }) };
    const query = (table: string, pk: string, consistent = true) =>
      client.send(
        new QueryCommand({
          TableName: table,
          ConsistentRead: consistent,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: pk } },
        }),
      );
    const stream = (type: string, id: string) => `${tenantId}#${type}#${id}`;
    let rawWrites = 0;
    const baselines = {
      // the generation serving reads, the student's interview list, each interview of the page, the policy
      read: async () => {
        await bare();
        await client.send(new GetItemCommand({ TableName: tables.views, Key: generationsKey }));
        await query(tables.views, viewKeys.studentInterviews(scope, studentId), false);
        await Promise.all([
          ...interviews.slice(0, PAGE).map((id) => query(tables.events, stream('Interview', id))),
          query(tables.events, stream('Tenant', tenantId)),
        ]);
      },
      // the interview, the policy and the student's cohorts (to stamp the event), then one conditional put
      write: async () => {
        await bare();
        const id = interviews[rawWrites % INTERVIEWS] as string;
        const [loaded] = await Promise.all([
          query(tables.events, stream('Interview', id)),
          query(tables.events, stream('Tenant', tenantId)),
          query(tables.events, `${tenantId}#Enrolments#${studentId}`),
        ]);
        const item: Record<string, AttributeValue> = {
          ...(loaded.Items?.at(-1) ?? {}),
          pk: { S: `${tenantId}#BenchRaw#${id}` },
          sk: { N: String(++rawWrites) },
        };
        await client.send(
          new PutItemCommand({ TableName: tables.events, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
        );
      },
    };

    // Latency: interleaved rounds.
    process.stdout.write(`latency: ${ROUNDS} rounds… `);
    const samples: Record<string, number[]> = {};
    const measured: [string, () => Promise<unknown>][] = [
      ['bare', bare],
      ['read', () => read()],
      ['read baseline', baselines.read],
      ['write', () => write()],
      ['write baseline', baselines.write],
    ];
    for (let round = 0; round < ROUNDS + WARMUP; round++) {
      for (const [name, run] of shuffle([...measured])) {
        const took = await timed(run);
        if (round < WARMUP) continue;
        samples[name] ??= [];
        samples[name].push(took);
      }
    }
    process.stdout.write('done\n');

    // Throughput: a closed loop of LOAD_CLIENTS clients for LOAD_SECONDS per operation.
    const rssBefore = peakRssMb(server.child.pid as number);
    const throughput: Record<string, number> = {};
    for (const [name, run] of [
      ['bare', bare],
      ['read', read],
      ['write', write],
    ] as const) {
      const until = performance.now() + LOAD_SECONDS * 1_000;
      let done = 0;
      await Promise.all(
        Array.from({ length: LOAD_CLIENTS }, async (_, client) => {
          while (performance.now() < until) {
            await run(client);
            done += 1;
          }
        }),
      );
      throughput[name] = done / LOAD_SECONDS;
    }
    const rssPeak = peakRssMb(server.child.pid as number);
    const memory = (await (await fetch(server.calls.replace('/calls', '/memory'))).json()) as Record<string, number>;

    const cold = await coldStart();

    const row = (name: string) => {
      const xs = samples[name] ?? [];
      return `${name.padEnd(15)} median ${ms(median(xs)).padStart(9)}   p99 ${ms(percentile(xs, 99)).padStart(9)}`;
    };
    const ratio = (a: string, b: string) => median(samples[a] ?? []) / median(samples[b] ?? []);
    console.log(
      `\nDynamoDB calls the API made: myInterviews(first: ${PAGE}) ${JSON.stringify(readCalls)}; addResearchNote ${JSON.stringify(writeCalls)}`,
    );
    console.log(
      `baselines issue: read = bare + GetItem + Query + ${PAGE + 1} Query; write = bare + 3 Query + PutItem\n`,
    );
    console.log(`latency over HTTP, ${ROUNDS} interleaved rounds (${WARMUP} warm-up rounds dropped):`);
    for (const [name] of measured) console.log(`  ${row(name)}`);
    console.log(`  read  / its baseline: ${ratio('read', 'read baseline').toFixed(2)}   (target ≤ 1.5)`);
    console.log(`  write / its baseline: ${ratio('write', 'write baseline').toFixed(2)}   (target ≤ 1.5)`);
    console.log(`\nrequests/s, ${LOAD_CLIENTS} clients in a closed loop for ${LOAD_SECONDS} s each:`);
    for (const [name, rps] of Object.entries(throughput)) console.log(`  ${name.padEnd(6)} ${rps.toFixed(0)}/s`);
    console.log(
      `\nAPI process peak RSS: ${rssPeak.toFixed(1)} MB (${rssBefore.toFixed(1)} MB before the load)   (target ≤ 256 MB)`,
    );
    const mb = (name: string) => `${((memory[name] ?? Number.NaN) / 1024 / 1024).toFixed(1)} MB`;
    console.log(
      `  after the load: rss ${mb('rss')}, heap ${mb('heapUsed')} used of ${mb('heapTotal')}, ${mb('heapAfterGc')} after a full GC`,
    );
    console.log(
      `Lambda bundle: ${(cold.bytes / 1024 / 1024).toFixed(2)} MB (minified, as deployed: the AWS SDK bundled, STS and Cognito loaded on first use from the runtime)   (target ≤ 1.5 MB)`,
    );
    console.log(
      `import in a fresh node: median ${ms(median(cold.imports))} of ${IMPORT_RUNS} (${cold.imports.map((x) => x.toFixed(0)).join(', ')})   (target ≤ 300 ms)`,
    );
  } finally {
    server.child.kill('SIGTERM');
    await stack.stop().catch(() => {});
    await dynamo.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};

await main();
