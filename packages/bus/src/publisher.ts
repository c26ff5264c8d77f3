import { isAppError, PLATFORM, type Scope } from '@app/core';
import { type EventStore, type RecordedEvent, streamOf } from '@app/event-store';
import { consoleLogger, type EventRecord, type StreamConsumer, type StreamLogger } from '@app/streams';
import type { IntegrationBus, IntegrationPublishError } from './eventBridge.ts';
import { type IntegrationEvent, toIntegrationEvent } from './integration.ts';

// The publisher (DESIGN.md §2): a consumer of the events table's stream that turns each batch's
// domain events into integration events and puts them on the bus, each stream's in version
// order. At least once: a failed batch is delivered again and what was already published goes
// out again, with the same `eventId`. It reads without data keys — personal fields stay sealed,
// and nothing it publishes could hold them anyway.

export interface PublisherOptions {
  /** A store that reads without data keys (`withoutPersonalData`): see `publisherStore`. */
  readonly store: EventStore;
  readonly bus: IntegrationBus;
  readonly logger?: StreamLogger;
}

/** One record of the batch, once decoded: the event, or why it has none. */
type Decoded = { readonly event: RecordedEvent } | { readonly skip: true } | { readonly retry: true };

interface Outgoing {
  readonly record: EventRecord;
  readonly version: number;
  readonly event: IntegrationEvent;
}

interface Stream {
  readonly pk: string;
  readonly records: EventRecord[];
}

/** Failures that no retry will cure: the record is logged (our dead letter) and passed over. */
const BAD_DATA = new Set(['INVALID_EVENT', 'UNKNOWN_EVENT_TYPE', 'INVALID_ID', 'INTEGRATION_MAPPING']);
const isBadData = (error: unknown) =>
  (isAppError(error) && BAD_DATA.has(error.code)) || (error instanceof Error && error.name === 'SyntaxError');

const versionOf = (record: EventRecord) => Number(record.item.sk?.N);

/** The batch's event records by stream (control-plane streams are never published), each in version order. */
const byStream = (records: readonly EventRecord[]): Stream[] => {
  const streams = new Map<string, Stream>();
  for (const record of records) {
    const pk = record.item.pk?.S;
    if (!pk || pk.startsWith(`${PLATFORM}#`)) continue;
    const stream = streams.get(pk) ?? { pk, records: [] };
    stream.records.push(record);
    streams.set(pk, stream);
  }
  for (const stream of streams.values()) stream.records.sort((a, b) => versionOf(a) - versionOf(b));
  return [...streams.values()];
};

/**
 * The streams' events interleaved as their records came in the batch, each stream's in version
 * order: its events take the places of its records, so one stream's order holds and the rest
 * of the batch keeps the order it came in.
 */
const inBatchOrder = (records: readonly EventRecord[], streams: readonly Outgoing[][]): IntegrationEvent[] => {
  const place = new Map<EventRecord, number>();
  for (const [i, record] of records.entries()) if (!place.has(record)) place.set(record, i);
  const placed = streams.flatMap((events) => {
    const places = events.map((e) => place.get(e.record) ?? 0).sort((a, b) => a - b);
    return events.map((e, i) => ({ at: places[i] ?? 0, event: e.event }));
  });
  return placed.sort((a, b) => a.at - b.at).map(({ event }) => event);
};

export class Publisher implements StreamConsumer {
  readonly name = 'publisher';
  private readonly store: EventStore;
  private readonly bus: IntegrationBus;
  private readonly logger: StreamLogger;

  constructor(options: PublisherOptions) {
    this.store = options.store;
    this.bus = options.bus;
    this.logger = options.logger ?? consoleLogger;
  }

  async consume(records: readonly EventRecord[]): Promise<{ readonly failed: readonly string[] }> {
    const streams = byStream(records);
    const decoded = await this.decode(streams);
    const failed = new Set<string>();
    /** Per stream, the events published from this batch, in version order. */
    const published = new Map<string, Outgoing[]>();
    for (const stream of streams) {
      const events: Outgoing[] = [];
      let last = 0;
      for (const record of stream.records) {
        const version = versionOf(record);
        if (version === last) continue; // delivered twice in one batch
        last = version;
        const outcome = decoded.get(record) ?? { retry: true };
        if ('retry' in outcome) {
          // nothing after it in its stream goes out before it does
          this.failFrom(stream, version, failed);
          break;
        }
        if ('skip' in outcome) continue;
        const event = this.map(stream, outcome.event);
        if (event) events.push({ record, version, event });
      }
      published.set(stream.pk, events);
    }
    const events = inBatchOrder(records, [...published.values()]);
    try {
      if (events.length > 0) await this.bus.publish(events);
    } catch (error) {
      const unpublished = isAppError(error, 'INTEGRATION_PUBLISH')
        ? new Set((error as IntegrationPublishError).unpublished)
        : new Set(events.map((e) => e.detail.eventId));
      this.logger.error('publisher: integration events were not published; their streams go again from there', {
        consumer: this.name,
        unpublished: unpublished.size,
        of: events.length,
        error: isAppError(error) ? error.message : String(error),
      });
      for (const stream of streams) {
        const first = published.get(stream.pk)?.find(({ event }) => unpublished.has(event.detail.eventId));
        if (first) this.failFrom(stream, first.version, failed);
      }
    }
    return { failed: [...new Set(records.map((r) => r.sequenceNumber).filter((s) => failed.has(s)))] };
  }

  /** Marks a stream's records from `version` on as failed: the runtime delivers them again, in order. */
  private failFrom(stream: Stream, version: number, failed: Set<string>) {
    for (const record of stream.records) if (versionOf(record) >= version) failed.add(record.sequenceNumber);
  }

  /** The integration event of a domain event, or none (internal, or bad data: logged and passed over). */
  private map(stream: Stream, event: RecordedEvent): IntegrationEvent | null {
    try {
      return toIntegrationEvent(event);
    } catch (error) {
      this.passOver(stream.pk, event.version, error);
      return null;
    }
  }

  /** Decodes the records of each scope in one call; when a call fails, record by record, to find the bad one. */
  private async decode(streams: readonly Stream[]): Promise<Map<EventRecord, Decoded>> {
    const decoded = new Map<EventRecord, Decoded>();
    const byScope = new Map<Scope, EventRecord[]>();
    for (const stream of streams) {
      let scope: Scope;
      try {
        scope = streamOf(stream.pk).scope;
      } catch (error) {
        for (const record of stream.records) this.passOver(stream.pk, versionOf(record), error);
        for (const record of stream.records) decoded.set(record, { skip: true });
        continue;
      }
      byScope.set(scope, [...(byScope.get(scope) ?? []), ...stream.records]);
    }
    for (const [scope, scoped] of byScope) {
      try {
        const events = await this.store.decodeItems(
          scope,
          scoped.map((r) => r.item),
        );
        for (const [i, record] of scoped.entries()) decoded.set(record, { event: events[i] as RecordedEvent });
      } catch {
        for (const record of scoped) decoded.set(record, await this.decodeOne(scope, record));
      }
    }
    return decoded;
  }

  private async decodeOne(scope: Scope, record: EventRecord): Promise<Decoded> {
    try {
      const [event] = await this.store.decodeItems(scope, [record.item]);
      return event ? { event } : { skip: true };
    } catch (error) {
      if (!isBadData(error)) {
        this.logger.warn('publisher: an event could not be read; its stream goes again from it', {
          consumer: this.name,
          stream: record.item.pk?.S,
          version: versionOf(record),
          code: isAppError(error) ? error.code : error instanceof Error ? error.name : 'Error',
        });
        return { retry: true };
      }
      this.passOver(record.item.pk?.S ?? '(no pk)', versionOf(record), error);
      return { skip: true };
    }
  }

  /** Logs an event that can never be published (ids only: never the message, which may quote data). */
  private passOver(pk: string, version: number, error: unknown) {
    this.logger.error('publisher: an event cannot be published and is passed over', {
      consumer: this.name,
      stream: pk,
      version,
      code: isAppError(error) ? error.code : error instanceof Error ? error.name : 'Error',
    });
  }
}
