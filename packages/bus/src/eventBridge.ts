import { AppError } from '@app/core';
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import type { IntegrationEvent } from './integration.ts';

// The bus port and its AWS side: integration events go to an EventBridge bus with `PutEvents`,
// at most 10 entries and 256 KB a call. A call can half succeed: only the entries whose result
// carries an `ErrorCode` are sent again, with backoff. Batches go one after another, so the
// events of a stream are put in the order given; a batch that gives up stops the rest.

/** Where integration events go: EventBridge in AWS, an in-process bus locally. */
export interface IntegrationBus {
  /** Publishes the events in order; rejects with an {@link IntegrationPublishError} naming what was not published. */
  publish(events: readonly IntegrationEvent[]): Promise<void>;
}

/** PutEvents' limits: entries per call, and bytes per call as EventBridge counts them. */
export const MAX_ENTRIES = 10;
export const MAX_BATCH_BYTES = 256 * 1024;

/** Some integration events were not published; `unpublished` names them by `detail.eventId`. */
export class IntegrationPublishError extends AppError<'INTEGRATION_PUBLISH'> {
  constructor(
    message: string,
    readonly unpublished: readonly string[],
    details: Readonly<Record<string, unknown>> = {},
  ) {
    super('INTEGRATION_PUBLISH', message, { unpublished: unpublished.length, ...details });
  }
}

export interface EventBridgeBusOptions {
  readonly client: EventBridgeClient;
  /** The bus's name or ARN. */
  readonly busName: string;
  /** Attempts per batch (the first included) and the backoff base; default 5 attempts from 100 ms. */
  readonly retry?: { readonly attempts: number; readonly baseMs: number };
  /** How backoff waits (tests pass one that records and returns at once). */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

const MAX_DELAY_MS = 5_000;
/**
 * Errors of the whole call worth another try: EventBridge's throttling and its own failures. The
 * SDK has retried them a few times already; a burst (a backlog after an outage) can outlast that.
 */
const RETRIED_CALL_ERRORS = new Set(['ThrottlingException', 'InternalException']);

const nameOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string'
    ? (error as { name: string }).name
    : undefined;

const utf8 = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));

/** An entry's size as EventBridge counts it against the 256 KB of a call (its `Time` is 14 bytes). */
export const entrySize = (entry: PutEventsRequestEntry): number =>
  (entry.Time ? 14 : 0) +
  utf8(entry.Source) +
  utf8(entry.DetailType) +
  utf8(entry.Detail) +
  (entry.Resources ?? []).reduce((n, r) => n + utf8(r), 0);

/** The request entry of an integration event; its time is when the event was recorded. */
export const toEntry = (event: IntegrationEvent, busName: string): PutEventsRequestEntry => ({
  Source: event.source,
  DetailType: event.detailType,
  Detail: JSON.stringify(event.detail),
  EventBusName: busName,
  Time: new Date(event.detail.recordedAt),
});

interface GaveUp {
  readonly left: readonly Pending[];
  readonly why: string;
  readonly tries: number;
}

interface Pending {
  readonly eventId: string;
  readonly entry: PutEventsRequestEntry;
}

/** Consecutive batches of at most {@link MAX_ENTRIES} entries and {@link MAX_BATCH_BYTES} bytes. */
export const batches = <T extends Pending>(items: readonly T[]): T[][] => {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = entrySize(item.entry);
    if (current.length === MAX_ENTRIES || (current.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
};

/** The entries of a call that failed: those whose result has an `ErrorCode` (or no result at all). */
const failedOf = <T>(sent: readonly T[], results: readonly PutEventsResultEntry[] | undefined, failedCount: number) =>
  failedCount === 0 && !results?.some((r) => r.ErrorCode)
    ? []
    : sent.flatMap((item, i) => {
        const result = results?.[i];
        return result?.ErrorCode || (!result && failedCount > 0)
          ? [{ item, code: result?.ErrorCode ?? 'NoResult' }]
          : [];
      });

/** The bus port on an EventBridge bus. */
export const eventBridgeBus = (options: EventBridgeBusOptions): IntegrationBus => {
  const { client, busName } = options;
  const { attempts, baseMs } = options.retry ?? { attempts: 5, baseMs: 100 };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const random = options.random ?? Math.random;
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`retry.attempts must be ≥ 1; got ${attempts}`);
  // Full jitter: publishers throttled together spread out instead of retrying in lockstep.
  const backoff = (attempt: number) => sleep(random() * Math.min(MAX_DELAY_MS, baseMs * 2 ** attempt));

  /** Sends one batch until every entry is accepted; answers what is still unpublished when it gives up. */
  const sendBatch = async (batch: readonly Pending[]): Promise<GaveUp | null> => {
    let pending = [...batch];
    let why = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await backoff(attempt - 1);
      try {
        const output = await client.send(new PutEventsCommand({ Entries: pending.map((p) => p.entry) }));
        const failed = failedOf(pending, output.Entries, output.FailedEntryCount ?? 0);
        if (failed.length === 0) return null;
        const codes = new Map<string, number>();
        for (const { code } of failed) codes.set(code, (codes.get(code) ?? 0) + 1);
        why = [...codes].map(([code, n]) => `${code} ×${n}`).join(', ');
        pending = failed.map(({ item }) => item);
      } catch (error) {
        const name = nameOf(error) ?? 'Error';
        if (!RETRIED_CALL_ERRORS.has(name)) return { left: pending, why: `${name}, not retried`, tries: attempt };
        why = name;
      }
    }
    return { left: pending, why, tries: attempts };
  };

  return {
    async publish(events) {
      const items = events.map((event) => ({ eventId: event.detail.eventId, entry: toEntry(event, busName) }));
      const oversized = items.filter((item) => entrySize(item.entry) > MAX_BATCH_BYTES);
      if (oversized.length > 0) {
        throw new IntegrationPublishError(
          `${oversized.length} of ${events.length} integration events are over PutEvents' ${MAX_BATCH_BYTES} bytes; none was published`,
          items.map((item) => item.eventId),
        );
      }
      const all = batches(items);
      for (const [index, batch] of all.entries()) {
        const gaveUp = await sendBatch(batch);
        if (!gaveUp) continue;
        const notSent = all.slice(index + 1).flat();
        const unpublished = [...gaveUp.left, ...notSent].map((item) => item.eventId);
        throw new IntegrationPublishError(
          `${unpublished.length} of ${events.length} integration events were not published: ` +
            `${gaveUp.left.length} failed after ${gaveUp.tries} attempt${gaveUp.tries === 1 ? '' : 's'} (${gaveUp.why}), ` +
            `${notSent.length} not attempted`,
          unpublished,
          { failed: gaveUp.left.length, notAttempted: notSent.length, attempts: gaveUp.tries, why: gaveUp.why },
        );
      }
    },
  };
};
