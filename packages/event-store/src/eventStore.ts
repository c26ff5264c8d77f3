import type { DecidedEvent, Scope } from '@app/core';
import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactionCanceledException,
  TransactionConflictException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import type { EventCatalog } from './catalog.ts';
import { type Checked, checkEvents, decodeEvent, encodeEvent, type Item, isoInstantMs, streamOf } from './codec.ts';
import { type DataKeys, open, seal } from './crypto.ts';
import { ConcurrencyError, GuardTakenError, TransactionTooLargeError } from './errors.ts';
import { addIdempotency } from './idempotency.ts';
import {
  ITEM_LIMIT_BYTES,
  itemSize,
  itemSizeBound,
  TRANSACTION_LIMIT_BYTES,
  TRANSACTION_LIMIT_ITEMS,
} from './itemSize.ts';
import {
  describeStream,
  type Guard,
  guardItemKey,
  logPartition,
  parseStreamId,
  type StreamRef,
  streamKey,
  streamType,
} from './keys.ts';
import { ulidFactory } from './random.ts';
import type { CommandMeta, EventMeta, LoadedStream, RecordedEvent, Snapshot, StreamPosition } from './types.ts';

/** Events to append after a position the store returned from a load. */
export interface StreamWrite {
  readonly position: StreamPosition;
  readonly events: readonly DecidedEvent[];
  readonly meta: CommandMeta;
}

/** Claim a uniqueness guard for a stream, or release one it holds. */
export interface GuardChange {
  readonly op: 'claim' | 'release';
  readonly guard: Guard;
  readonly owner: StreamRef;
}

export interface AppendResult {
  readonly position: StreamPosition;
  readonly events: readonly RecordedEvent[];
}

export interface EventStoreOptions {
  readonly client: DynamoDBClient;
  /** The physical name of the events table. */
  readonly tableName: string;
  readonly catalog: EventCatalog;
  readonly keys: DataKeys;
  readonly clock?: () => Date;
}

export interface LogRange {
  /** Inclusive ISO instants of `recordedAt`. */
  readonly from: string;
  readonly to: string;
  /** Called for an event that cannot be read; without it, such an event stops the read with its error. */
  readonly onInvalid?: (error: unknown, item: Item) => void;
}

const position = (stream: StreamRef, version: number, recordedAt: string | undefined) =>
  ({ stream, version, recordedAt }) as StreamPosition;

/** The event store on one DynamoDB table (DESIGN.md §4). */
export class EventStore {
  private readonly client: DynamoDBClient;
  private readonly table: string;
  private readonly catalog: EventCatalog;
  private readonly keys: DataKeys;
  private readonly clock: () => Date;
  private readonly nextEventId = ulidFactory();

  constructor(options: EventStoreOptions) {
    this.client = options.client;
    this.table = options.tableName;
    this.catalog = options.catalog;
    this.keys = options.keys;
    this.clock = options.clock ?? (() => new Date());
  }

  /** Loads a stream (from its snapshot when asked and usable) and the position to append after. */
  async load(stream: StreamRef, options: { snapshot?: { stateVersion: number } } = {}): Promise<LoadedStream> {
    const snapshot = options.snapshot ? await this.readSnapshot(stream, options.snapshot.stateVersion) : undefined;
    const events = await this.query(stream, { fromVersion: (snapshot?.version ?? 0) + 1 });
    const idempotency = new Map(snapshot?.idempotency ?? []);
    for (const event of events) addIdempotency(idempotency, event);
    const last = events[events.length - 1];
    return {
      position: position(
        stream,
        last?.version ?? snapshot?.version ?? 0,
        last?.meta.recordedAt ?? snapshot?.recordedAt,
      ),
      snapshot,
      events,
      idempotency,
    };
  }

  /** Reads versions `fromVersion`..`toVersion` (inclusive) of a stream, every page of them. */
  readStream(stream: StreamRef, range: { fromVersion?: number; toVersion?: number } = {}): Promise<RecordedEvent[]> {
    return this.query(stream, {
      fromVersion: range.fromVersion ?? 1,
      ...(range.toVersion && { toVersion: range.toVersion }),
    });
  }

  /** Appends events to one stream after `position`: one conditional put for one event. */
  async append(at: StreamPosition, events: readonly DecidedEvent[], meta: CommandMeta): Promise<AppendResult> {
    const [result] = await this.appendMany([{ position: at, events, meta }]);
    return result as AppendResult;
  }

  /**
   * Appends to several streams and changes guards, all or nothing: one `TransactWriteItems`
   * (a single event with no guard is one conditional `PutItem`). Refused, never split, when
   * it passes DynamoDB's transaction limits.
   */
  async appendMany(writes: readonly StreamWrite[], guards: readonly GuardChange[] = []): Promise<AppendResult[]> {
    const now = this.clock();
    const scopes = new Set([...writes.map((w) => w.position.stream.scope), ...guards.map((g) => g.owner.scope)]);
    if (scopes.size > 1) throw new Error('one write stays within one scope: it cannot span tenants');
    if (new Set(writes.map((w) => streamKey(w.position.stream))).size < writes.length) {
      throw new Error('each stream appears once in a write: pass all its events together');
    }
    const checked = writes.map((write) => checkEvents(this.catalog, write.events));
    const found = this.keysForWriting(writes, checked);
    const keys = found instanceof Map ? found : await found;
    const prepared = writes.map((write, index) => this.prepare(write, checked[index] as Checked[], keys, now));
    const eventItems = prepared.flatMap((p) => p.items);
    const itemCount = eventItems.length + guards.length;
    if (itemCount === 0) return prepared.map((p) => p.result);
    if (itemCount === 1 && guards.length === 0) {
      await this.putOne(eventItems[0] as Item, writes[0] as StreamWrite);
    } else {
      const bound = eventItems.reduce((sum, item) => sum + itemSizeBound(item), 0);
      const bytes = bound > TRANSACTION_LIMIT_BYTES ? eventItems.reduce((sum, item) => sum + itemSize(item), 0) : bound;
      if (itemCount > TRANSACTION_LIMIT_ITEMS || bytes > TRANSACTION_LIMIT_BYTES) {
        throw new TransactionTooLargeError(itemCount, bytes);
      }
      await this.transact(eventItems, writes, guards);
    }
    return prepared.map((p) => p.result);
  }

  /**
   * Loads the whole history of streams that do not exist yet, in bulk (`BatchWriteItem`, no
   * conditions): for seeding, benchmarks and imports from another system. Each history is
   * the batches of events its commands decided, in order; versions and times are assigned as
   * appends would. Never use it on a stream that may exist: it would overwrite, not append.
   */
  async bulkLoad(
    histories: readonly { readonly stream: StreamRef; readonly batches: readonly Omit<StreamWrite, 'position'>[] }[],
    options: {
      /** When each batch counts as recorded (default: the store's clock), e.g. when it happened, for an import. */
      readonly recordedAt?: (batch: Omit<StreamWrite, 'position'>) => Date;
    } = {},
  ): Promise<number> {
    const items: Item[] = [];
    for (const { stream, batches } of histories) {
      let at = position(stream, 0, undefined);
      for (const batch of batches) {
        const write: StreamWrite = { position: at, events: batch.events, meta: batch.meta };
        const checked = checkEvents(this.catalog, write.events);
        const found = this.keysForWriting([write], [checked]);
        const keys = found instanceof Map ? found : await found;
        const prepared = this.prepare(write, checked, keys, options.recordedAt?.(batch) ?? this.clock());
        items.push(...prepared.items);
        at = prepared.result.position;
      }
    }
    for (let i = 0; i < items.length; i += 25 * 8) {
      const chunk = items.slice(i, i + 25 * 8);
      await Promise.all(
        Array.from({ length: Math.ceil(chunk.length / 25) }, (_, j) => this.batchPut(chunk.slice(j * 25, j * 25 + 25))),
      );
    }
    return items.length;
  }

  private async batchPut(items: Item[]): Promise<void> {
    let pending = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 20 * 2 ** attempt)));
      if (attempt > 20) throw new Error(`DynamoDB left ${pending.length} writes unprocessed 20 times`);
      const out = await this.client.send(new BatchWriteItemCommand({ RequestItems: { [this.table]: pending } }));
      pending = (out.UnprocessedItems?.[this.table] as typeof pending | undefined) ?? [];
    }
  }

  /** Writes a snapshot at a position, best effort: a newer snapshot is never overwritten by an older one. */
  async writeSnapshot(
    at: StreamPosition,
    snapshot: Omit<Snapshot, 'version' | 'recordedAt'>,
    subject?: string,
  ): Promise<void> {
    const stream = at.stream;
    let state = JSON.stringify({ state: snapshot.state, idempotency: snapshot.idempotency });
    if (subject) state = seal(await this.keys.forWriting(stream.scope, subject), state, `snapshot:${subject}`);
    const item: Item = {
      pk: { S: streamKey(stream) },
      sk: { N: '0' },
      kind: { S: 'snapshot' },
      version: { N: String(at.version) },
      stateVersion: { N: String(snapshot.stateVersion) },
      state: { S: state },
      ...(at.recordedAt && { recordedAt: { S: at.recordedAt } }),
      ...(subject && { subject: { S: subject } }),
    };
    if (itemSize(item) > ITEM_LIMIT_BYTES) return; // too big to snapshot: loads replay the events instead
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk) OR version < :version',
          ExpressionAttributeValues: { ':version': { N: String(at.version) } },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** The scope's log (gsi1), in recorded order, one day's partition at a time: never all in memory. */
  async *readTenantLog(scope: Scope, range: LogRange): AsyncGenerator<RecordedEvent> {
    if (!isoInstantMs(range.from) || !isoInstantMs(range.to)) throw new Error('the log range needs ISO instants');
    for await (const page of this.logPages(scope, range)) {
      const keys = await this.keysFor(scope, page);
      for (const item of page) {
        try {
          yield decodeEvent(this.catalog, item, streamOf(item.pk?.S as string), keys);
        } catch (error) {
          if (!range.onInvalid) throw error;
          range.onInvalid(error, item);
        }
      }
    }
  }

  /** Pages of the log between two instants, a day's partition at a time (`narrow` filters and projects). */
  private async *logPages(
    scope: Scope,
    range: { from: string; to: string },
    narrow: Pick<QueryCommandInput, 'FilterExpression' | 'ProjectionExpression'> & {
      values?: Record<string, AttributeValue>;
    } = {},
  ): AsyncGenerator<Item[]> {
    const from = new Date(range.from).toISOString();
    const to = new Date(range.to).toISOString();
    const { values, ...expressions } = narrow;
    for (let day = new Date(`${from.slice(0, 10)}T00:00:00.000Z`); day.toISOString() <= to; ) {
      yield* this.pages({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': { S: logPartition(scope, day.toISOString()) },
          ':from': { S: from },
          ':to': { S: `${to}~` },
          ...values,
        },
        ...expressions,
      });
      day = new Date(day.getTime() + 86_400_000);
    }
  }

  /**
   * The first event of every stream of a scope that began between two instants, in the order
   * they began: the log filtered to first events. What a rebuild walks to take each stream once.
   */
  async *firstEvents(scope: Scope, range: { from: string; to: string }): AsyncGenerator<RecordedEvent> {
    const first = { FilterExpression: 'sk = :first', values: { ':first': { N: '1' } } };
    for await (const page of this.logPages(scope, range, first)) {
      const keys = await this.keysFor(scope, page);
      for (const item of page) yield decodeEvent(this.catalog, item, streamOf(item.pk?.S as string), keys);
    }
  }

  /**
   * Which of some streams have reached `version` (their keys, as `streamKey` spells them), in
   * batched reads of that one version's key: a rebuild reads whole only the streams with more
   * than their first event, and holds no more than a batch of stream names to learn which.
   */
  async streamsReaching(streams: readonly StreamRef[], version: number): Promise<Set<string>> {
    const reached = new Set<string>();
    const pks = [...new Set(streams.map(streamKey))];
    for (let i = 0; i < pks.length; i += 100) {
      let keys: Item[] | undefined = pks.slice(i, i + 100).map((pk) => ({ pk: { S: pk }, sk: { N: String(version) } }));
      for (let attempt = 0; keys && keys.length > 0; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 20 * 2 ** attempt)));
        if (attempt > 20) throw new Error(`DynamoDB left ${keys.length} reads unprocessed 20 times`);
        const out: BatchGetItemCommandOutput = await this.client.send(
          new BatchGetItemCommand({
            RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true, ProjectionExpression: 'pk' } },
          }),
        );
        for (const item of out.Responses?.[this.table] ?? []) reached.add(item.pk?.S as string);
        keys = out.UnprocessedKeys?.[this.table]?.Keys;
      }
    }
    return reached;
  }

  /** The values of the partitioned guards of a kind under a partition: a student's cohorts, in one query. */
  async guardsIn(scope: Scope, kind: string, partition: string): Promise<string[]> {
    const values: string[] = [];
    const input: QueryCommandInput = {
      TableName: this.table,
      ConsistentRead: true,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: `${scope}#${streamType(kind)}#${parseStreamId(partition)}` } },
    };
    for await (const page of this.pages(input)) for (const item of page) if (item.value?.S) values.push(item.value.S);
    return values.sort();
  }

  /** Events from raw items of one scope (a table stream's records): decoded exactly as a load decodes them. */
  async decodeItems(scope: Scope, items: readonly Item[]): Promise<RecordedEvent[]> {
    const keys = await this.keysFor(scope, items);
    return items.map((item) => decodeEvent(this.catalog, item, streamOf(item.pk?.S as string), keys));
  }

  /** Crypto-shredding: the subject's personal fields become unreadable in every event and snapshot. */
  eraseSubject(scope: Scope, subject: string): Promise<void> {
    return this.keys.erase(scope, subject);
  }

  private async readSnapshot(stream: StreamRef, stateVersion: number): Promise<Snapshot | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.table,
        Key: { pk: { S: streamKey(stream) }, sk: { N: '0' } },
        ConsistentRead: true,
      }),
    );
    if (!Item?.state?.S || Number(Item.stateVersion?.N) !== stateVersion) return undefined;
    let body = Item.state.S;
    const subject = Item.subject?.S;
    if (subject) {
      const key = await this.keys.forReading(stream.scope, subject);
      if (!key) return undefined; // erased: replay the events, whose personal fields read as erased
      body = open(key, body, `snapshot:${subject}`);
    }
    const { state, idempotency } = JSON.parse(body) as Pick<Snapshot, 'state' | 'idempotency'>;
    return { version: Number(Item.version?.N), stateVersion, state, idempotency, recordedAt: Item.recordedAt?.S };
  }

  private async query(stream: StreamRef, range: { fromVersion: number; toVersion?: number }) {
    const input: QueryCommandInput = {
      TableName: this.table,
      ConsistentRead: true,
      KeyConditionExpression:
        range.toVersion === undefined ? 'pk = :pk AND sk >= :from' : 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': { S: streamKey(stream) },
        ':from': { N: String(Math.max(1, range.fromVersion)) },
        ...(range.toVersion !== undefined && { ':to': { N: String(range.toVersion) } }),
      },
    };
    const events: RecordedEvent[] = [];
    for await (const page of this.pages(input)) {
      const keys = await this.keysFor(stream.scope, page);
      for (const item of page) events.push(decodeEvent(this.catalog, item, stream, keys));
    }
    return events;
  }

  private async *pages(input: QueryCommandInput): AsyncGenerator<Item[]> {
    let start: Item | undefined;
    do {
      const page = await this.client.send(new QueryCommand({ ...input, ...(start && { ExclusiveStartKey: start }) }));
      yield page.Items ?? [];
      start = page.LastEvaluatedKey;
    } while (start);
  }

  /** The data keys of the subjects with sealed fields in a page: one lookup each, not one per event. */
  private async keysFor(scope: Scope, items: readonly Item[]): Promise<ReadonlyMap<string, Buffer | undefined>> {
    const subjects = new Set<string>();
    for (const item of items) if (item.enc && item.subject?.S) subjects.add(item.subject.S);
    const found = await Promise.all([...subjects].map(async (s) => [s, await this.keys.forReading(scope, s)] as const));
    return new Map(found);
  }

  /** The data key of every subject whose personal fields a write seals (all writes share a scope). */
  private keysForWriting(
    writes: readonly StreamWrite[],
    checked: readonly Checked[][],
  ): Map<string, Buffer> | Promise<Map<string, Buffer>> {
    const keys = new Map<string, Buffer>();
    const missing = new Set<string>();
    const scope = writes[0]?.position.stream.scope as Scope;
    for (const [w, write] of writes.entries()) {
      for (const [e, event] of write.events.entries()) {
        if (!event.subject || !checked[w]?.[e]?.personal.length || keys.has(event.subject)) continue;
        const cached = this.keys.cachedForWriting(scope, event.subject);
        if (cached) keys.set(event.subject, cached);
        else missing.add(event.subject);
      }
    }
    // The common case (the key is cached) stays synchronous: no await on the write path.
    if (missing.size === 0) return keys;
    return Promise.all([...missing].map(async (s) => keys.set(s, await this.keys.forWriting(scope, s)))).then(
      () => keys,
    );
  }

  private prepare(write: StreamWrite, checked: readonly Checked[], keys: ReadonlyMap<string, Buffer>, now: Date) {
    const { stream, version, recordedAt: previous } = write.position;
    const pk = streamKey(stream);
    const floor = previous ? Date.parse(previous) + 1 : 0;
    const recordedAt = new Date(Math.max(now.getTime(), floor)).toISOString();
    const { advice, ...common } = write.meta;
    const events = write.events.map((event, index): RecordedEvent => {
      const { data, occurredAtMs } = checked[index] as Checked;
      const meta: EventMeta = Object.assign(
        { eventId: this.nextEventId(now.getTime()), occurredAt: new Date(occurredAtMs).toISOString(), recordedAt },
        common,
        index === 0 && advice && advice.length > 0 ? { advice } : undefined,
      );
      return { ...event, data, occurredAt: meta.occurredAt, version: version + index + 1, stream, meta };
    });
    const items = events.map((event, index): Item => {
      const key = event.subject ? keys.get(event.subject) : undefined;
      return encodeEvent({ pk, scope: stream.scope, event, checked: checked[index] as Checked, key, recordedAt });
    });
    const last = events[events.length - 1];
    return { items, result: { position: last ? position(stream, last.version, recordedAt) : write.position, events } };
  }

  private async putOne(item: Item, write: StreamWrite) {
    const { stream, version } = write.position;
    try {
      await this.client.send(
        new PutItemCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    } catch (error) {
      if (error instanceof TransactionConflictException) {
        throw new ConcurrencyError(describeStream(stream), 'TransactionConflict', version);
      }
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // An SDK retry of a put that had in fact succeeded finds its own event there: that is
      // success. Checked only on this rare path, so the common write stays one plain put.
      const { Item } = await this.client.send(
        new GetItemCommand({
          TableName: this.table,
          Key: { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue },
          ConsistentRead: true,
        }),
      );
      if (Item?.meta?.S === item.meta?.S) return;
      throw new ConcurrencyError(describeStream(stream), 'ConditionalCheckFailed', version);
    }
  }

  private async transact(eventItems: Item[], writes: readonly StreamWrite[], guards: readonly GuardChange[]) {
    const owners: (StreamWrite | GuardChange)[] = [];
    const operations: TransactWriteItem[] = [];
    let next = 0;
    for (const write of writes) {
      for (const _ of write.events) {
        owners.push(write);
        operations.push({
          Put: {
            TableName: this.table,
            Item: eventItems[next++] as Item,
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
      }
    }
    for (const change of guards) {
      owners.push(change);
      const at = guardItemKey(change.owner.scope, change.guard);
      const key = { pk: { S: at.pk }, sk: { N: String(at.sk) } };
      operations.push(
        change.op === 'claim'
          ? {
              Put: {
                TableName: this.table,
                Item: {
                  ...key,
                  kind: { S: 'guard' },
                  owner: { S: streamKey(change.owner) },
                  value: { S: change.guard.value },
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            }
          : {
              Delete: {
                TableName: this.table,
                Key: key,
                ConditionExpression: '#owner = :owner',
                ExpressionAttributeNames: { '#owner': 'owner' },
                ExpressionAttributeValues: { ':owner': { S: streamKey(change.owner) } },
              },
            },
      );
    }
    // The token makes an SDK retry of a transaction that had in fact succeeded a no-op.
    const token = JSON.parse(eventItems[0]?.meta?.S ?? '{}').eventId as string | undefined;
    try {
      await this.client.send(
        new TransactWriteItemsCommand({ TransactItems: operations, ...(token && { ClientRequestToken: token }) }),
      );
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      throw this.cancellation(error, owners);
    }
  }

  private cancellation(error: TransactionCanceledException, owners: readonly (StreamWrite | GuardChange)[]): Error {
    for (const [index, reason] of (error.CancellationReasons ?? []).entries()) {
      const owner = owners[index];
      if (!owner || (reason.Code !== 'ConditionalCheckFailed' && reason.Code !== 'TransactionConflict')) continue;
      if ('position' in owner) {
        return new ConcurrencyError(describeStream(owner.position.stream), reason.Code, owner.position.version);
      }
      if (owner.op === 'claim' && reason.Code === 'ConditionalCheckFailed')
        return new GuardTakenError(owner.guard.kind);
      return new ConcurrencyError(describeStream(owner.owner), `${reason.Code} on its ${owner.guard.kind} guard`);
    }
    return error;
  }
}
