import type { TenantId } from '@app/core';
import type { TenantEvent } from '@app/domain';
import { type EventStore, type RecordedEvent, streamKey, streamRef } from '@app/event-store';
import { type Change, coalesce, type ViewAttributes, type ViewKey } from './changes.ts';
import { type ViewScope, viewKeys } from './keys.ts';
import { type ProjectionEnv, STREAM_PROJECTIONS } from './projections/index.ts';
import { SharedItems } from './sharedItems.ts';

// Replaying a tenant's log into views, in bulk: what a rebuild writes into a fresh generation
// and what time travel computes in memory. Each stream is projected once, whole, up to a mark;
// items a stream owns go to the sink as they come (so memory stays flat), while shared items
// (counters, day buckets, progress) are summed in memory — they grow with students and days,
// never with events — and spilled to sorted temporary files beyond a limit (sharedItems.ts).

/** Where replayed views go. */
export interface ViewSink {
  /** An item owned by one stream (or a checkpoint): written as is. */
  put(key: ViewKey, item: ViewAttributes): Promise<void>;
  /** The shared items, once every stream is in. */
  finish(shared: AsyncIterable<{ key: ViewKey; item: ViewAttributes }>): Promise<void>;
}

export interface ReplayOptions {
  readonly store: EventStore;
  readonly tenantId: TenantId;
  /** The generation written (its keys and checkpoints). */
  readonly scope: ViewScope;
  /** Events recorded after this instant are left out (the high-water mark, or `asOf`). */
  readonly upTo: string;
  readonly sink: ViewSink;
  /** Told after each stream, with the events and streams replayed so far. */
  readonly onProgress?: (events: number, streams: number) => void;
  /** Waits as the rate limit asks, given the events about to be replayed. */
  readonly throttle?: (events: number) => Promise<void>;
  /** Streams replayed at once. */
  readonly concurrency?: number;
  /** Shared items and attributes held in memory before they are spilled to a temporary file. */
  readonly sharedInMemory?: number;
}

export interface ReplayResult {
  readonly events: number;
  readonly streams: number;
  /** How often the shared items outgrew memory and went to a temporary file. */
  readonly spills: number;
}

/** The tenant's zone when `recordedAt` was recorded: the same rule the live projector follows. */
export const zoneAt = (tenantEvents: readonly RecordedEvent[], recordedAt: string): string => {
  let zone = 'UTC';
  for (const e of tenantEvents as readonly RecordedEvent<TenantEvent>[]) {
    if (e.meta.recordedAt > recordedAt) break;
    if (e.type === 'TenantProvisioned' || e.type === 'TenantPolicyChanged') zone = e.data.policy.timeZone;
  }
  return zone;
};

/** Replays the tenant's log up to `upTo` into `sink`. */
export const replayTenant = async (options: ReplayOptions): Promise<ReplayResult> => {
  const { store, tenantId, scope, upTo, sink } = options;
  const tenantEvents = (await store.readStream(streamRef(tenantId, 'Tenant', tenantId))).filter(
    (e) => e.meta.recordedAt <= upTo,
  );
  const began = tenantEvents[0]?.meta.recordedAt;
  const shared = new SharedItems(options.sharedInMemory);
  let events = 0;
  let streams = 0;
  if (!began) {
    await sink.finish(shared.all());
    return { events, streams, spills: 0 };
  }

  const project = async (firstEvent: RecordedEvent, longer: ReadonlySet<string>) => {
    const stream = firstEvent.stream;
    const projection = STREAM_PROJECTIONS[stream.type as string];
    if (!projection) return;
    const history = longer.has(streamKey(stream)) ? await store.readStream(stream) : [firstEvent];
    const recorded = history.filter((e) => e.meta.recordedAt <= upTo);
    const first = recorded[0];
    const last = recorded[recorded.length - 1];
    if (!first || !last) return;
    await options.throttle?.(recorded.length);
    const timeZone = zoneAt(tenantEvents, first.meta.recordedAt);
    const env: ProjectionEnv = { scope, timeZone };
    const changes: Change[] = [];
    if (projection.kind === 'whole') {
      const c = projection.contribution(recorded, env);
      for (const { key, item } of c.items.values()) changes.push({ op: 'put', key, item });
      for (const { key, attributes } of c.owned.values())
        changes.push({ op: 'update', key, add: {}, set: attributes, remove: [] });
      for (const { key, counts } of c.counters.values())
        changes.push({ op: 'update', key, add: counts, set: {}, remove: [] });
    } else {
      changes.push(...recorded.flatMap((e) => projection.changes(e, env)));
    }
    // A fresh generation holds nothing yet: a delete only cancels the stream's own earlier put.
    for (const change of coalesce(changes)) {
      if (change.op === 'put') await sink.put(change.key, change.item);
      else if (change.op === 'update') shared.apply(change);
    }
    await sink.put(viewKeys.checkpoint(scope, streamKey(stream)), { v: last.version, tz: timeZone });
    events += recorded.length;
    streams++;
    options.onProgress?.(events, streams);
  };

  // The streams in chunks of first events: one batched read learns which have more than their
  // first event (only those are read whole); then a few streams at a time, each a query and a
  // fold, the sink batching the writes. What is held is a chunk, never the tenant's stream list.
  const running = new Set<Promise<void>>();
  const replayChunk = async (chunk: readonly RecordedEvent[]) => {
    const longer = await store.streamsReaching(
      chunk.map((e) => e.stream),
      2,
    );
    for (const first of chunk) {
      const task = project(first, longer).finally(() => running.delete(task));
      running.add(task);
      if (running.size >= (options.concurrency ?? 16)) await Promise.race(running);
    }
  };
  let chunk: RecordedEvent[] = [];
  for await (const first of store.firstEvents(tenantId, { from: began, to: upTo })) {
    chunk.push(first);
    if (chunk.length < 100) continue;
    await replayChunk(chunk);
    chunk = [];
  }
  await replayChunk(chunk);
  await Promise.all(running);
  const spills = shared.spilled;
  await sink.finish(shared.all());
  return { events, streams, spills };
};
