import type { TenantId } from '@app/core';
import { type EventStore, streamRef } from '@app/event-store';
import { readTenantLog as rawTenantLog } from '@app/streams';
import { ConditionalCheckFailedException, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { servingOf, viewKeys } from './keys.ts';
import { Projector } from './projector.ts';
import { replayTenant } from './replay.ts';
import { BatchWriteSink } from './sinks.ts';
import type { ViewTable } from './viewTable.ts';

// A rebuild (DESIGN.md §6): the tenant's log replayed in bulk into a fresh generation up to a
// high-water mark, then caught up through the normal checkpointed path until it is within a
// second of live; then reads switch over. The old generation serves until that moment. No
// stream consumer runs for it, so deadlines and the bus never fire again.

export interface RebuildProgress {
  readonly phase: 'replay' | 'catch-up' | 'switched';
  readonly events: number;
  readonly streams: number;
  /** The streams the serving views count: an estimate of the whole. */
  readonly totalStreams: number;
}

export interface RebuildOptions {
  readonly store: EventStore;
  readonly views: ViewTable;
  readonly eventsTable: string;
  readonly tenantId: TenantId;
  /** Events per second at most (default: as fast as DynamoDB takes them). */
  readonly ratePerSecond?: number;
  readonly onProgress?: (progress: RebuildProgress) => void;
  /** How long live projectors may keep serving the old generation after the switch (their cache). */
  readonly projectorCacheMs?: number;
  /** Take over a rebuild left unfinished (a crashed run). */
  readonly force?: boolean;
  /** Shared items and attributes the replay holds in memory before spilling to a temporary file. */
  readonly sharedInMemory?: number;
  readonly clock?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface RebuildResult {
  readonly generation: number;
  readonly previous: number;
  readonly events: number;
  readonly streams: number;
  readonly caughtUp: number;
  readonly highWaterMark: string;
  /** How often the replay's shared items went to a temporary file. */
  readonly spills: number;
}

export class RebuildInProgressError extends Error {
  constructor(tenantId: string, generation: unknown) {
    super(
      `a rebuild of ${tenantId} is already building generation ${String(generation)}: pass --force to take it over`,
    );
  }
}

export class UnknownTenantError extends Error {
  constructor(tenantId: string) {
    super(`there is no tenant ${tenantId} in this store: nothing to rebuild`);
  }
}

/**
 * How many streams the tenant has, as the serving views count them (members, cohorts,
 * contacts, interviews and the tenant itself): the progress bar's whole, read in one request
 * rather than by counting the log.
 */
const streamsEstimate = async (views: ViewTable, tenantId: string, generation: number): Promise<number> => {
  const summary = await views.get(viewKeys.tenantSummary({ tenantId, generation }));
  let total = 1;
  for (const [name, value] of Object.entries(summary ?? {})) {
    if (typeof value === 'number' && /^(members_|cohorts$|contacts$|interviews$)/.test(name)) total += value;
  }
  return total;
};

/** A token bucket over events: waits so that no more than `rate` go by per second. */
const throttleAt = (rate: number | undefined, clock: () => number, sleep: (ms: number) => Promise<void>) => {
  if (!rate) return undefined;
  const started = clock();
  let sent = 0;
  return async (events: number) => {
    sent += events;
    const due = started + (sent / rate) * 1_000;
    const wait = due - clock();
    if (wait > 0) await sleep(wait);
  };
};

export const rebuildViews = async (options: RebuildOptions): Promise<RebuildResult> => {
  const { views, store, tenantId } = options;
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const iso = (ms: number) => new Date(ms).toISOString();
  const [first] = await store.readStream(streamRef(tenantId, 'Tenant', tenantId), { toVersion: 1 });
  if (!first) throw new UnknownTenantError(tenantId);
  const gens = await views.get(viewKeys.generations(tenantId), true);
  const previous = servingOf(gens);
  const latest = typeof gens?.latest === 'number' ? gens.latest : previous;
  const generation = latest + 1;
  const key = viewKeys.generations(tenantId);
  const Key = { pk: { S: key.pk }, sk: { S: key.sk } };

  try {
    await views.client.send(
      new UpdateItemCommand({
        TableName: views.table,
        Key,
        UpdateExpression: 'SET building = :n, latest = :n, serving = if_not_exists(serving, :p)',
        ...(!options.force && { ConditionExpression: 'attribute_not_exists(building)' }),
        ExpressionAttributeValues: { ':n': { N: String(generation) }, ':p': { N: String(previous) } },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw new RebuildInProgressError(tenantId, gens?.building);
    throw error;
  }

  // 1. Bulk replay up to the high-water mark.
  const highWaterMark = iso(clock());
  const totalStreams = await streamsEstimate(views, tenantId, previous);
  const sink = new BatchWriteSink(views);
  const throttle = throttleAt(options.ratePerSecond, clock, sleep);
  const replayed = await replayTenant({
    store,
    tenantId,
    scope: { tenantId, generation },
    upTo: highWaterMark,
    sink,
    onProgress: (events, streams) => options.onProgress?.({ phase: 'replay', events, streams, totalStreams }),
    ...(throttle && { throttle }),
    ...(options.sharedInMemory !== undefined && { sharedInMemory: options.sharedInMemory }),
  });

  // 2. Catch up through the checkpointed path until a pass is within a second of live.
  const projector = new Projector({ views, store, generation: async () => generation, settingsTtlMs: 60_000 });
  let caughtUp = 0;
  const pass = async (from: string) => {
    const to = iso(clock());
    let batch: { sequenceNumber: string; item: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> }[] =
      [];
    const flush = async () => {
      if (batch.length === 0) return;
      const { failed } = await projector.consume(batch);
      if (failed.length > 0) throw new Error(`the catch-up could not project ${failed.length} stream(s)`);
      caughtUp += batch.length;
      options.onProgress?.({
        phase: 'catch-up',
        events: replayed.events + caughtUp,
        streams: replayed.streams,
        totalStreams,
      });
      batch = [];
    };
    for await (const item of rawTenantLog(views.client, options.eventsTable, tenantId, { from, to })) {
      batch.push({ sequenceNumber: `gsi1:${item.gsi1sk?.S}`, item });
      if (batch.length >= 100) await flush();
    }
    await flush();
    return to;
  };
  // Events recorded within a few seconds of the mark may surface in the log index late: start a little before it.
  const margin = 5_000;
  let from = iso(Date.parse(highWaterMark) - margin);
  for (let round = 0; round < 20; round++) {
    const started = clock();
    const to = await pass(from);
    from = iso(Date.parse(to) - margin);
    if (clock() - started < 1_000) break;
  }

  // 3. Reads switch over; then one last pass for what live projectors wrote to the old generation meanwhile.
  await views.client.send(
    new UpdateItemCommand({
      TableName: views.table,
      Key,
      UpdateExpression: 'SET serving = :n REMOVE building',
      ExpressionAttributeValues: { ':n': { N: String(generation) } },
    }),
  );
  const switchedAt = clock();
  await sleep(options.projectorCacheMs ?? 5_000);
  await pass(iso(switchedAt - (options.projectorCacheMs ?? 5_000) - margin));
  options.onProgress?.({
    phase: 'switched',
    events: replayed.events + caughtUp,
    streams: replayed.streams,
    totalStreams,
  });
  return {
    generation,
    previous,
    events: replayed.events,
    streams: replayed.streams,
    caughtUp,
    highWaterMark,
    spills: replayed.spills,
  };
};
