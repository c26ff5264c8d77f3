import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';

/** An event item as a stream record carried it (the table's `NEW_IMAGE`). */
export interface EventRecord {
  /** The record's sequence number: what a partial batch failure names. */
  readonly sequenceNumber: string;
  /** The item in the SDK's attribute-value shape. */
  readonly item: Record<string, AttributeValue>;
}

/**
 * What runs on a stream: it gets the event items of one batch, in stream order, and answers
 * with the sequence numbers of the records it could not handle (the runtime asks for those,
 * and everything after them in their shard, again). Items that are not events never reach it.
 */
export interface StreamConsumer {
  readonly name: string;
  consume(records: readonly EventRecord[]): Promise<{ readonly failed: readonly string[] }>;
}

/** The Lambda handler shape for a DynamoDB Streams event source with `ReportBatchItemFailures`. */
export type StreamBatchHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;
