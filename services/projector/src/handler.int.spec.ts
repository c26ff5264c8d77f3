import { toLambdaItem } from '@app/streams';
import { lambdaRecord } from '@app/streams/fixtures';
import { testDb } from '@app/testing';
import { ViewReader } from '@app/views';
import { runScenario, World } from '@app/views/fixtures';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The Lambda handler module as deployed: configured from its environment, given a stream event
// built the way Lambda builds it, against DynamoDB Local.

const ENV = [
  'EVENTS_TABLE',
  'VIEWS_TABLE',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
];

let handler: (
  event: DynamoDBStreamEvent,
  context: Context,
) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

beforeAll(async () => {
  const db = testDb();
  Object.assign(process.env, {
    EVENTS_TABLE: db.tables.events,
    VIEWS_TABLE: db.tables.views,
    AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  ({ handler } = (await import('./handler.ts')) as unknown as { handler: typeof handler });
});

afterAll(() => {
  for (const name of ENV) delete process.env[name];
});

/** An event item as a stream record Lambda hands over. */
const record = (
  item: Parameters<typeof toLambdaItem>[0],
  sequence: string,
  eventName: 'INSERT' | 'MODIFY' = 'INSERT',
) => lambdaRecord(sequence, eventName, toLambdaItem(item));

describe('the projector Lambda', () => {
  it('projects a batch, skips what is not an event, and reports only the stream it could not read', async () => {
    const db = testDb();
    const w = new World(db);
    const { students } = await runScenario(w);
    const records = await w.records();
    const broken = {
      pk: { S: `${w.tenantId}#Contact#con_broken` },
      sk: { N: '1' },
      kind: { S: 'event' },
      type: { S: 'ContactAdded' },
      schemaVersion: { N: '1' },
      data: { S: '{"not":"a contact"}' },
      meta: { S: JSON.stringify({ recordedAt: w.now, occurredAt: w.now }) },
    };
    await db.client.send(new PutItemCommand({ TableName: db.tables.events, Item: broken }));
    const snapshot = { pk: { S: `${w.tenantId}#Cohort#coh_x` }, sk: { N: '0' }, kind: { S: 'snapshot' } };
    const event: DynamoDBStreamEvent = {
      Records: [
        record(snapshot, '1', 'MODIFY'),
        ...records.map((r) => record(r.item, r.sequenceNumber)),
        record(broken, '999999999999999999999'),
      ],
    };

    const result = await handler(event, {} as Context);

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '999999999999999999999' }]);
    const reader = new ViewReader(w.views);
    const progress = await reader.studentProgress(await reader.scope(w.tenantId), students[0] as string, w.now);
    expect(progress).toMatchObject({ contacts: 2, meetingsHeld: 1, thankYousSent: 1 });
  });
});
