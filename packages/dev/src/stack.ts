import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createPublisher, InProcessBus } from '@app/bus';
import {
  createDeadlineConsumer,
  createDeadlineHandler,
  LocalDeadlinePoller,
  LocalScheduler,
  tenantPolicies,
} from '@app/deadlines';
import { CommandHandler } from '@app/event-store';
import { createTables, localClientConfig } from '@app/local';
import { LocalStreamRunner, type StreamLogger, streamBatchHandler, together } from '@app/streams';
import { type TableNames, tableNames } from '@app/tables';
import { createProjector, viewsStore } from '@app/views';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';

// The local twin of the AWS side, around a running DynamoDB Local: the tables, the two stream
// readers Lambda would run (the projector; the reactor: the deadline consumer and the publisher
// to an in-process bus), and the local scheduler's poller calling the deadline handler, as
// EventBridge Scheduler would.

export interface LocalStack {
  readonly endpoint: string;
  readonly tables: TableNames;
  readonly client: DynamoDBClient;
  /** Whether the tables are there and every stream consumer is running. */
  healthy(): boolean;
  /** Resolves when every event written so far has been projected and reacted to. */
  drain(): Promise<void>;
  /** The in-process integration bus the publisher sends to (EventBridge in AWS). */
  readonly bus: InProcessBus;
  /** Starts the reactor and the deadline poller, when the stack was started without them. */
  startDeadlines(): Promise<void>;
  /** Fires the deadlines due now (the poller does so every second anyway); says how many. */
  pollDeadlines(): Promise<number>;
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly tables?: TableNames;
  readonly pollIntervalMs?: number;
  readonly logger?: StreamLogger;
  /** The clock deadlines fall due by (default: the real one). */
  readonly now?: () => Date;
  /** How often the local scheduler looks for due deadlines (default 1 s). */
  readonly deadlinePollMs?: number;
  /**
   * `false`: the reactor and the poller wait for `startDeadlines()` (a seed writing months of
   * history first; a test firing deadlines on a timeline of its own never starts them).
   */
  readonly deadlines?: boolean;
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
  const store = viewsStore({ client, eventsTable: tables.events, viewsTable: tables.views });
  const now = options.now ?? (() => new Date());
  const policyOf = tenantPolicies(store);
  const scheduler = new LocalScheduler(client, tables.views);
  // EventBridge's local twin: what the university's other systems would subscribe to
  const bus = new InProcessBus();
  const fire = createDeadlineHandler({ store, handler: new CommandHandler(store), now, policyOf });
  const reactor = new LocalStreamRunner({
    dynamo: client,
    streams,
    eventsTable: tables.events,
    viewsTable: tables.views,
    consumerName: 'reactor',
    handler: streamBatchHandler(
      together('reactor', [
        createDeadlineConsumer({ store, scheduler, fire, policyOf, now }),
        createPublisher({ client, eventsTable: tables.events, bus }),
      ]),
    ),
    ...(options.pollIntervalMs !== undefined && { pollIntervalMs: options.pollIntervalMs }),
    ...(options.logger && { logger: options.logger }),
  });
  const poller = new LocalDeadlinePoller({
    scheduler,
    fire,
    now,
    intervalMs: options.deadlinePollMs ?? 1_000,
    onError: (deadline, error) =>
      console.error(JSON.stringify({ level: 'ERROR', message: 'deadline failed', deadline, error: String(error) })),
  });
  let reacting = false;
  const startDeadlines = async () => {
    if (reacting) return;
    reacting = true;
    await reactor.start();
    poller.start();
  };
  await Promise.all([projector.start(), options.deadlines !== false && startDeadlines()]);
  return {
    bus,
    startDeadlines,
    endpoint: options.endpoint,
    tables,
    client,
    healthy: () => projector.healthy && (!reacting || (reactor.healthy && poller.healthy)),
    drain: async () => {
      await Promise.all([projector.drain(), reacting && reactor.drain()]);
    },
    pollDeadlines: () => poller.pollOnce(),
    stop: async () => {
      await poller.stop();
      await Promise.all([projector.stop(), reacting && reactor.stop()]);
      streams.destroy();
    },
  };
};

/** Where `pnpm dev` tells other commands (`pnpm views:rebuild`) how to reach it: in its data folder. */
export const devStatePath = (dataDir: string) => resolve(dataDir, 'dev.json');

export interface DevState {
  readonly endpoint: string;
  readonly tables: TableNames;
  readonly pid: number;
}

export const writeDevState = (dataDir: string, state: DevState): void => {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(devStatePath(dataDir), `${JSON.stringify(state, null, 2)}\n`);
};

export const readDevState = (dataDir: string): DevState | undefined => {
  try {
    return JSON.parse(readFileSync(devStatePath(dataDir), 'utf8')) as DevState;
  } catch {
    return undefined;
  }
};
