import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { Delivery, type DeliveryOptions } from './delivery.ts';
import { lambdaRecord, memoryLogger } from './fixtures/items.ts';
import { sequenceNumberOf } from './records.ts';
import type { StreamBatchHandler } from './types.ts';

const records = (count: number): DynamoDBRecord[] =>
  Array.from({ length: count }, (_, index) =>
    lambdaRecord(String(index + 1), 'INSERT', {
      pk: { S: 't#X#a' },
      sk: { N: String(index + 1) },
      kind: { S: 'event' },
    }),
  );

/** A handler that remembers the sequence numbers of each call and fails what `fail` says. */
const scripted = (fail: (sequenceNumber: string, call: number) => boolean) => {
  const calls: string[][] = [];
  const handler: StreamBatchHandler = async ({ Records }) => {
    const ids = Records.map(sequenceNumberOf);
    calls.push(ids);
    return { batchItemFailures: ids.filter((id) => fail(id, calls.length)).map((id) => ({ itemIdentifier: id })) };
  };
  return { calls, handler };
};

const delivery = (handler: StreamBatchHandler, overrides: Partial<DeliveryOptions> = {}) => {
  const pauses: number[] = [];
  const commits: { handled: string[]; delivered: string[] }[] = [];
  const given: string[] = [];
  const run = new Delivery({
    handler,
    consumerName: 'test',
    batchSize: 3,
    maxAttempts: 3,
    retryBaseMs: 10,
    retryMaxMs: 25,
    logger: memoryLogger(),
    pause: async (ms) => {
      pauses.push(ms);
      return true;
    },
    stopping: () => false,
    onGiveUp: (record) => {
      given.push(sequenceNumberOf(record));
    },
    ...overrides,
  });
  const deliver = (batch: readonly DynamoDBRecord[]) =>
    run.deliver(batch, async (handled, delivered) => {
      commits.push({ handled: handled.map(sequenceNumberOf), delivered: delivered.map(sequenceNumberOf) });
    });
  return { deliver, pauses, commits, given };
};

describe('Delivery (Lambda semantics for the local runner)', () => {
  it('delivers in order, in batches of batchSize, committing each', async () => {
    const { calls, handler } = scripted(() => false);
    const { deliver, commits } = delivery(handler);
    expect(await deliver(records(5))).toBe(true);
    expect(calls).toEqual([
      ['1', '2', '3'],
      ['4', '5'],
    ]);
    expect(commits.map((commit) => commit.handled)).toEqual([
      ['1', '2', '3'],
      ['4', '5'],
    ]);
  });

  it('commits what came before the lowest failure and redelivers from it, with a growing backoff', async () => {
    // 2 fails on the first two calls; 3 is reported too, but 2 is the lowest
    const { calls, handler } = scripted((id, call) => call <= 2 && (id === '2' || id === '3'));
    const { deliver, commits, pauses } = delivery(handler);
    expect(await deliver(records(4))).toBe(true);
    expect(calls).toEqual([
      ['1', '2', '3'],
      ['2', '3', '4'],
      ['2', '3', '4'],
    ]);
    expect(commits.map((commit) => commit.handled)).toEqual([['1'], ['2', '3', '4']]);
    expect(pauses).toEqual([10, 20]);
  });

  it('gives up on a record after maxAttempts, tells onGiveUp, and moves on past it', async () => {
    const { calls, handler } = scripted((id) => id === '2');
    const { deliver, commits, given, pauses } = delivery(handler);
    expect(await deliver(records(3))).toBe(true);
    expect(calls).toEqual([['1', '2', '3'], ['2', '3'], ['2', '3'], ['3']]);
    expect(given).toEqual(['2']);
    expect(pauses).toEqual([10, 20]);
    // the record given up on is handled (the position moves past it) but was not delivered
    expect(commits).toEqual([
      { handled: ['1'], delivered: ['1'] },
      { handled: ['2'], delivered: [] },
      { handled: ['3'], delivered: ['3'] },
    ]);
  });

  it('treats a handler that throws, or names a record not in its batch, as failing the whole batch', async () => {
    let call = 0;
    const handler: StreamBatchHandler = async () => {
      call += 1;
      if (call === 1) throw new Error('boom');
      if (call === 2) return { batchItemFailures: [{ itemIdentifier: 'nope' }] };
      return { batchItemFailures: [] };
    };
    const { deliver, commits, pauses } = delivery(handler);
    expect(await deliver(records(2))).toBe(true);
    expect(call).toBe(3);
    expect(pauses).toEqual([10, 20]);
    expect(commits.map((commit) => commit.handled)).toEqual([['1', '2']]);
  });

  it('stops during a backoff without committing the failed record', async () => {
    const { handler } = scripted((id) => id === '2');
    const { deliver, commits } = delivery(handler, { pause: async () => false });
    expect(await deliver(records(3))).toBe(false);
    expect(commits.map((commit) => commit.handled)).toEqual([['1']]);
  });
});
