import type { EventRecord } from '@app/streams';
import { testDb } from '@app/testing';
import { runScenario, type Scenario, World } from '@app/views/fixtures';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPublisher, publisherStore } from './compose.ts';
import { eventBridgeBus, type IntegrationBus, IntegrationPublishError } from './eventBridge.ts';
import { InProcessBus } from './inProcessBus.ts';
import type { IntegrationEvent } from './integration.ts';
import { PUBLICATION } from './publicEvents.ts';
import { Publisher } from './publisher.ts';

// The publisher on real events: a small cohort's season through the real deciders and the real
// store on DynamoDB Local, its records fed to the publisher as the table's stream would.

let w: World;
let scenario: Scenario;
let records: EventRecord[];

beforeAll(async () => {
  w = new World(testDb());
  scenario = await runScenario(w);
  records = await w.records();
});

const pkOf = (r: EventRecord) => r.item.pk?.S as string;
const versionOf = (r: EventRecord) => Number(r.item.sk?.N);
const typeOf = (r: EventRecord) => r.item.type?.S as keyof typeof PUBLICATION;
const eventIdOf = (r: EventRecord) => (JSON.parse(r.item.meta?.S as string) as { eventId: string }).eventId;
const isPublic = (r: EventRecord) => PUBLICATION[typeOf(r)].publish;
const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

const logger = () => {
  const lines: [string, Record<string, unknown> | undefined][] = [];
  const log = (message: string, details?: Record<string, unknown>) => lines.push([message, details]);
  return { lines, info: log, warn: log, error: log };
};

const publisher = (bus: IntegrationBus, log = logger()) =>
  createPublisher({ client: w.db.client, eventsTable: w.db.tables.events, bus, logger: log });

/** Per stream, the versions published, in the order they were. */
const versionsByStream = (events: readonly IntegrationEvent[]) => {
  const out = new Map<string, number[]>();
  for (const { detail } of events) out.set(detail.streamId, [...(out.get(detail.streamId) ?? []), detail.version]);
  return out;
};

/** The texts the scenario wrote: names, emails, a goal, a question, a commitment, a reason, companies, a cohort. */
const TEXTS = [
  'Pat Doe',
  '@uni.test',
  'Member usr_',
  'learn the field',
  'How did you get started',
  'Send my resume',
  'logged on the wrong contact',
  'Acme',
  'Gamma',
  'Fall careers',
  'Test University',
  'test-u',
];

describe('the publisher', () => {
  it('publishes every public event of a season, each stream in version order, and no personal data', async () => {
    const bus = new InProcessBus();
    for (const batch of chunks(records, 10)) expect((await publisher(bus).consume(batch)).failed).toEqual([]);

    expect(bus.published.map((e) => e.detail.eventId)).toEqual(records.filter(isPublic).map(eventIdOf));
    for (const versions of versionsByStream(bus.published).values()) {
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
    }
    const types = new Set(bus.published.map((e) => e.detailType));
    for (const t of ['Interview.OutreachSent.v1', 'Interview.EntryVoided.v1', 'Interview.FollowUpDue.v1']) {
      expect(types).toContain(t);
    }
    expect(types).toContain('Cohort.StudentEnrolled.v1');
    expect(types).not.toContain('Interview.QuestionAdded.v1');

    const [ada] = scenario.students;
    const adaOutreach = bus.published.find((e) => e.detailType === 'Interview.OutreachSent.v1');
    expect(adaOutreach?.detail).toMatchObject({
      tenantId: w.tenantId,
      studentId: ada,
      cohortIds: [scenario.cohortA, scenario.cohortB].sort(),
      channel: 'EMAIL',
    });

    // the texts are in the store (read with the data keys) and nowhere in what was published
    const withKeys = JSON.stringify(
      (
        await w.store.decodeItems(
          w.tenantId,
          records.map((r) => r.item),
        )
      ).map((e) => e.data),
    );
    const published = JSON.stringify(bus.published);
    for (const text of TEXTS) {
      expect(withKeys, text).toContain(text);
      expect(published, text).not.toContain(text);
    }
  });

  it('reads without data keys: personal fields read as erased', async () => {
    const contact = records.find((r) => typeOf(r) === 'ContactAdded') as EventRecord;
    const store = publisherStore({ client: w.db.client, eventsTable: w.db.tables.events });
    const [event] = await store.decodeItems(w.tenantId, [contact.item]);
    expect(event?.data).toMatchObject({ name: '[erased]', email: null, company: 'Acme' });
    expect(event?.erased).toEqual(['name']);
  });

  it('publishes a batch delivered twice and shuffled again, under the same eventIds, each stream still in order', async () => {
    const bus = new InProcessBus();
    const shuffled = [...records].reverse();
    for (const batch of chunks([...shuffled, ...shuffled.slice(0, 7)], 13)) {
      const before = bus.published.length;
      expect((await publisher(bus).consume([...batch, ...batch.slice(0, 2)])).failed).toEqual([]);
      for (const versions of versionsByStream(bus.published.slice(before)).values()) {
        expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
      }
    }
    const ids = bus.published.map((e) => e.detail.eventId);
    expect(ids.length).toBeGreaterThan(new Set(ids).size); // at least once: copies went out
    expect(new Set(ids)).toEqual(new Set(records.filter(isPublic).map(eventIdOf)));
  });

  it('fails the first unpublished event of a stream and everything after it in that stream, nothing else', async () => {
    const interview = records.find((r) => typeOf(r) === 'OutreachSent') as EventRecord;
    const stream = records.filter((r) => pkOf(r) === pkOf(interview));
    const reply = stream.find((r) => typeOf(r) === 'ReplyReceived') as EventRecord;
    const bus: IntegrationBus = {
      publish: async () => {
        throw new IntegrationPublishError('1 of n', [eventIdOf(reply)]);
      },
    };
    const { failed } = await publisher(bus).consume(records);
    expect(failed).toEqual(stream.filter((r) => versionOf(r) >= versionOf(reply)).map((r) => r.sequenceNumber));
    expect(failed.length).toBeGreaterThan(3);
  });

  it('fails every stream it published from when the bus fails outright', async () => {
    const log = logger();
    const bus: IntegrationBus = {
      publish: async () => {
        throw new Error('bus unreachable');
      },
    };
    const batch = records.slice(0, 20);
    const { failed } = await publisher(bus, log).consume(batch);
    const firstPublic = new Map<string, number>();
    for (const r of batch) if (isPublic(r) && !firstPublic.has(pkOf(r))) firstPublic.set(pkOf(r), versionOf(r));
    const expected = batch.filter((r) => versionOf(r) >= (firstPublic.get(pkOf(r)) ?? Number.POSITIVE_INFINITY));
    expect(failed).toEqual(expected.map((r) => r.sequenceNumber));
    expect(log.lines.map(([message]) => message)).toEqual([
      'publisher: integration events were not published; their streams go again from there',
    ]);
  });

  it('on EventBridge: a failed entry holds back its stream; delivered again, it goes out, and what followed it twice', async () => {
    const eventBridge = mockClient(EventBridgeClient);
    const ada = pkOf(records.find((r) => typeOf(r) === 'InterviewPlanned') as EventRecord);
    const contact = pkOf(records.find((r) => typeOf(r) === 'ContactAdded') as EventRecord);
    const batch = records.filter((r) => pkOf(r) === ada || pkOf(r) === contact);
    expect(batch.filter(isPublic).length, 'one PutEvents call').toBeLessThanOrEqual(10);
    const held = batch.find((r) => pkOf(r) === ada && typeOf(r) === 'MeetingScheduled') as EventRecord;
    let down = true;
    const published: string[] = [];
    eventBridge.on(PutEventsCommand).callsFake(({ Entries }: { Entries: PutEventsRequestEntry[] }) => {
      const failing = (e: PutEventsRequestEntry) => down && JSON.parse(e.Detail as string).eventId === eventIdOf(held);
      for (const e of Entries) if (!failing(e)) published.push(JSON.parse(e.Detail as string).eventId);
      return {
        FailedEntryCount: Entries.filter(failing).length,
        Entries: Entries.map((e, i) => (failing(e) ? { ErrorCode: 'InternalFailure' } : { EventId: `eb-${i}` })),
      };
    });
    const bus = eventBridgeBus({
      client: new EventBridgeClient({ region: 'eu-west-1' }),
      busName: 'integration',
      retry: { attempts: 3, baseMs: 0 },
    });

    const first = await publisher(bus).consume(batch);
    const failedRecords = batch.filter((r) => pkOf(r) === ada && versionOf(r) >= versionOf(held));
    expect(first.failed).toEqual(failedRecords.map((r) => r.sequenceNumber));
    expect(published).not.toContain(eventIdOf(held));
    // every other entry of the call was accepted at once: only the held one was sent again
    expect(published).toEqual(batch.filter((r) => isPublic(r) && r !== held).map(eventIdOf));

    down = false;
    expect((await publisher(bus).consume(failedRecords)).failed).toEqual([]);
    expect(published.filter((id) => id === eventIdOf(held))).toHaveLength(1);
    const after = failedRecords.filter((r) => isPublic(r) && r !== held).map(eventIdOf);
    expect(after.length).toBeGreaterThan(0);
    for (const id of after) expect(published.filter((p) => p === id)).toHaveLength(2);
    eventBridge.restore();
  });

  it('passes over an event it can never read, logging ids only, and publishes the rest of its stream', async () => {
    const log = logger();
    const bus = new InProcessBus();
    const contact = records.find((r) => typeOf(r) === 'ContactAdded') as EventRecord;
    const broken = { ...contact, item: { ...contact.item, type: { S: 'NoSuchEvent' } } };
    const stream = records.filter((r) => pkOf(r) === pkOf(contact));
    const batch = stream.map((r) => (r === contact ? broken : r));
    expect((await publisher(bus, log).consume(batch)).failed).toEqual([]);
    expect(bus.published.map((e) => e.detail.eventId)).toEqual(
      stream.filter((r) => r !== contact && isPublic(r)).map(eventIdOf),
    );
    expect(log.lines).toEqual([
      [
        'publisher: an event cannot be published and is passed over',
        { consumer: 'publisher', stream: pkOf(contact), version: versionOf(contact), code: 'UNKNOWN_EVENT_TYPE' },
      ],
    ]);
  });

  it('holds back a stream from an event it cannot read for now, and publishes the other streams', async () => {
    const bus = new InProcessBus();
    const store = publisherStore({ client: w.db.client, eventsTable: w.db.tables.events });
    const outreach = records.find((r) => typeOf(r) === 'OutreachSent') as EventRecord;
    const decode = store.decodeItems.bind(store);
    store.decodeItems = async (scope, items) => {
      if (items.includes(outreach.item)) throw Object.assign(new Error('timed out'), { name: 'TimeoutError' });
      return decode(scope, items);
    };
    const { failed } = await new Publisher({ store, bus, logger: logger() }).consume(records);
    const stream = records.filter((r) => pkOf(r) === pkOf(outreach));
    const heldBack = stream.filter((r) => versionOf(r) >= versionOf(outreach));
    expect(failed).toEqual(heldBack.map((r) => r.sequenceNumber));
    const ids = bus.published.map((e) => e.detail.eventId);
    for (const r of heldBack) expect(ids).not.toContain(eventIdOf(r));
    const before = stream.filter((r) => versionOf(r) < versionOf(outreach) && isPublic(r));
    expect(before.length).toBeGreaterThan(0);
    expect(ids).toEqual(records.filter((r) => isPublic(r) && !heldBack.includes(r)).map(eventIdOf));
  });

  it('publishes nothing of the control plane', async () => {
    const bus = new InProcessBus();
    const [some] = records;
    const platform = { sequenceNumber: '9', item: { ...some?.item, pk: { S: '_platform#Tenant#ten_x' } } };
    expect((await publisher(bus).consume([platform as EventRecord])).failed).toEqual([]);
    expect(bus.published).toEqual([]);
  });
});
