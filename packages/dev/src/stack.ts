import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createTables, localClientConfig } from '@app/local';
import { LocalStreamRunner, type StreamLogger, streamBatchHandler } from '@app/streams';
import { type TableNames, tableNames } from '@app/tables';
import { createProjector } from '@app/views';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';

// The local twin of the AWS side, around a running DynamoDB Local: the tables, and the stream
// consumers Lambda would run (the projector now; the reactor with the deadlines issue).

export interface LocalStack {
  readonly endpoint: string;
  readonly tables: TableNames;
  readonly client: DynamoDBClient;
  /** Whether the tables are there and every stream consumer is running. */
  healthy(): boolean;
  /** Resolves when every event written so far has been projected. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly tables?: TableNames;
  readonly pollIntervalMs?: number;
  readonly logger?: StreamLogger;
}

export const startLocalStack = async (options: LocalStackOptions): Promise<LocalStack> => {
  const tables = options.tables ?? tableNames();
  const { client } = options;
  await createTables(client, tables);
  const streams = new DynamoDBStreamsClient(localClientConfig(options.endpoint));
  const projector = new LocalStreamRunner({
    dynamo: client,
    streams,
    eventsTable: tables.events,
    viewsTable: tables.views,
    consumerName: 'projector',
    handler: streamBatchHandler(createProjector({ client, eventsTable: tables.events, viewsTable: tables.views })),
    ...(options.pollIntervalMs !== undefined && { pollIntervalMs: options.pollIntervalMs }),
    ...(options.logger && { logger: options.logger }),
  });
  await projector.start();
  return {
    endpoint: options.endpoint,
    tables,
    client,
    healthy: () => projector.healthy,
    drain: () => projector.drain(),
    stop: async () => {
      await projector.stop();
      streams.destroy();
    },
  };
};

/** Where `pnpm dev` tells other commands (`pnpm views:rebuild`) how to reach it. */
export const devStatePath = (root: string) => resolve(root, '.data/dev.json');

export interface DevState {
  readonly endpoint: string;
  readonly tables: TableNames;
  readonly pid: number;
}

export const writeDevState = (root: string, state: DevState): void => {
  mkdirSync(resolve(root, '.data'), { recursive: true });
  writeFileSync(devStatePath(root), `${JSON.stringify(state, null, 2)}\n`);
};

export const readDevState = (root: string): DevState | undefined => {
  try {
    return JSON.parse(readFileSync(devStatePath(root), 'utf8')) as DevState;
  } catch {
    return undefined;
  }
};
