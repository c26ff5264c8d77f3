import { localClientConfig } from '@app/local';
import { LocalStreamRunner, type StreamConsumer, streamBatchHandler } from '@app/streams';
import { memoryLogger } from '@app/streams/fixtures';
import { createTableInput, VIEWS_TABLE } from '@app/tables';
import { testDb } from '@app/testing';
import { createProjector } from '@app/views';
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';

// The projector as the local stack runs it (createProjector on the local stream runner, as
// packages/dev/src/stack.ts composes them), on this file's events table, into a views table of
// the test's choosing: where the fault tests crash it, stop it and start it again.

/** A views table beside this file's own (the projector keeps its stream positions there too). */
export const extraViewsTable = async (suffix: string): Promise<string> => {
  const db = testDb();
  const name = `${db.tables.views}_${suffix}`;
  await db.client.send(new CreateTableCommand(createTableInput(VIEWS_TABLE, name)));
  return name;
};

export interface ProjectorRun {
  readonly runner: LocalStreamRunner;
  /** Records the runner gave up on (none, in a run that converges). */
  readonly givenUp: unknown[];
  readonly logger: ReturnType<typeof memoryLogger>;
}

/**
 * A stream runner feeding the real projector. `client` writes the views (a faulty one, say);
 * `wrap` stands between the runner and the projector, and gets a way to make a fresh projector
 * (what a new Lambda container would start with).
 */
export const projectorRun = (options: {
  readonly viewsTable: string;
  readonly streams: DynamoDBStreamsClient;
  readonly client?: DynamoDBClient;
  readonly wrap?: (fresh: () => StreamConsumer) => StreamConsumer;
}): ProjectorRun => {
  const db = testDb();
  const client = options.client ?? db.client;
  const fresh = () => createProjector({ client, eventsTable: db.tables.events, viewsTable: options.viewsTable });
  const consumer = options.wrap ? options.wrap(fresh) : fresh();
  const logger = memoryLogger();
  const givenUp: unknown[] = [];
  const runner = new LocalStreamRunner({
    dynamo: db.client,
    streams: options.streams,
    eventsTable: db.tables.events,
    viewsTable: options.viewsTable,
    consumerName: 'projector',
    handler: streamBatchHandler(consumer, { logger }),
    pollIntervalMs: 20,
    retryBaseMs: 10,
    logger,
    onGiveUp: (record) => void givenUp.push(record),
  });
  return { runner, givenUp, logger };
};

/** A streams client for this file's DynamoDB Local. */
export const streamsClient = (): DynamoDBStreamsClient =>
  new DynamoDBStreamsClient(localClientConfig(testDb().endpoint));
