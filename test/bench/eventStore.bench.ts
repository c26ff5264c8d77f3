/**
 * `pnpm bench`: the event store against the raw DynamoDB calls it stands on, on one DynamoDB
 * Local, in one run. Every round runs each operation once in a shuffled order, so that the
 * emulator's drift (GC, JIT, disk) hits ours and the floor alike. Prints medians, p99s and ratios.
 */
import { randomBytes } from 'node:crypto';
import { type Decider, defineEvent, personal } from '@app/core';
import {
  CommandHandler,
  dynamoDataKeys,
  EventCatalog,
  EventStore,
  localKeyWrapper,
  newId,
  newTenantId,
  type StreamPosition,
  type StreamRef,
  streamKey,
  streamRef,
} from '@app/event-store';
import { createTables, localClientConfig, startDynamoLocal } from '@app/local';
import { tableNames } from '@app/tables';
import { DynamoDBClient, PutItemCommand, type PutItemCommandInput, QueryCommand } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { percentile, shuffle, timed } from './stats.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 300);
const WARMUP = Math.min(30, Math.floor(ROUNDS / 10));
const LONG_STREAM = 2_000;
const SNAPSHOT_EVERY = 100;

// A realistic event: ids, a count, and a short personal message (encrypted, as in production).
const OutreachSent = defineEvent('OutreachSent', {
  schema: z.strictObject({
    interviewId: z.string(),
    channel: z.enum(['EMAIL', 'LINKEDIN', 'PHONE']),
    sentAt: z.string(),
    wordCount: z.number().int(),
    message: personal(z.string().max(5000)),
  }),
});
// The same event without personal data, to show what sealing costs on the write path.
const OutreachCounted = defineEvent('OutreachCounted', {
  schema: z.strictObject({
    interviewId: z.string(),
    channel: z.enum(['EMAIL', 'LINKEDIN', 'PHONE']),
    wordCount: z.number().int(),
  }),
});
const counted = (interviewId: string) => ({
  type: 'OutreachCounted',
  data: { interviewId, channel: 'EMAIL', wordCount: 38 },
  occurredAt: '2026-03-01T10:00:00.000Z',
});
type Sent = { type: 'OutreachSent'; data: z.output<typeof OutreachSent.schema>; occurredAt: string; subject: string };
const message =
  'Dear Dr. Okafor, I am a junior at State studying chemical engineering. Professor Lee suggested I reach out: could we talk for 20 minutes about your path into process safety? I am free Tuesday or Thursday afternoon.';
const sent = (interviewId: string): Sent => ({
  type: 'OutreachSent',
  data: { interviewId, channel: 'EMAIL', sentAt: '2026-03-01T10:00:00.000Z', wordCount: 38, message },
  occurredAt: '2026-03-01T10:00:00.000Z',
  subject: 'usr_student',
});
const decider: Decider<{ sent: number }, { interviewId: string }, Sent, null> = {
  initialState: { sent: 0 },
  decide: (command) => ({ events: [sent(command.interviewId)], advice: [] }),
  evolve: (state) => ({ sent: state.sent + 1 }),
};
const meta = { actor: { userId: 'usr_student', role: 'STUDENT' }, correlationId: 'bench' };

const main = async () => {
  const dynamo = await startDynamoLocal();
  const client = new DynamoDBClient(localClientConfig(dynamo.endpoint));
  const tables = tableNames('bench_');
  await createTables(client, tables);
  const store = new EventStore({
    client,
    tableName: tables.events,
    catalog: new EventCatalog([OutreachSent, OutreachCounted]),
    keys: dynamoDataKeys({ client, tableName: tables.events, wrapper: localKeyWrapper(randomBytes(32)) }),
  });
  const handler = new CommandHandler(store);
  const tenant = newTenantId();
  const stream = () => streamRef(tenant, 'Interview', newId('int_'));
  const raw = (input: PutItemCommandInput) => client.send(new PutItemCommand(input));
  /** The item a hand-written store would put: the same attributes, with its own keys and log position. */
  const handWritten = (pk: string, version: number, template = templateItem) => {
    const recordedAt = new Date().toISOString();
    return {
      ...template,
      pk: { S: pk },
      sk: { N: String(version) },
      gsi1pk: { S: `${tenant}#log#${recordedAt.slice(0, 10)}` },
      gsi1sk: { S: `${recordedAt}#${pk}#${String(version).padStart(10, '0')}` },
    };
  };
  const queryAll = (pk: string) =>
    client.send(
      new QueryCommand({
        TableName: tables.events,
        ConsistentRead: true,
        KeyConditionExpression: 'pk = :pk AND sk >= :one',
        ExpressionAttributeValues: { ':pk': { S: pk }, ':one': { N: '1' } },
      }),
    );

  /** A stream with `count` events, written in transactions of up to 100. */
  const seed = async (ref: StreamRef, count: number) => {
    let { position } = await store.load(ref);
    for (let done = 0; done < count; done += 100) {
      const n = Math.min(100, count - done);
      ({ position } = await store.append(
        position,
        Array.from({ length: n }, () => sent(ref.id)),
        meta,
      ));
    }
    return position;
  };

  process.stdout.write('seeding… ');
  // The raw put writes an item of the same shape and size as ours: one the store encoded.
  const sample = await seed(stream(), 1);
  const templateItem = (await queryAll(streamKey(sample.stream))).Items?.[0];
  const plain = await store.append((await store.load(stream())).position, [counted('x')], meta);
  const plainTemplate = (await queryAll(streamKey(plain.position.stream))).Items?.[0];
  const twenty = await Promise.all(Array.from({ length: (ROUNDS + WARMUP) * 2 + 1 }, () => seed(stream(), 20)));
  const readTarget = twenty.pop() as StreamPosition;
  const long = stream();
  const longSnapshotted = stream();
  await seed(long, LONG_STREAM);
  const snapAt = await seed(longSnapshotted, LONG_STREAM - SNAPSHOT_EVERY / 2);
  await store.writeSnapshot(snapAt, { stateVersion: 1, state: { sent: snapAt.version }, idempotency: [] });
  await seed(longSnapshotted, 0).then(() => undefined);
  let tail = snapAt;
  ({ position: tail } = await store.append(
    tail,
    Array.from({ length: SNAPSHOT_EVERY / 2 }, () => sent('x')),
    meta,
  ));
  process.stdout.write('done\n');

  let appendAt = (await store.load(stream())).position;
  let plainAt = (await store.load(stream())).position;
  const plainPk = `${tenant}#Interview#${newId('int_')}`;
  let plainVersion = 0;
  const rawPk = `${tenant}#Interview#${newId('int_')}`;
  let rawVersion = 0;
  const commandStreams = twenty.slice(0, ROUNDS + WARMUP);
  const rawStreams = twenty.slice(ROUNDS + WARMUP);

  const samples: Record<string, number[]> = {};
  const record = (name: string, ms: number, round: number) => {
    if (round < WARMUP) return;
    samples[name] ??= [];
    samples[name].push(ms);
  };
  const operations = (round: number): [string, () => Promise<unknown>][] => {
    const mine = commandStreams[round % commandStreams.length] as StreamPosition;
    const theirs = rawStreams[round % rawStreams.length] as StreamPosition;
    const ops: [string, () => Promise<unknown>][] = [
      [
        'append',
        async () => {
          appendAt = (await store.append(appendAt, [sent('i')], meta)).position;
        },
      ],
      [
        'raw PutItem',
        () =>
          raw({
            TableName: tables.events,
            Item: handWritten(rawPk, ++rawVersion),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
      ],
      [
        'append (no personal data)',
        async () => {
          plainAt = (await store.append(plainAt, [counted('i')], meta)).position;
        },
      ],
      [
        'raw PutItem (same item)',
        () =>
          raw({
            TableName: tables.events,
            Item: handWritten(plainPk, ++plainVersion, plainTemplate),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
      ],
      [
        'command',
        () =>
          handler.handle({
            stream: mine.stream,
            decider,
            commandType: 'RecordOutreach',
            command: { interviewId: mine.stream.id },
            context: () => null,
            ...meta,
          }),
      ],
      [
        'raw Query+PutItem',
        async () => {
          const pk = streamKey(theirs.stream);
          const { Items = [] } = await queryAll(pk);
          await raw({
            TableName: tables.events,
            Item: handWritten(pk, Items.length + 1),
            ConditionExpression: 'attribute_not_exists(pk)',
          });
        },
      ],
      ['readStream(20)', () => store.readStream(readTarget.stream)],
      ['raw Query(20)', () => queryAll(streamKey(readTarget.stream))],
    ];
    if (round % 5 === 0) {
      ops.push(['load 2,000 (snapshot)', () => store.load(longSnapshotted, { snapshot: { stateVersion: 1 } })]);
      ops.push(['load 2,000 (no snapshot)', () => store.load(long)]);
    }
    return shuffle(ops);
  };

  const rounds = ROUNDS + WARMUP;
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of operations(round)) record(name, await timed(run), round);
    if (round % 50 === 0) process.stdout.write(`\rround ${round}/${rounds}`);
  }
  process.stdout.write(`\r${rounds} rounds (${WARMUP} warm-up rounds not counted)\n\n`);

  const row = (name: string) => {
    const s = samples[name] ?? [];
    return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99) };
  };
  const pairs: [string, string, string, (ratio: number) => boolean][] = [
    ['append', 'raw PutItem', '≤ 1.10×', (r) => r <= 1.1],
    ['append (no personal data)', 'raw PutItem (same item)', '≤ 1.10×', (r) => r <= 1.1],
    ['command', 'raw Query+PutItem', '≤ 1.15×', (r) => r <= 1.15],
    ['readStream(20)', 'raw Query(20)', '≤ 1.10×', (r) => r <= 1.1],
    ['load 2,000 (snapshot)', 'load 2,000 (no snapshot)', '≥ 10× faster', (r) => 1 / r >= 10],
  ];
  const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
  const lines = [['operation', 'n', 'p50', 'p99', 'baseline', 'p50', 'p99', 'ratio p50', 'ratio p99', 'target', '']];
  for (const [ours, floor, target, meets] of pairs) {
    const a = row(ours);
    const b = row(floor);
    const ratio = a.p50 / b.p50;
    const speedup = ours.startsWith('load');
    lines.push([
      ours,
      String(a.n),
      fmt(a.p50),
      fmt(a.p99),
      floor,
      fmt(b.p50),
      fmt(b.p99),
      speedup ? `${(1 / ratio).toFixed(1)}× faster` : `${ratio.toFixed(3)}×`,
      speedup ? `${(b.p99 / a.p99).toFixed(1)}× faster` : `${(a.p99 / b.p99).toFixed(3)}×`,
      target,
      meets(ratio) ? 'meets' : 'MISSES',
    ]);
  }
  const widths = lines[0]?.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length))) ?? [];
  for (const line of lines) console.log(line.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));

  client.destroy();
  await dynamo.stop();
};

await main();
