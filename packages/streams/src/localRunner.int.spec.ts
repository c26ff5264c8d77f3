import { createTables, deleteTables, localClientConfig } from '@app/local';
import type { TableNames } from '@app/tables';
import { testDb } from '@app/testing';
import {
  type AttributeValue,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StreamRecordFailedError } from './delivery.ts';
import { ago, eventItem, keyOf, memoryLogger, RecordingConsumer, until } from './fixtures/items.ts';
import { streamBatchHandler } from './lambda.ts';
import { LocalStreamRunner, type LocalStreamRunnerOptions } from './localRunner.ts';
import { latestStreamArn } from './streamApi.ts';
import type { StreamConsumer } from './types.ts';

let streams: DynamoDBStreamsClient;
const made: TableNames[] = [];
const running: LocalStreamRunner[] = [];

beforeAll(() => {
  streams = new DynamoDBStreamsClient(localClientConfig(testDb().endpoint));
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((runner) => runner.stop()));
});

afterAll(async () => {
  await Promise.all(made.map((tables) => deleteTables(testDb().client, tables)));
  streams.destroy();
});

/** Tables of the test's own (a stream starts empty, and positions start unset). */
const freshTables = async (): Promise<TableNames> => {
  const { client, tables } = testDb();
  const names = { events: `${tables.events}_${made.length}`, views: `${tables.views}_${made.length}` };
  made.push(names);
  await createTables(client, names);
  return names;
};

const put = (table: string, item: Record<string, AttributeValue>) =>
  testDb().client.send(new PutItemCommand({ TableName: table, Item: item }));

const runnerFor = (
  tables: TableNames,
  consumer: StreamConsumer,
  overrides: Partial<LocalStreamRunnerOptions> = {},
): LocalStreamRunner => {
  const logger = overrides.logger ?? memoryLogger();
  const runner = new LocalStreamRunner({
    dynamo: testDb().client,
    streams,
    eventsTable: tables.events,
    viewsTable: tables.views,
    consumerName: consumer.name,
    handler: streamBatchHandler(consumer, { logger }),
    pollIntervalMs: 20,
    retryBaseMs: 10,
    logger,
    ...overrides,
  });
  running.push(runner);
  return runner;
};

const positionItem = async (tables: TableNames, consumer: string, sk: string) => {
  const { Item } = await testDb().client.send(
    new GetItemCommand({
      TableName: tables.views,
      Key: { pk: { S: `_local#StreamPosition#${consumer}` }, sk: { S: sk } },
      ConsistentRead: true,
    }),
  );
  return Item;
};

/** The keys delivered for one pk, in delivery order. */
const keysOf = (consumer: RecordingConsumer, pk: string) => consumer.keys().filter((key) => key.startsWith(`${pk}/`));

describe('LocalStreamRunner', () => {
  it('delivers events in order per item within a second, and nothing that is not an event', async () => {
    const tables = await freshTables();
    // DynamoDB Local numbers stream records across all tables: a write elsewhere after this table's
    // shard was made leaves an iterator taken on the empty shard pointing "before the oldest record"
    await put(testDb().tables.events, { pk: { S: 'elsewhere' }, sk: { N: '0' }, kind: { S: 'other' } });
    const consumer = new RecordingConsumer('projector');
    const logger = memoryLogger();
    const runner = runnerFor(tables, consumer, { logger });
    await runner.start();
    await runner.drain(); // the shard has been read (empty) once

    const a = 'ten_1#Interview#a';
    const b = 'ten_1#Interview#b';
    await put(tables.events, eventItem(a, 1, ago(0)));
    const firstLatency = await until(() => consumer.seen(`${a}/1`) === 1, 1_000, 'delivery of the first event');
    await put(tables.events, eventItem(b, 1, ago(0)));
    for (let version = 2; version <= 4; version++) {
      await put(tables.events, eventItem(a, version, ago(0)));
      await put(tables.events, eventItem(b, version, ago(0)));
    }
    await put(tables.events, { pk: { S: a }, sk: { N: '0' }, kind: { S: 'snapshot' }, state: { S: '{}' } });
    await put(tables.events, { pk: { S: 'ten_1#Guard#EmailGuard#h1' }, sk: { N: '0' }, kind: { S: 'guard' } });
    await put(tables.events, { pk: { S: 'ten_1#DataKey#stu_1' }, sk: { N: '0' }, kind: { S: 'dataKey' } });
    await put(tables.events, { pk: { S: '_platform#Tenants#all' }, sk: { N: '0' }, kind: { S: 'registry' } });
    await testDb().client.send(
      new UpdateItemCommand({
        TableName: tables.events,
        Key: { pk: { S: a }, sk: { N: '1' } },
        UpdateExpression: 'SET touched = :t',
        ExpressionAttributeValues: { ':t': { BOOL: true } },
      }),
    );
    await testDb().client.send(
      new DeleteItemCommand({
        TableName: tables.events,
        Key: { pk: { S: 'ten_1#Guard#EmailGuard#h1' }, sk: { N: '0' } },
      }),
    );
    await put(tables.events, eventItem(a, 5, ago(0)));
    const latency = await until(() => consumer.seen(`${a}/5`) === 1, 1_000, 'delivery of the last event');
    await runner.drain();

    expect(firstLatency).toBeLessThan(1_000);
    expect(latency).toBeLessThan(1_000);
    expect(keysOf(consumer, a)).toEqual([1, 2, 3, 4, 5].map((v) => `${a}/${v}`));
    expect(keysOf(consumer, b)).toEqual([1, 2, 3, 4].map((v) => `${b}/${v}`));
    expect(consumer.keys()).toHaveLength(9);
    expect(logger.entries.filter((entry) => entry.level === 'error')).toEqual([]);
  });

  it('redelivers a failed record and every record after it in its shard, skipping nothing', async () => {
    const tables = await freshTables();
    const a = 'ten_1#Interview#a';
    const b = 'ten_1#Interview#b';
    for (let version = 1; version <= 5; version++) await put(tables.events, eventItem(a, version, ago(0)));
    await put(tables.events, eventItem(b, 1, ago(0)));
    const consumer = new RecordingConsumer('flaky', (key, seen) => (key === `${a}/3` && seen <= 2 ? 'fail' : 'ok'));
    const runner = runnerFor(tables, consumer);
    await runner.start();
    await runner.drain();

    const rest = [`${a}/3`, `${a}/4`, `${a}/5`, `${b}/1`];
    expect(consumer.calls.map((call) => call.map((record) => keyOf(record.item)))).toEqual([
      [`${a}/1`, `${a}/2`, ...rest],
      rest,
      rest,
    ]);
    const lastSequenceNumber = consumer.calls[2]?.at(-1)?.sequenceNumber;
    const [shard] = consumer.calls.length > 0 ? await storedShards(tables, 'flaky') : [];
    expect(shard?.sequenceNumber?.S).toBe(lastSequenceNumber);

    await put(tables.events, eventItem(a, 6, ago(0)));
    await runner.drain();
    expect(consumer.seen(`${a}/6`)).toBe(1);
  });

  it('gives up on a record after maxAttempts, tells onGiveUp, and goes on', async () => {
    const tables = await freshTables();
    const a = 'ten_1#Interview#a';
    for (let version = 1; version <= 3; version++) await put(tables.events, eventItem(a, version, ago(0)));
    const consumer = new RecordingConsumer('stubborn', (key) => (key === `${a}/2` ? 'fail' : 'ok'));
    const givenUp: { record: DynamoDBRecord; error: unknown }[] = [];
    const logger = memoryLogger();
    const runner = runnerFor(tables, consumer, {
      maxAttempts: 3,
      logger,
      onGiveUp: (record, error) => {
        givenUp.push({ record, error });
      },
    });
    await runner.start();
    await runner.drain();

    expect(consumer.calls.map((call) => call.map((record) => keyOf(record.item)))).toEqual([
      [`${a}/1`, `${a}/2`, `${a}/3`],
      [`${a}/2`, `${a}/3`],
      [`${a}/2`, `${a}/3`],
      [`${a}/3`],
    ]);
    expect(givenUp.map(({ record }) => record.dynamodb?.NewImage?.sk?.N)).toEqual(['2']);
    expect(givenUp[0]?.error).toBeInstanceOf(StreamRecordFailedError);
    expect(logger.entries.some((entry) => entry.level === 'error' && entry.message.startsWith('GAVE UP'))).toBe(true);

    await put(tables.events, eventItem(a, 4, ago(0)));
    await runner.drain();
    expect(consumer.seen(`${a}/4`)).toBe(1);
  });

  it('resumes from its stored position after a restart, delivering nothing twice', async () => {
    const tables = await freshTables();
    const a = 'ten_1#Interview#a';
    const first = new RecordingConsumer('resumer');
    const runner = runnerFor(tables, first);
    await runner.start();
    for (let version = 1; version <= 3; version++) await put(tables.events, eventItem(a, version, ago(0)));
    await runner.drain();
    await runner.stop();

    for (let version = 4; version <= 5; version++) await put(tables.events, eventItem(a, version, ago(0)));
    const second = new RecordingConsumer('resumer');
    const again = runnerFor(tables, second);
    await again.start();
    await again.drain();

    expect(first.keys()).toEqual([1, 2, 3].map((v) => `${a}/${v}`));
    expect(second.keys()).toEqual([4, 5].map((v) => `${a}/${v}`));
  });

  it('catches up from the tenant log when its stored shards are gone, from the stored mark on', async () => {
    const tables = await freshTables();
    const t = 'ten_T';
    const u = 'ten_U';
    const mark = ago(30_000);
    const items = {
      tenantT: eventItem(`${t}#Tenant#${t}`, 1, ago(120_000), 'TenantProvisioned'),
      tenantU: eventItem(`${u}#Tenant#${u}`, 1, ago(120_000), 'TenantProvisioned'),
      old: eventItem(`${t}#Interview#x`, 1, ago(60_000)),
      y1: eventItem(`${t}#Interview#y`, 1, ago(20_000)),
      y2: eventItem(`${t}#Interview#y`, 2, ago(10_000)),
      z: eventItem(`${u}#Interview#z`, 1, ago(15_000)),
    };
    for (const item of Object.values(items)) await put(tables.events, item);
    const streamArn = await latestStreamArn(testDb().client, tables.events);
    const pk = { S: '_local#StreamPosition#catcher' };
    const gone = 'shardId-00000001000000000000-deadbeef';
    await put(tables.views, {
      pk,
      sk: { S: gone },
      streamArn: { S: streamArn },
      sequenceNumber: { S: '000000000000000000001' },
      done: { BOOL: false },
    });
    await put(tables.views, { pk, sk: { S: '_last' }, recordedAt: { S: mark } });

    const consumer = new RecordingConsumer('catcher');
    const logger = memoryLogger();
    const runner = runnerFor(tables, consumer, { logger });
    await runner.start();
    await runner.drain();

    const delivered = consumer.calls.flat();
    const replayed = delivered.filter((record) => record.sequenceNumber.startsWith('gsi1:')).map((r) => keyOf(r.item));
    expect([...replayed].sort()).toEqual([keyOf(items.y1), keyOf(items.y2), keyOf(items.z)].sort());
    expect(replayed.indexOf(keyOf(items.y1))).toBeLessThan(replayed.indexOf(keyOf(items.y2)));
    // then the current stream from its oldest record: everything, duplicates included
    const firstFromStream = delivered.findIndex((record) => !record.sequenceNumber.startsWith('gsi1:'));
    expect(firstFromStream).toBe(replayed.length);
    expect(delivered.slice(firstFromStream).map((r) => keyOf(r.item))).toEqual(Object.values(items).map(keyOf));

    expect(logger.entries.some((entry) => entry.message.startsWith('stream position lost'))).toBe(true);
    expect(await positionItem(tables, 'catcher', gone)).toBeUndefined();
    expect((await positionItem(tables, 'catcher', '_last'))?.recordedAt?.S).toBe(items.y2.gsi1sk?.S?.slice(0, 24));
  });

  it('catches up only the tenants it is given, for positions of another stream', async () => {
    const tables = await freshTables();
    const mark = ago(30_000);
    const mine = eventItem('ten_M#Interview#m', 1, ago(10_000));
    const other = eventItem('ten_O#Interview#o', 1, ago(10_000));
    await put(tables.events, mine);
    await put(tables.events, other);
    const pk = { S: '_local#StreamPosition#picky' };
    const shardOfOtherStream = { S: 'shardId-00000001000000000000-cafebabe' };
    await put(tables.views, { pk, sk: shardOfOtherStream, streamArn: { S: 'arn:old' }, done: { BOOL: false } });
    await put(tables.views, { pk, sk: { S: '_last' }, recordedAt: { S: mark } });

    const consumer = new RecordingConsumer('picky');
    const runner = runnerFor(tables, consumer, { tenants: async () => ['ten_M'] });
    await runner.start();
    await runner.drain();

    const replayed = consumer.calls
      .flat()
      .filter((record) => record.sequenceNumber.startsWith('gsi1:'))
      .map((record) => keyOf(record.item));
    expect(replayed).toEqual([keyOf(mine)]);
  });

  it('stops cleanly: it waits for the batch in flight, cuts a backoff short, and delivers nothing after', async () => {
    const tables = await freshTables();
    const a = 'ten_1#Interview#a';
    let finishedAt = 0;
    const calls: string[] = [];
    const slow: StreamConsumer = {
      name: 'slow',
      consume: async (records) => {
        calls.push(...records.map((record) => keyOf(record.item)));
        await new Promise((done) => setTimeout(done, 300));
        finishedAt = Date.now();
        return { failed: [] };
      },
    };
    const runner = runnerFor(tables, slow);
    await runner.start();
    await put(tables.events, eventItem(a, 1, ago(0)));
    await until(() => calls.length === 1, 1_000, 'the first call');
    await runner.stop();
    const stoppedAt = Date.now();

    expect(finishedAt).toBeGreaterThan(0);
    expect(finishedAt).toBeLessThanOrEqual(stoppedAt);
    expect((await storedShards(tables, 'slow'))[0]?.sequenceNumber?.S).toBeDefined();
    await expect(runner.drain()).rejects.toThrow(/not running/);
    await put(tables.events, eventItem(a, 2, ago(0)));
    await new Promise((done) => setTimeout(done, 150));
    expect(calls).toEqual([`${a}/1`]);

    // a record failing with a long backoff does not hold a stop up
    const failing = new RecordingConsumer('failing', () => 'fail');
    const patient = runnerFor(tables, failing, { retryBaseMs: 10_000 });
    await patient.start();
    await until(() => failing.calls.length === 1, 1_000, 'the first failing call');
    const stopping = Date.now();
    await patient.stop();
    expect(Date.now() - stopping).toBeLessThan(500);
    expect(failing.calls).toHaveLength(1);
  });
});

/** The consumer's stored shard items (not the mark). */
const storedShards = async (tables: TableNames, consumer: string) => {
  const { QueryCommand } = await import('@aws-sdk/client-dynamodb');
  const { Items } = await testDb().client.send(
    new QueryCommand({
      TableName: tables.views,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: `_local#StreamPosition#${consumer}` } },
      ConsistentRead: true,
    }),
  );
  return (Items ?? []).filter((item) => item.sk?.S !== '_last');
};
