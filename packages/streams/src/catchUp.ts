import { type AttributeValue, type DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { type SdkItem, toLambdaItem } from './attributes.ts';
import type { Commit } from './delivery.ts';
import { latestRecordedAt, recordedAtOf } from './records.ts';

const DAY_MS = 86_400_000;

/** The prefix of the sequence numbers the catch-up makes up: they name a log entry, not a stream record. */
export const CATCH_UP_PREFIX = 'gsi1:';

/**
 * The tenants that have a log: the ids of the `{tenantId}#Tenant#{id}` streams' first events.
 * A scan, which is fine for the local runner's rare catch-up and wrong anywhere else.
 */
export const scanTenants = async (client: DynamoDBClient, eventsTable: string): Promise<string[]> => {
  const tenants = new Set<string>();
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: eventsTable,
        ProjectionExpression: '#pk',
        FilterExpression: '#sk = :first AND contains(#pk, :tenant)',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: { ':first': { N: '1' }, ':tenant': { S: '#Tenant#' } },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const [tenantId, streamType] = (item.pk?.S ?? '').split('#');
      if (tenantId && streamType === 'Tenant') tenants.add(tenantId);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return [...tenants];
};

/**
 * A tenant's log entries recorded between two instants, in recorded order: one `gsi1` day
 * partition at a time (`{tenantId}#log#{yyyy-mm-dd}`), as the event store writes them.
 */
export async function* readTenantLog(
  client: DynamoDBClient,
  eventsTable: string,
  tenantId: string,
  range: { readonly from: string; readonly to: string },
): AsyncGenerator<SdkItem> {
  for (let day = Date.parse(`${range.from.slice(0, 10)}T00:00:00.000Z`); day <= Date.parse(range.to); day += DAY_MS) {
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: eventsTable,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': { S: `${tenantId}#log#${new Date(day).toISOString().slice(0, 10)}` },
            ':from': { S: range.from },
            ':to': { S: `${range.to}~` },
          },
          ExclusiveStartKey: startKey,
        }),
      );
      yield* page.Items ?? [];
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
}

/** Where the made-up records say they come from: the table's stream, as a real record would. */
export interface RecordSource {
  readonly streamArn: string;
  readonly awsRegion: string;
}

/**
 * A log entry as the INSERT record the stream carried when it was written. Its sequence number
 * is made up (`gsi1:` + the log sort key): unique, and never taken for a stream position.
 */
export const catchUpRecord = (item: SdkItem, source: RecordSource): DynamoDBRecord => {
  const image = toLambdaItem(item);
  const sequenceNumber = `${CATCH_UP_PREFIX}${item.gsi1sk?.S ?? ''}`;
  const recordedAt = recordedAtOf(item);
  return {
    eventID: sequenceNumber,
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: source.awsRegion,
    eventSourceARN: source.streamArn,
    dynamodb: {
      ...(recordedAt && { ApproximateCreationDateTime: Math.floor(Date.parse(recordedAt) / 1000) }),
      Keys: { ...(image.pk && { pk: image.pk }), ...(image.sk && { sk: image.sk }) },
      NewImage: image,
      SequenceNumber: sequenceNumber,
      SizeBytes: Buffer.byteLength(JSON.stringify(image)),
      StreamViewType: 'NEW_IMAGE',
    },
  };
};

export interface ReplayOptions {
  readonly client: DynamoDBClient;
  readonly eventsTable: string;
  readonly tenants: readonly string[];
  readonly range: { readonly from: string; readonly to: string };
  readonly source: RecordSource;
  readonly batchSize: number;
  /** Delivers a batch (with retries); false when the runner stopped. */
  readonly deliver: (records: readonly DynamoDBRecord[], commit: Commit) => Promise<boolean>;
}

/**
 * Feeds every tenant's log entries in the range to `deliver`, in batches, tenant after tenant.
 * Answers whether it got through, and the latest `recordedAt` delivered: the caller moves the
 * catch-up mark only once all tenants are done, since they are not replayed in recorded order.
 */
export const replayTenantLogs = async (
  options: ReplayOptions,
): Promise<{ readonly finished: boolean; readonly latest: string | undefined }> => {
  let latest: string | undefined;
  const commit: Commit = async (_handled, delivered) => {
    const recordedAt = latestRecordedAt(delivered);
    if (recordedAt && (!latest || recordedAt > latest)) latest = recordedAt;
  };
  for (const tenantId of options.tenants) {
    let batch: DynamoDBRecord[] = [];
    for await (const item of readTenantLog(options.client, options.eventsTable, tenantId, options.range)) {
      batch.push(catchUpRecord(item, options.source));
      if (batch.length < options.batchSize) continue;
      if (!(await options.deliver(batch, commit))) return { finished: false, latest };
      batch = [];
    }
    if (batch.length > 0 && !(await options.deliver(batch, commit))) return { finished: false, latest };
  }
  return { finished: true, latest };
};
