import { parseTenantId, type TenantId } from '@app/core';
import type { TenantEvent } from '@app/domain';
import { type EventStore, type RecordedEvent, streamOf, streamRef } from '@app/event-store';
import type { EventRecord, StreamConsumer } from '@app/streams';
import {
  type AttributeValue,
  TransactionCanceledException,
  TransactionConflictException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { type Change, coalesce, diff, type ViewKey } from './changes.ts';
import { servingOf, type ViewScope, viewKeys } from './keys.ts';
import { type ProjectionEnv, STREAM_PROJECTIONS } from './projections/index.ts';
import { attributeCount, type Row, transactItem, type ViewTable } from './viewTable.ts';

// The projector: applies each source stream's new events to the views, with a checkpoint per
// source stream written in the same transaction as the change (DESIGN.md §6). A version is
// applied only after the one before it (a gap is read from the store first), so a batch that
// is redelivered, duplicated or reordered changes nothing twice and loses nothing.

const MAX_TRANSACTION_ITEMS = 100;
/** Attribute names one update may touch: keeps every expression well inside DynamoDB's 4 KB. */
const MAX_UPDATE_ATTRIBUTES = 150;
const MAX_ROUNDS = 10;
/** Events of a growing stream (a cohort) applied per transaction: each may write an item of its own. */
const MAX_EVENTS_PER_PLAN = 40;

export interface ProjectorLogger {
  error(message: string, detail: Record<string, unknown>): void;
}

export interface ProjectorOptions {
  readonly views: ViewTable;
  readonly store: EventStore;
  readonly logger?: ProjectorLogger;
  /** How long a tenant's serving generation and time zone are cached (ms). */
  readonly settingsTtlMs?: number;
  /** Which generation to write: the serving one by default (a rebuild's catch-up names its own). */
  readonly generation?: (tenantId: string) => Promise<number>;
  readonly clock?: () => number;
  /** How many small streams' events are kept between batches (default 2,000). */
  readonly cachedStreams?: number;
}

/** One source stream's records in a batch. */
interface StreamGroup {
  readonly pk: string;
  readonly firstSequence: string;
  readonly items: EventRecord[];
}

/** What applying a stream's new events writes: its changes and its checkpoint, moved on. */
interface Plan {
  readonly group: StreamGroup;
  readonly changes: readonly Change[];
  readonly checkpoint: TransactWriteItem;
  readonly checkpointKey: ViewKey;
  /** Whether the group has versions beyond this plan, left for the next round. */
  readonly more: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const groupByStream = (records: readonly EventRecord[]): StreamGroup[] => {
  const groups = new Map<string, StreamGroup>();
  for (const record of records) {
    const pk = record.item.pk?.S;
    if (!pk) continue;
    const group = groups.get(pk) ?? { pk, firstSequence: record.sequenceNumber, items: [] };
    group.items.push(record);
    groups.set(pk, group);
  }
  return [...groups.values()];
};

/** Runs `f` over `items`, at most `limit` at a time. */
const mapLimit = async <T, R>(
  items: readonly T[],
  limit: number,
  f: (item: T, index: number) => Promise<R>,
): Promise<R[]> => {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
};

export class Projector implements StreamConsumer {
  readonly name = 'projector';
  private readonly views: ViewTable;
  private readonly store: EventStore;
  private readonly logger: ProjectorLogger;
  private readonly ttl: number;
  private readonly clock: () => number;
  private readonly generationOf: (tenantId: string) => Promise<number>;
  private readonly generations = new Map<string, { at: number; value: Promise<number> }>();
  private readonly histories = new Map<string, RecordedEvent[]>();
  private readonly historiesMax: number;
  private readonly tenantLogs = new Map<string, { loadedAt: string; events: RecordedEvent<TenantEvent>[] }>();

  constructor(options: ProjectorOptions) {
    this.views = options.views;
    this.store = options.store;
    this.logger = options.logger ?? { error: (message, detail) => console.error(message, detail) };
    this.ttl = options.settingsTtlMs ?? 5_000;
    this.clock = options.clock ?? Date.now;
    this.generationOf = options.generation ?? ((tenantId) => this.servingGeneration(tenantId));
    this.historiesMax = options.cachedStreams ?? 2_000;
  }

  async consume(records: readonly EventRecord[]): Promise<{ readonly failed: readonly string[] }> {
    const failed: string[] = [];
    let pending = groupByStream(records).filter((g) => this.projects(g.pk));
    for (let retries = 0; pending.length > 0 && retries < MAX_ROUNDS; ) {
      if (retries > 0) await sleep(Math.random() * Math.min(200, 10 * 2 ** retries));
      const scopes = await Promise.all(pending.map((g) => this.scopeOf(g.pk)));
      // Every checkpoint of the batch in one read (strongly consistent: they decide what is applied).
      const rows = await this.views.getMany(
        pending.map((g, i) => viewKeys.checkpoint(scopes[i] as ViewScope, g.pk)),
        { consistent: true },
      );
      const plans = await mapLimit(pending, 8, (group, i) =>
        this.plan(group, scopes[i] as ViewScope, rows[i]).catch((error: unknown) => {
          this.logger.error('projector: a stream could not be projected', { pk: group.pk, error: String(error) });
          failed.push(group.firstSequence);
          return null;
        }),
      );
      const ready = plans.filter((p): p is Plan => p !== null);
      const conflicted = await this.write(ready);
      if (conflicted.length > 0) retries++;
      const unfinished = ready.filter((p) => p.more && !conflicted.includes(p.group)).map((p) => p.group);
      pending = [...conflicted, ...unfinished];
    }
    for (const group of pending) failed.push(group.firstSequence);
    return { failed };
  }

  /** Whether a stream reaches the views: tenant streams of the projected types. */
  private projects(pk: string): boolean {
    const [scope, type] = pk.split('#');
    return scope !== '_platform' && type !== undefined && type in STREAM_PROJECTIONS;
  }

  private async servingGeneration(tenantId: string): Promise<number> {
    const row = await this.views.get(viewKeys.generations(tenantId), true);
    return servingOf(row);
  }

  /** The generation to write, cached for a few seconds. */
  private generationFor(tenantId: string): Promise<number> {
    const cached = this.generations.get(tenantId);
    if (cached && this.clock() - cached.at < this.ttl) return cached.value;
    const value = this.generationOf(tenantId);
    this.generations.set(tenantId, { at: this.clock(), value });
    value.catch(() => this.generations.delete(tenantId));
    return value;
  }

  /**
   * The tenant's zone when `recordedAt` was recorded, read from the Tenant stream itself (not a
   * view), so a stream's day buckets do not depend on which stream the projector saw first.
   */
  private async zoneAt(tenantId: TenantId, recordedAt: string): Promise<string> {
    let cached = this.tenantLogs.get(tenantId);
    const loadedAt = new Date(this.clock()).toISOString();
    if (!cached || this.clock() - Date.parse(cached.loadedAt) >= this.ttl || recordedAt > cached.loadedAt) {
      const events = await this.store.readStream(streamRef(tenantId, 'Tenant', tenantId));
      cached = { loadedAt, events: events as RecordedEvent<TenantEvent>[] };
      this.tenantLogs.set(tenantId, cached);
    }
    let zone = 'UTC';
    for (const e of cached.events) {
      if (e.meta.recordedAt > recordedAt) break;
      if (e.type === 'TenantProvisioned' || e.type === 'TenantPolicyChanged') zone = e.data.policy.timeZone;
    }
    return zone;
  }

  private async scopeOf(pk: string): Promise<ViewScope> {
    const tenantId = parseTenantId(streamOf(pk).scope);
    return { tenantId, generation: await this.generationFor(tenantId) };
  }

  private async plan(group: StreamGroup, scope: ViewScope, row: Row | undefined): Promise<Plan | null> {
    const stream = streamOf(group.pk);
    const tenantId = parseTenantId(scope.tenantId);
    const checkpointKey = viewKeys.checkpoint(scope, group.pk);
    const applied = typeof row?.v === 'number' ? row.v : 0;
    const last = Math.max(...group.items.map((r) => Number(r.item.sk?.N)));
    if (last <= applied) return null;
    const projection = STREAM_PROJECTIONS[stream.type as string];
    if (!projection) return null;
    // A stream keeps the zone the tenant had when it began, so its old and new contributions agree.
    const timeZone = typeof row?.tz === 'string' ? row.tz : await this.zoneAt(tenantId, await this.beganAt(group));
    const env: ProjectionEnv = { scope, timeZone };

    let changes: Change[];
    let upTo = last;
    if (projection.kind === 'whole') {
      const events = await this.history(group, upTo);
      const before = projection.contribution(
        events.filter((e) => e.version <= applied),
        env,
      );
      changes = diff(before, projection.contribution(events, env));
    } else {
      upTo = Math.min(last, applied + MAX_EVENTS_PER_PLAN);
      const events = await this.eventsBetween(group, applied, upTo);
      changes = events.flatMap((e) => projection.changes(e, env));
    }
    const checkpoint = transactItem(
      this.views.table,
      { op: 'update', key: checkpointKey, add: {}, set: { v: upTo, tz: timeZone }, remove: [] },
      applied === 0
        ? { expression: 'attribute_not_exists(#cv)', names: { '#cv': 'v' }, values: {} }
        : { expression: '#cv = :cv', names: { '#cv': 'v' }, values: { ':cv': { N: String(applied) } } },
    );
    return { group, changes, checkpoint, checkpointKey, more: upTo < last };
  }

  /** When a stream's first event was recorded. */
  private async beganAt(group: StreamGroup): Promise<string> {
    const first = group.items.find((r) => r.item.sk?.N === '1');
    const recorded = first?.item.gsi1sk?.S?.split('#')[0];
    if (recorded) return recorded;
    const [event] = await this.store.readStream(streamOf(group.pk), { fromVersion: 1, toVersion: 1 });
    return event?.meta.recordedAt ?? new Date(this.clock()).toISOString();
  }

  /** Versions `after + 1`..`upTo`: from the batch when it has them all, else from the store (a gap). */
  private async eventsBetween(group: StreamGroup, after: number, upTo: number): Promise<RecordedEvent[]> {
    if (upTo <= after) return [];
    const byVersion = new Map(group.items.map((r) => [Number(r.item.sk?.N), r.item]));
    const wanted = Array.from({ length: upTo - after }, (_, i) => after + 1 + i);
    const stream = streamOf(group.pk);
    if (wanted.every((v) => byVersion.has(v))) {
      return this.store.decodeItems(
        stream.scope,
        wanted.map((v) => byVersion.get(v) as Record<string, AttributeValue>),
      );
    }
    return this.store.readStream(stream, { fromVersion: after + 1, toVersion: upTo });
  }

  /**
   * A small stream's events 1..`upTo`. Events never change, so the ones read before are kept
   * (a few thousand streams, least recently used out first) and only the new ones are read:
   * a warm projector mostly reads nothing but the batch.
   */
  private async history(group: StreamGroup, upTo: number): Promise<RecordedEvent[]> {
    const cached = this.histories.get(group.pk) ?? [];
    this.histories.delete(group.pk);
    const events =
      cached.length >= upTo ? cached : [...cached, ...(await this.eventsBetween(group, cached.length, upTo))];
    this.histories.set(group.pk, events);
    if (this.histories.size > this.historiesMax) {
      const oldest = this.histories.keys().next().value;
      if (oldest !== undefined) this.histories.delete(oldest);
    }
    return events.length > upTo ? events.slice(0, upTo) : events;
  }

  /** Packs plans into transactions (coalescing writes to one item) and runs them; answers what to plan again. */
  private async write(plans: readonly Plan[]): Promise<StreamGroup[]> {
    const retry: StreamGroup[] = [];
    for (const batch of this.pack(plans)) {
      const changes = coalesce(batch.flatMap((p) => p.changes));
      const items = [...batch.map((p) => p.checkpoint), ...changes.map((c) => transactItem(this.views.table, c))];
      try {
        await this.views.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
      } catch (error) {
        if (error instanceof TransactionCanceledException || error instanceof TransactionConflictException) {
          // A checkpoint moved under us (another delivery applied it) or a write raced: plan those again.
          retry.push(...batch.map((p) => p.group));
          continue;
        }
        throw error;
      }
    }
    return retry;
  }

  /** Greedy packing: plans in order, a new transaction when the next would pass DynamoDB's limits. */
  private pack(plans: readonly Plan[]): Plan[][] {
    const batches: Plan[][] = [];
    let current: Plan[] = [];
    const fits = (candidate: Plan[]) => {
      const changes = coalesce(candidate.flatMap((p) => p.changes));
      return (
        changes.length + candidate.length <= MAX_TRANSACTION_ITEMS &&
        changes.every((c) => attributeCount(c) <= MAX_UPDATE_ATTRIBUTES)
      );
    };
    for (const plan of plans) {
      if (current.length > 0 && !fits([...current, plan])) {
        batches.push(current);
        current = [];
      }
      current.push(plan);
    }
    if (current.length > 0) batches.push(current);
    return batches;
  }
}
