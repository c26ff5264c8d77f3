import type { DynamoDBRecord } from 'aws-lambda';
import { toSdkItem } from './attributes.ts';
import type { EventRecord } from './types.ts';

/**
 * The one rule for what reaches a consumer: an inserted item whose `kind` is `event`. Snapshots,
 * guards, data keys and platform items share the table and its stream but are not events, and
 * events are immutable, so a MODIFY or REMOVE is never one either.
 */
export const isEventRecord = (record: DynamoDBRecord): boolean =>
  record.eventName === 'INSERT' && record.dynamodb?.NewImage?.kind?.S === 'event';

/** The sequence number a partial batch failure names; Lambda always sets it. */
export const sequenceNumberOf = (record: DynamoDBRecord): string => {
  const sequenceNumber = record.dynamodb?.SequenceNumber;
  if (!sequenceNumber) throw new Error(`stream record ${record.eventID ?? '(no id)'} has no sequence number`);
  return sequenceNumber;
};

/** A stream record as the consumer sees it: its sequence number and the new image in the SDK's shape. */
export const toEventRecord = (record: DynamoDBRecord): EventRecord => ({
  sequenceNumber: sequenceNumberOf(record),
  item: toSdkItem(record.dynamodb?.NewImage ?? {}),
});

/** The text attributes of an item, in either the SDK's or Lambda's shape (they agree on `S`). */
export type TextImage = Readonly<Record<string, { readonly S?: string | undefined }>>;

/** The latest `recordedAt` among the event records given, if any. */
export const latestRecordedAt = (records: readonly DynamoDBRecord[]): string | undefined => {
  let latest: string | undefined;
  for (const record of records) {
    const recordedAt = isEventRecord(record) ? recordedAtOf(record.dynamodb?.NewImage ?? {}) : undefined;
    if (recordedAt !== undefined && (latest === undefined || recordedAt > latest)) latest = recordedAt;
  }
  return latest;
};

/**
 * When an event item was recorded: the head of `gsi1sk` (`{recordedAt}#{pk}#{sk}`), else `meta`'s
 * `recordedAt`. Undefined for anything else, which then never moves the catch-up mark.
 */
export const recordedAtOf = (item: TextImage): string | undefined => {
  const sortKey = item.gsi1sk?.S;
  if (sortKey?.includes('#')) return sortKey.slice(0, sortKey.indexOf('#'));
  const meta = item.meta?.S;
  if (!meta) return undefined;
  try {
    const parsed: unknown = JSON.parse(meta);
    if (typeof parsed === 'object' && parsed !== null && 'recordedAt' in parsed) {
      return typeof parsed.recordedAt === 'string' ? parsed.recordedAt : undefined;
    }
  } catch {
    // a meta that is not JSON has no recordedAt to offer
  }
  return undefined;
};
