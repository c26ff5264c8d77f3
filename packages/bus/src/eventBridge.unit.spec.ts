import { isAppError } from '@app/core';
import {
  AccessDeniedException,
  EventBridgeClient,
  InternalException,
  PutEventsCommand,
  type PutEventsCommandOutput,
  type PutEventsRequestEntry,
  ThrottlingException,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type EventBridgeBusOptions,
  entrySize,
  eventBridgeBus,
  type IntegrationPublishError,
  MAX_BATCH_BYTES,
} from './eventBridge.ts';
import { integrationEvent, TENANT } from './fixtures.ts';

// EventBridge has no local form: PutEvents is checked against the request and answer shapes
// its API documents (at most 10 entries and 256 KB a call; `FailedEntryCount` and an
// `ErrorCode` on each failed entry, in the order of the request's entries).

const BUS = 'arn:aws:events:eu-west-1:123456789012:event-bus/integration-test';
const eventBridge = mockClient(EventBridgeClient);
let waits: number[] = [];

beforeEach(() => {
  eventBridge.reset();
  waits = [];
});

const bus = (options: Partial<EventBridgeBusOptions> = {}) =>
  eventBridgeBus({
    client: new EventBridgeClient({ region: 'eu-west-1' }),
    busName: BUS,
    retry: { attempts: 4, baseMs: 100 },
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 1,
    ...options,
  });

const accepted = (n: number): PutEventsCommandOutput => ({
  $metadata: {},
  FailedEntryCount: 0,
  Entries: Array.from({ length: n }, (_, i) => ({ EventId: `eb-${i}` })),
});

/** An answer where the entries at `failing` (0-based) failed with `code`. */
const partly = (n: number, failing: readonly number[], code = 'ThrottlingException'): PutEventsCommandOutput => ({
  $metadata: {},
  FailedEntryCount: failing.length,
  Entries: Array.from({ length: n }, (_, i) =>
    failing.includes(i) ? { ErrorCode: code, ErrorMessage: 'Rate exceeded' } : { EventId: `eb-${i}` },
  ),
});

const throttled = () => new ThrottlingException({ message: 'Rate exceeded', $metadata: {} });

/** The error a publish rejected with (a publish that resolves fails the test). */
const failure = (publishing: Promise<void>): Promise<IntegrationPublishError> =>
  publishing.then(
    () => {
      throw new Error('the publish was expected to fail');
    },
    (error: unknown) => error as IntegrationPublishError,
  );

const sentEntries = () =>
  eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries as PutEventsRequestEntry[]);
const ids = (entries: readonly PutEventsRequestEntry[]) =>
  entries.map((e) => JSON.parse(e.Detail as string).eventId as string);

describe('the EventBridge bus', () => {
  it('puts each event as one entry: source, detail-type, the detail as JSON, the bus, the recorded time', async () => {
    eventBridge.on(PutEventsCommand).resolves(accepted(2));
    const events = [integrationEvent(1), integrationEvent(2)];
    await bus().publish(events);
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      Entries: [1, 2].map((n) => ({
        Source: 'informational-interviews',
        DetailType: 'Interview.OutreachSent.v1',
        Detail: JSON.stringify({
          specVersion: 1,
          eventId: `01HZX3V6N8Q2J4K5M7P9R1000${n}`,
          tenantId: TENANT,
          streamType: 'Interview',
          streamId: `int_${n}`,
          version: n,
          occurredAt: '2026-09-01T09:00:00.000Z',
          recordedAt: '2026-09-01T09:00:00.250Z',
        }),
        EventBusName: BUS,
        Time: new Date('2026-09-01T09:00:00.250Z'),
      })),
    });
  });

  it('sends at most 10 entries a call, in order', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input) => accepted(input.Entries.length));
    const events = Array.from({ length: 23 }, (_, i) => integrationEvent(i + 1));
    await bus().publish(events);
    expect(sentEntries().map((entries) => entries.length)).toEqual([10, 10, 3]);
    expect(sentEntries().flatMap(ids)).toEqual(events.map((e) => e.detail.eventId));
  });

  it('sends at most 256 KB a call, as EventBridge counts it', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input) => accepted(input.Entries.length));
    const events = Array.from({ length: 9 }, (_, i) => integrationEvent(i + 1, 60_000));
    await bus().publish(events);
    const sent = sentEntries();
    expect(sent.map((entries) => entries.length)).toEqual([4, 4, 1]);
    for (const entries of sent) {
      expect(entries.reduce((n, e) => n + entrySize(e), 0)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    }
    // five of them would not have fitted
    const five = sent[0]?.concat(sent[1]?.[0] ?? []) ?? [];
    expect(five.reduce((n, e) => n + entrySize(e), 0)).toBeGreaterThan(MAX_BATCH_BYTES);
    expect(entrySize({ Source: 'é', DetailType: 'ab', Detail: '{}', Time: new Date() })).toBe(14 + 2 + 2 + 2);
  });

  it('refuses an event over 256 KB before sending anything', async () => {
    const error = await failure(bus().publish([integrationEvent(1), integrationEvent(2, MAX_BATCH_BYTES)]));
    expect(isAppError(error, 'INTEGRATION_PUBLISH')).toBe(true);
    expect(error.unpublished).toHaveLength(2);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('sends again only the entries that failed (entries 2 and 5 of 7), after a backoff', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce(partly(7, [1, 4]))
      .resolves(accepted(2));
    const events = Array.from({ length: 7 }, (_, i) => integrationEvent(i + 1));
    await bus().publish(events);
    const [first, second, third] = eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input);
    expect(third).toBeUndefined();
    expect(first?.Entries).toHaveLength(7);
    expect(second).toEqual({ Entries: [first?.Entries?.[1], first?.Entries?.[4]] });
    expect(ids(second?.Entries ?? [])).toEqual([events[1]?.detail.eventId, events[4]?.detail.eventId]);
    expect(waits).toEqual([200]);
  });

  it('retries a throttled call whole, with growing backoff', async () => {
    eventBridge
      .on(PutEventsCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(new InternalException({ message: 'oops', $metadata: {} }))
      .resolves(accepted(3));
    await bus().publish([integrationEvent(1), integrationEvent(2), integrationEvent(3)]);
    const inputs = eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input);
    expect(inputs).toHaveLength(3);
    expect(inputs[1]).toEqual(inputs[0]);
    expect(inputs[2]).toEqual(inputs[0]);
    expect(waits).toEqual([200, 400]);
  });

  it('gives up after its attempts, naming how many failed, and sends no later batch', async () => {
    // entry 3 of the first batch fails every time; the second batch is never sent
    eventBridge.on(PutEventsCommand).callsFake((input) => {
      const n = input.Entries.length;
      return n === 10 ? partly(10, [2], 'InternalFailure') : partly(n, [0], 'InternalFailure');
    });
    const events = Array.from({ length: 12 }, (_, i) => integrationEvent(i + 1));
    const error = await failure(bus().publish(events));
    expect(isAppError(error, 'INTEGRATION_PUBLISH')).toBe(true);
    expect(error.message).toBe(
      '3 of 12 integration events were not published: 1 failed after 4 attempts (InternalFailure ×1), 2 not attempted',
    );
    expect(error.unpublished).toEqual([events[2], events[10], events[11]].map((e) => e?.detail.eventId));
    const sent = sentEntries();
    expect(sent.map((entries) => entries.length)).toEqual([10, 1, 1, 1]);
    expect(sent.slice(1).flatMap(ids)).toEqual(Array(3).fill(events[2]?.detail.eventId));
    expect(waits).toEqual([200, 400, 800]);
  });

  it('gives up on a call throttled every time', async () => {
    eventBridge.on(PutEventsCommand).rejects(throttled());
    const error = await failure(bus().publish([integrationEvent(1)]));
    expect(error.message).toMatch(
      /^1 of 1 integration events were not published: 1 failed after 4 attempts \(ThrottlingException\)/,
    );
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(4);
  });

  it('does not retry a refusal that another try will not change', async () => {
    eventBridge.on(PutEventsCommand).rejects(new AccessDeniedException({ message: 'no', $metadata: {} }));
    const error = await failure(bus().publish([integrationEvent(1), integrationEvent(2)]));
    expect(error.message).toMatch(/2 failed after 1 attempt \(AccessDeniedException, not retried\)/);
    expect(error.unpublished).toHaveLength(2);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('sends nothing for nothing', async () => {
    await bus().publish([]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});
