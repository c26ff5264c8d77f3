import type { DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { lambdaRecord, memoryLogger, RecordingConsumer } from './fixtures/items.ts';
import { streamBatchHandler } from './lambda.ts';
import type { EventRecord, StreamConsumer } from './types.ts';

const event = (pk: string, version: number) => ({
  pk: { S: pk },
  sk: { N: String(version) },
  kind: { S: 'event' },
  type: { S: 'OutreachSent' },
  data: { S: '{"a":1}' },
  meta: { S: '{"recordedAt":"2026-01-01T00:00:00.000Z"}' },
});

const batch = (...records: DynamoDBStreamEvent['Records']): DynamoDBStreamEvent => ({ Records: records });

describe('streamBatchHandler', () => {
  it('hands the consumer only inserted events, in record order, in one call', async () => {
    const consumer = new RecordingConsumer();
    const handler = streamBatchHandler(consumer, { logger: memoryLogger() });
    const response = await handler(
      batch(
        lambdaRecord('1', 'INSERT', event('t#Interview#a', 1)),
        lambdaRecord('2', 'INSERT', { pk: { S: 't#Interview#a' }, sk: { N: '0' }, kind: { S: 'snapshot' } }),
        lambdaRecord('3', 'INSERT', { pk: { S: 't#Guard#EmailGuard#x' }, sk: { N: '0' }, kind: { S: 'guard' } }),
        lambdaRecord('4', 'INSERT', { pk: { S: 't#DataKey#stu_1' }, sk: { N: '0' }, kind: { S: 'dataKey' } }),
        lambdaRecord('5', 'INSERT', { pk: { S: '_platform#Tenants' }, sk: { N: '0' } }),
        lambdaRecord('6', 'MODIFY', event('t#Interview#a', 1)),
        lambdaRecord('7', 'REMOVE', event('t#Interview#a', 1)),
        lambdaRecord('8', 'INSERT', event('t#Interview#b', 1)),
        lambdaRecord('9', 'INSERT', event('t#Interview#a', 2)),
      ),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(consumer.calls).toHaveLength(1);
    expect(consumer.calls[0]?.map((record) => record.sequenceNumber)).toEqual(['1', '8', '9']);
    expect(consumer.keys()).toEqual(['t#Interview#a/1', 't#Interview#b/1', 't#Interview#a/2']);
  });

  it('calls nothing for a batch without events', async () => {
    const consumer = new RecordingConsumer();
    const handler = streamBatchHandler(consumer, { logger: memoryLogger() });
    expect(await handler(batch())).toEqual({ batchItemFailures: [] });
    expect(
      await handler(
        batch(lambdaRecord('1', 'INSERT', { pk: { S: 't#X#y' }, sk: { N: '0' }, kind: { S: 'snapshot' } })),
      ),
    ).toEqual({ batchItemFailures: [] });
    expect(consumer.calls).toEqual([]);
  });

  it('converts Lambda attribute values into the SDK shape', async () => {
    const consumer = new RecordingConsumer();
    const handler = streamBatchHandler(consumer, { logger: memoryLogger() });
    await handler(
      batch(
        lambdaRecord('1', 'INSERT', {
          ...event('t#Interview#a', 1),
          flag: { BOOL: false },
          nothing: { NULL: true },
          nested: { M: { list: { L: [{ S: 'x' }, { N: '2' }, { M: { deep: { BOOL: true } } }] } } },
          names: { SS: ['a', 'b'] },
          numbers: { NS: ['1', '2.5'] },
          blob: { B: Buffer.from([1, 2, 255]).toString('base64') },
          blobs: { BS: [Buffer.from('hi').toString('base64')] },
        }),
      ),
    );
    const item = consumer.calls[0]?.[0]?.item;
    expect(item).toEqual({
      ...event('t#Interview#a', 1),
      flag: { BOOL: false },
      nothing: { NULL: true },
      nested: { M: { list: { L: [{ S: 'x' }, { N: '2' }, { M: { deep: { BOOL: true } } }] } } },
      names: { SS: ['a', 'b'] },
      numbers: { NS: ['1', '2.5'] },
      blob: { B: new Uint8Array([1, 2, 255]) },
      blobs: { BS: [new Uint8Array([104, 105])] },
    });
    expect(item?.blob?.B).toBeInstanceOf(Uint8Array);
  });

  it('maps the records the consumer could not handle to batch item failures', async () => {
    const consumer = new RecordingConsumer('picky', (key) => (key === 't#Interview#b/1' ? 'fail' : 'ok'));
    const handler = streamBatchHandler(consumer, { logger: memoryLogger() });
    const response = await handler(
      batch(
        lambdaRecord('10', 'INSERT', event('t#Interview#a', 1)),
        lambdaRecord('11', 'INSERT', event('t#Interview#b', 1)),
        lambdaRecord('12', 'INSERT', event('t#Interview#a', 2)),
      ),
    );
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '11' }] });
  });

  it('reports every event record failed, and does not throw, when the consumer throws', async () => {
    const logger = memoryLogger();
    const consumer: StreamConsumer = {
      name: 'broken',
      consume: async (_records: readonly EventRecord[]) => {
        throw new Error('view store unavailable');
      },
    };
    const response = await streamBatchHandler(consumer, { logger })(
      batch(
        lambdaRecord('20', 'INSERT', { pk: { S: 't#X#y' }, sk: { N: '0' }, kind: { S: 'snapshot' } }),
        lambdaRecord('21', 'INSERT', event('t#Interview#a', 1)),
        lambdaRecord('22', 'MODIFY', event('t#Interview#a', 1)),
        lambdaRecord('23', 'INSERT', event('t#Interview#a', 2)),
      ),
    );
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '21' }, { itemIdentifier: '23' }] });
    expect(logger.entries).toMatchObject([{ level: 'error', details: { consumer: 'broken', records: 2 } }]);
    expect(logger.entries[0]?.details?.error).toEqual(new Error('view store unavailable'));
  });
});
