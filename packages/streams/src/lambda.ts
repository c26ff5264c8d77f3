import type { DynamoDBRecord } from 'aws-lambda';
import { consoleLogger, type StreamLogger } from './logger.ts';
import { isEventRecord, sequenceNumberOf, toEventRecord } from './records.ts';
import type { StreamBatchHandler, StreamConsumer } from './types.ts';

export interface StreamBatchHandlerOptions {
  readonly logger?: StreamLogger;
}

const failures = (ids: readonly string[]) => ({ batchItemFailures: ids.map((id) => ({ itemIdentifier: id })) });

/** Every event record's sequence number, or none when one cannot even be read. */
const allSequenceNumbers = (records: readonly DynamoDBRecord[]): string[] =>
  records.flatMap((record) => (record.dynamodb?.SequenceNumber ? [record.dynamodb.SequenceNumber] : []));

/**
 * The Lambda handler for a DynamoDB Streams source with `ReportBatchItemFailures`: the event
 * records of the batch go to the consumer in one call, in stream order, and what it could not
 * handle comes back as batch item failures. It never throws: a thrown error would make Lambda
 * retry the whole batch without partial-failure semantics, so a consumer that throws has every
 * event record reported failed instead (Lambda then retries from the first one).
 */
export const streamBatchHandler = (
  consumer: StreamConsumer,
  options: StreamBatchHandlerOptions = {},
): StreamBatchHandler => {
  const logger = options.logger ?? consoleLogger;
  return async (event) => {
    const events = event.Records.filter(isEventRecord);
    if (events.length === 0) return failures([]);
    try {
      const { failed } = await consumer.consume(events.map(toEventRecord));
      const known = new Set(events.map(sequenceNumberOf));
      const unknown = failed.filter((id) => !known.has(id));
      if (unknown.length > 0) {
        logger.warn('stream consumer named records that are not in its batch', { consumer: consumer.name, unknown });
      }
      return failures([...new Set(failed)]);
    } catch (error) {
      logger.error('stream consumer threw: every event record of the batch is reported failed', {
        consumer: consumer.name,
        records: events.length,
        error,
      });
      return failures(allSequenceNumbers(events));
    }
  };
};
