import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { replayTenantLogs, scanTenants } from './catchUp.ts';
import { type Commit, Delivery } from './delivery.ts';
import { consoleLogger, type StreamLogger } from './logger.ts';
import { Pacer } from './pacer.ts';
import { PositionStore } from './positions.ts';
import { latestRecordedAt, sequenceNumberOf } from './records.ts';
import { handledShards, positionLost, prunableShards, readableShards, type ShardInfo } from './shards.ts';
import { describeShards, errorName, latestStreamArn, regionOf, toLambdaRecord } from './streamApi.ts';
import type { StreamBatchHandler } from './types.ts';

/** How long DynamoDB (and DynamoDB Local) keeps stream records: the oldest a fresh start can read. */
const RETENTION_MS = 24 * 60 * 60 * 1000;
/** Read the log from a little before the mark: recorded instants of different streams interleave. */
const CATCH_UP_MARGIN_MS = 5_000;
/**
 * How often to look for new shards and a replaced stream when no shard finished. AWS rolls shards
 * over about every 4 hours; DynamoDB Local's server has that job but never schedules it.
 */
const DESCRIBE_EVERY_MS = 5_000;
const RETRY_MAX_MS = 5_000;

export interface LocalStreamRunnerOptions {
  /** Clients for DynamoDB Local, both built with `localClientConfig(endpoint)` from `@app/local`. */
  readonly dynamo: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  /** The table whose stream is read and whose `gsi1` (the tenant log) a lost position is caught up from. */
  readonly eventsTable: string;
  /** Where positions are kept (`_local#StreamPosition#{consumerName}`). */
  readonly viewsTable: string;
  /** Names the positions: one set per consumer, as each Lambda has its own event source mapping. */
  readonly consumerName: string;
  /** The very handler the Lambda runs. */
  readonly handler: StreamBatchHandler;
  /** The wait after a poll that found nothing (default 100 ms). */
  readonly pollIntervalMs?: number;
  /** Records per `GetRecords` and per handler call (default 100). */
  readonly batchSize?: number;
  /** Deliveries of a failing record before it is given up on (default 10). */
  readonly maxAttempts?: number;
  /** The first retry's backoff, doubling up to 5 s (default 100 ms). */
  readonly retryBaseMs?: number;
  /** The tenants to catch up (default: a scan for the `{tenantId}#Tenant#{id}` streams). */
  readonly tenants?: () => Promise<readonly string[]>;
  /** Called with a record given up on: the local twin of a Lambda on-failure destination. */
  readonly onGiveUp?: (record: DynamoDBRecord, error: unknown) => void | Promise<void>;
  readonly logger?: StreamLogger;
}

/** Where reading stands in one shard. */
interface Cursor {
  readonly shardId: string;
  /** The last record handled (and stored); reading resumes after it. */
  committed: string | undefined;
  iterator: string | undefined;
  /** The iterator was made from the stored position and nothing was read since: a trim then means it is gone. */
  fromPosition: boolean;
}

/** A poll's result: `idle` is the only one that lets the runner sleep (and a drain settle). */
type PollOutcome = 'records' | 'idle' | 'ended' | 'reset';

/**
 * The local twin of a Lambda DynamoDB Streams event source mapping: it polls DynamoDB Local's
 * streams API and calls the same handler with the same `DynamoDBStreamEvent`, with Lambda's
 * partial-failure retries, shard lineage and stored positions. A position that cannot be
 * followed any more (DynamoDB Local restarted in memory, records trimmed) is caught up from the
 * tenant log, since the stream itself keeps only 24 hours (DESIGN.md §6).
 */
export class LocalStreamRunner {
  private readonly positions: PositionStore;
  private readonly delivery: Delivery;
  private readonly logger: StreamLogger;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly retryBaseMs: number;
  private streamArn = '';
  private shards: ShardInfo[] = [];
  private done = new Set<string>();
  private cursors = new Map<string, Cursor>();
  /** Shards with an item in the position store. */
  private noted = new Set<string>();
  private describedAt = 0;
  private needsInit = true;
  private catchUpPending = false;
  private readonly pacer = new Pacer();
  private loop: Promise<void> | undefined;

  constructor(private readonly options: LocalStreamRunnerOptions) {
    this.logger = options.logger ?? consoleLogger;
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.batchSize = options.batchSize ?? 100;
    this.retryBaseMs = options.retryBaseMs ?? 100;
    this.positions = new PositionStore(options.dynamo, options.viewsTable, options.consumerName);
    this.delivery = new Delivery({
      handler: options.handler,
      consumerName: options.consumerName,
      batchSize: this.batchSize,
      maxAttempts: options.maxAttempts ?? 10,
      retryBaseMs: this.retryBaseMs,
      retryMaxMs: RETRY_MAX_MS,
      logger: this.logger,
      pause: (ms) => this.pacer.pause(ms, false),
      stopping: () => this.pacer.stopped,
      ...(options.onGiveUp && { onGiveUp: options.onGiveUp }),
    });
  }

  /** Finds the stream and the stored position (failing here if the table is missing), then polls in the background. */
  async start(): Promise<void> {
    if (this.loop) throw new Error(`stream runner ${this.options.consumerName} is already running`);
    this.pacer.reset();
    await this.initialize();
    this.loop = this.run();
  }

  /** Whether it is polling, and did not fail on its last turn (what a health check reports). */
  get healthy(): boolean {
    return this.loop !== undefined && !this.pacer.stopped && !this.needsInit;
  }

  /** Stops polling once the batch in flight is handled (a retry backoff is cut short). */
  async stop(): Promise<void> {
    this.pacer.stop();
    await this.loop;
    this.loop = undefined;
    this.pacer.rejectDrains();
  }

  /**
   * Resolves once every readable shard has been read to its end as it stood when this was called
   * and the handler has returned (retries included): what was written before is then handled.
   */
  drain(): Promise<void> {
    if (!this.loop || this.pacer.stopped) return Promise.reject(new Error('the stream runner is not running'));
    return this.pacer.drain();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.pacer.stopped) {
      try {
        const busy = await this.step();
        failures = 0;
        if (!busy) await this.pacer.pause(this.pollIntervalMs, true);
      } catch (error) {
        failures += 1;
        this.logger.error('stream runner failed: it starts again from the stored position', {
          consumer: this.options.consumerName,
          error,
        });
        this.needsInit = true;
        await this.pacer.pause(Math.min(this.retryBaseMs * 2 ** failures, RETRY_MAX_MS), false);
      }
    }
  }

  /** One turn of the loop; true when there may be more to read at once. */
  private async step(): Promise<boolean> {
    if (this.needsInit) await this.initialize();
    if (this.catchUpPending) {
      await this.catchUp();
      return true;
    }
    if (Date.now() - this.describedAt >= DESCRIBE_EVERY_MS) await this.refreshShards();
    if (this.catchUpPending) return true;
    return this.pollShards();
  }

  /** Reads the stream and the stored positions, and decides: resume, start fresh, or catch up. */
  private async initialize(): Promise<void> {
    this.streamArn = await latestStreamArn(this.options.dynamo, this.options.eventsTable);
    this.shards = await describeShards(this.options.streams, this.streamArn);
    this.describedAt = Date.now();
    const stored = await this.positions.load();
    this.needsInit = false;
    this.catchUpPending = false;
    if (stored.shards.size === 0) {
      // the mark's floor: should this position be lost later, nothing older was ever in reach
      await this.positions.ensureLast(new Date(Date.now() - RETENTION_MS).toISOString());
    } else if (positionLost(stored.shards, this.streamArn, this.shards)) {
      this.lose('the stored shards are not in the stream any more');
      return;
    }
    await this.positions.forgetShards(prunableShards(stored.shards, this.shards));
    this.done = handledShards(this.shards, stored.shards);
    this.cursors = new Map();
    for (const [shardId, position] of stored.shards) this.cursorOf(shardId).committed = position.sequenceNumber;
    this.noted = new Set(stored.shards.keys());
    await this.noteNewShards();
  }

  /** Picks up new shards (a rollover or split) and notices a stream replaced or shards gone unread. */
  private async refreshShards(): Promise<void> {
    const streamArn = await latestStreamArn(this.options.dynamo, this.options.eventsTable);
    if (streamArn !== this.streamArn) return this.lose('the table has a new stream');
    const shards = await describeShards(this.options.streams, streamArn);
    const listed = new Set(shards.map((shard) => shard.shardId));
    const vanished = this.shards.filter((shard) => !this.done.has(shard.shardId) && !listed.has(shard.shardId));
    this.shards = shards;
    this.describedAt = Date.now();
    if (vanished.length > 0) return this.lose(`shards left the stream unread: ${vanished.map((s) => s.shardId)}`);
    await this.noteNewShards();
  }

  /** Stores a marker for every shard about to be read, so that its disappearance is noticed later. */
  private async noteNewShards(): Promise<void> {
    for (const shard of this.shards) {
      if (this.done.has(shard.shardId) || this.noted.has(shard.shardId)) continue;
      await this.positions.saveMarker(shard.shardId, this.streamArn);
      this.noted.add(shard.shardId);
    }
  }

  /** One `GetRecords` on each readable shard, parents first; true when any of them was not idle. */
  private async pollShards(): Promise<boolean> {
    const ticket = this.pacer.beginCycle();
    let busy = false;
    for (const shard of readableShards(this.shards, this.done)) {
      if (this.pacer.stopped) return true;
      const outcome = await this.poll(this.cursorOf(shard.shardId));
      if (outcome === 'reset') return true;
      if (outcome !== 'idle') busy = true;
    }
    if (!busy) this.pacer.idle(ticket);
    return busy;
  }

  private async poll(cursor: Cursor): Promise<PollOutcome> {
    if (!cursor.iterator && !(await this.acquire(cursor))) return 'reset';
    let page: GetRecordsCommandOutput;
    try {
      page = await this.options.streams.send(
        new GetRecordsCommand({ ShardIterator: cursor.iterator, Limit: this.batchSize }),
      );
    } catch (error) {
      return this.onReadError(cursor, error);
    }
    const records = (page.Records ?? []).map((record) => toLambdaRecord(record, this.streamArn));
    if (records.length > 0) {
      const commit: Commit = (handled, delivered) => this.commitShard(cursor, handled, delivered);
      if (!(await this.delivery.deliver(records, commit))) return 'records';
      cursor.fromPosition = false;
    }
    cursor.iterator = page.NextShardIterator;
    if (!page.NextShardIterator) return this.onShardEnd(cursor);
    return records.length > 0 ? 'records' : 'idle';
  }

  /** An iterator from the stored position, or from the oldest record when there is none. */
  private async acquire(cursor: Cursor): Promise<boolean> {
    const from = cursor.committed
      ? ({ ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: cursor.committed } as const)
      : ({ ShardIteratorType: 'TRIM_HORIZON' } as const);
    try {
      const { ShardIterator } = await this.options.streams.send(
        new GetShardIteratorCommand({ StreamArn: this.streamArn, ShardId: cursor.shardId, ...from }),
      );
      cursor.iterator = ShardIterator;
      cursor.fromPosition = cursor.committed !== undefined;
    } catch (error) {
      const name = errorName(error);
      if (name !== 'TrimmedDataAccessException' && name !== 'ResourceNotFoundException') throw error;
      if (cursor.committed) this.lose(`${name} for the stored position in ${cursor.shardId}`);
      else this.needsInit = true;
      return false;
    }
    if (!cursor.iterator) this.needsInit = true;
    return cursor.iterator !== undefined;
  }

  private onReadError(cursor: Cursor, error: unknown): PollOutcome {
    const name = errorName(error);
    cursor.iterator = undefined;
    // iterators expire after 15 minutes: take a new one from the position
    if (name === 'ExpiredIteratorException') return 'records';
    if (name === 'TrimmedDataAccessException') {
      if (cursor.fromPosition) {
        this.lose(`the records after ${cursor.committed} in ${cursor.shardId} were trimmed`);
        return 'reset';
      }
      // DynamoDB Local: an iterator taken on an empty shard points before the first record written
      // later (sequence numbers are shared by every table) and reads as trimmed; a new one does not
      return 'records';
    }
    if (name === 'ResourceNotFoundException') {
      this.needsInit = true;
      return 'reset';
    }
    throw error;
  }

  /**
   * No next iterator: the shard is closed and read to its end, so its children may be read. DynamoDB
   * Local has been seen to leave the iterator out on an open shard too; such a shard is read again.
   */
  private async onShardEnd(cursor: Cursor): Promise<PollOutcome> {
    this.shards = await describeShards(this.options.streams, this.streamArn);
    this.describedAt = Date.now();
    if (this.shards.some((shard) => shard.shardId === cursor.shardId && !shard.closed)) return 'records';
    this.done.add(cursor.shardId);
    await this.positions.saveShard({
      shardId: cursor.shardId,
      streamArn: this.streamArn,
      done: true,
      ...(cursor.committed && { sequenceNumber: cursor.committed }),
    });
    this.noted.add(cursor.shardId);
    await this.noteNewShards();
    return 'ended';
  }

  /** Stores the position after the records handled, and the mark after the events delivered. */
  private async commitShard(
    cursor: Cursor,
    handled: readonly DynamoDBRecord[],
    delivered: readonly DynamoDBRecord[],
  ): Promise<void> {
    const last = handled.at(-1);
    if (!last) return;
    cursor.committed = sequenceNumberOf(last);
    await this.positions.saveShard({
      shardId: cursor.shardId,
      streamArn: this.streamArn,
      sequenceNumber: cursor.committed,
      done: false,
    });
    const latest = latestRecordedAt(delivered);
    if (latest) await this.positions.advanceLast(latest);
  }

  private lose(reason: string): void {
    this.logger.warn('stream position lost: catching up from the tenant log', {
      consumer: this.options.consumerName,
      reason,
    });
    this.catchUpPending = true;
  }

  /**
   * Replays every tenant's log from the mark (less a margin) to now, then reads the current stream
   * from its oldest record. Duplicates are fine (consumers keep checkpoints); gaps are not. The
   * mark moves only at the end: tenants are replayed one after another, not in recorded order.
   */
  private async catchUp(): Promise<void> {
    const stored = await this.positions.load();
    const floor = stored.lastRecordedAt ?? new Date(Date.now() - RETENTION_MS).toISOString();
    const range = {
      from: new Date(Date.parse(floor) - CATCH_UP_MARGIN_MS).toISOString(),
      to: new Date().toISOString(),
    };
    const tenants = await (
      this.options.tenants ?? (() => scanTenants(this.options.dynamo, this.options.eventsTable))
    )();
    this.streamArn = await latestStreamArn(this.options.dynamo, this.options.eventsTable);
    const source = { streamArn: this.streamArn, awsRegion: regionOf(this.streamArn) };
    this.logger.info('catching up from the tenant log', { consumer: this.options.consumerName, ...range, tenants });
    const { finished, latest } = await replayTenantLogs({
      client: this.options.dynamo,
      eventsTable: this.options.eventsTable,
      tenants,
      range,
      source,
      batchSize: this.batchSize,
      deliver: (records, commit) => this.delivery.deliver(records, commit),
    });
    if (!finished) return;
    await this.positions.ensureLast(floor);
    if (latest) await this.positions.advanceLast(latest);
    await this.positions.forgetShards([...stored.shards.keys()]);
    this.shards = await describeShards(this.options.streams, this.streamArn);
    this.describedAt = Date.now();
    this.done = new Set();
    this.cursors = new Map();
    this.noted = new Set();
    await this.noteNewShards();
    this.catchUpPending = false;
  }

  private cursorOf(shardId: string): Cursor {
    let cursor = this.cursors.get(shardId);
    if (!cursor) {
      cursor = { shardId, committed: undefined, iterator: undefined, fromPosition: false };
      this.cursors.set(shardId, cursor);
    }
    return cursor;
  }
}
