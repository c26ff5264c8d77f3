import { defineEvent, ERASED, isAppError, PLATFORM, personal } from '@app/core';
import { manualClock, testDb } from '@app/testing';
import { GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { EventCatalog } from './catalog.ts';
import type { GuardChange } from './eventStore.ts';
import { Blob, Incremented, makeStore, NoteWritten, NoteWrittenV1, newTenant } from './fixtures/counter.ts';
import { guard, newId, streamKey, streamRef } from './keys.ts';
import type { CommandMeta } from './types.ts';

const meta: CommandMeta = { actor: { userId: 'usr_1', role: 'STUDENT' }, correlationId: 'corr-1' };
const at = '2026-03-01T10:00:00.000Z';
const inc = (by = 1) => ({ type: 'Incremented', data: { by }, occurredAt: at });

const counterStream = (tenant = newTenant()) => streamRef(tenant, 'Counter', newId('cnt_'));

const rawItems = async (pk: string) => {
  const db = testDb();
  const { Items = [] } = await db.client.send(
    new QueryCommand({
      TableName: db.tables.events,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: pk } },
      ConsistentRead: true,
    }),
  );
  return Items;
};

describe('appending', () => {
  it('appends after the loaded position and loads the events back in version order', async () => {
    const { store } = makeStore(testDb());
    const stream = counterStream();
    const empty = await store.load(stream);
    expect(empty.position.version).toBe(0);
    const first = await store.append(empty.position, [inc(1), inc(2)], meta);
    await store.append(first.position, [inc(3)], meta);

    const loaded = await store.load(stream);
    expect(loaded.events.map((e) => [e.version, e.data])).toEqual([
      [1, { by: 1 }],
      [2, { by: 2 }],
      [3, { by: 3 }],
    ]);
    expect(loaded.position.version).toBe(3);
    expect(loaded.events[0]?.meta).toMatchObject({ actor: meta.actor, correlationId: 'corr-1', occurredAt: at });
  });

  it('lets exactly one of 50 concurrent appends at the same version win; the rest get a typed conflict', async () => {
    const { store } = makeStore(testDb());
    const stream = counterStream();
    const { position } = await store.append((await store.load(stream)).position, [inc(), inc(), inc()], meta);

    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => store.append(position, [inc(i + 1)], meta)),
    );

    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(49);
    expect(lost.every((error) => isAppError(error, 'CONCURRENCY'))).toBe(true);
    const versions = (await store.load(stream)).events.map((e) => e.version);
    expect(versions).toEqual([1, 2, 3, 4]);
  });

  it('keeps recordedAt from running backwards within a stream when the clock does', async () => {
    const clock = manualClock('2026-03-01T12:00:00.000Z');
    const { store } = makeStore(testDb(), { clock: clock.now });
    const stream = counterStream();
    const first = await store.append((await store.load(stream)).position, [inc()], meta);
    clock.advance(-60_000);
    await store.append(first.position, [inc()], meta);
    const [a, b] = (await store.load(stream)).events;
    expect(b?.meta.recordedAt).toBe('2026-03-01T12:00:00.001Z');
    expect((b?.meta.recordedAt ?? '') > (a?.meta.recordedAt ?? '')).toBe(true);
  });

  it('refuses an event over the item limit before sending it, and writes nothing', async () => {
    const { store } = makeStore(testDb());
    const stream = counterStream();
    const { position } = await store.load(stream);
    const big = { type: 'Blob', data: { payload: 'x'.repeat(401 * 1024) }, occurredAt: at };
    const error = await store.append(position, [inc(), big], meta).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'EVENT_TOO_LARGE',
      message: expect.stringMatching(/Blob encodes to \d+ bytes/),
    });
    expect(await rawItems(streamKey(stream))).toEqual([]);
  });

  it('refuses a write beyond the transaction limits instead of splitting it', async () => {
    const { store } = makeStore(testDb());
    const stream = counterStream();
    const { position } = await store.load(stream);
    const error = await store
      .append(
        position,
        Array.from({ length: 101 }, () => inc()),
        meta,
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TRANSACTION_TOO_LARGE' });
    const bulky = Array.from({ length: 12 }, () => ({
      type: 'Blob',
      data: { payload: 'y'.repeat(380 * 1024) },
      occurredAt: at,
    }));
    expect(await store.append(position, bulky, meta).catch((e: unknown) => e)).toMatchObject({
      code: 'TRANSACTION_TOO_LARGE',
    });
    expect(await rawItems(streamKey(stream))).toEqual([]);
  });

  it('fails loudly on an unknown type or an invalid payload, and writes nothing', async () => {
    const { store } = makeStore(testDb());
    const stream = counterStream();
    const { position } = await store.load(stream);
    await expect(
      store.append(position, [{ type: 'Decremented', data: {}, occurredAt: at }], meta),
    ).rejects.toMatchObject({
      code: 'UNKNOWN_EVENT_TYPE',
    });
    await expect(store.append(position, [inc(1), inc(-2)], meta)).rejects.toMatchObject({
      code: 'INVALID_EVENT',
      message: expect.stringContaining('by:'),
    });
    await expect(store.append(position, [{ ...inc(), occurredAt: 'yesterday' }], meta)).rejects.toMatchObject({
      code: 'INVALID_EVENT',
    });
    expect(await rawItems(streamKey(stream))).toEqual([]);
  });

  it('surfaces an event it cannot read instead of skipping it', async () => {
    const Extra = defineEvent('Extra', { schema: z.object({ payload: z.string() }) });
    const wide = new EventCatalog([Incremented, NoteWritten, Blob, Extra]);
    const writer = makeStore(testDb(), { catalog: wide }).store;
    const reader = makeStore(testDb()).store;
    const stream = counterStream();
    await writer.append(
      (await writer.load(stream)).position,
      [{ type: 'Extra', data: { payload: 'p' }, occurredAt: at }],
      meta,
    );
    await expect(reader.load(stream)).rejects.toMatchObject({ code: 'UNKNOWN_EVENT_TYPE' });
  });

  it('upcasts an old schema version on read', async () => {
    const old = makeStore(testDb(), { catalog: new EventCatalog([NoteWrittenV1]) }).store;
    const stream = counterStream();
    await old.append(
      (await old.load(stream)).position,
      [{ type: 'NoteWritten', data: { body: 'met Dr. Okafor' }, occurredAt: at, subject: 'usr_student' }],
      meta,
    );
    const [item] = await rawItems(streamKey(stream));
    expect(item?.schemaVersion?.N).toBe('1');

    const { store } = makeStore(testDb());
    const [event] = (await store.load(stream)).events;
    expect(event?.data).toEqual({ text: 'met Dr. Okafor', tags: [] });
  });

  it('takes each stream once per write', async () => {
    const { store } = makeStore(testDb());
    const stream = counterStream();
    const { position } = await store.load(stream);
    const twice = [position, position].map((p) => ({ position: p, events: [inc()], meta }));
    await expect(store.appendMany(twice)).rejects.toThrow(/each stream appears once/);
    expect(await rawItems(streamKey(stream))).toEqual([]);
  });

  it('never writes across tenants in one call', async () => {
    const { store } = makeStore(testDb());
    const [a, b] = [counterStream(), counterStream()];
    const writes = [a, b].map(async (stream) => ({
      position: (await store.load(stream)).position,
      events: [inc()],
      meta,
    }));
    await expect(store.appendMany(await Promise.all(writes))).rejects.toThrow(/cannot span tenants/);
    expect([...(await rawItems(streamKey(a))), ...(await rawItems(streamKey(b)))]).toEqual([]);
  });
});

describe('bulk loading', () => {
  it('writes whole histories of new streams as appends would number them, and appends continue after them', async () => {
    const { store } = makeStore(testDb());
    const tenant = newTenant();
    const [a, b] = [counterStream(tenant), counterStream(tenant)];
    const loaded = await store.bulkLoad([
      {
        stream: a,
        batches: [
          { events: [inc(1), inc(2)], meta },
          { events: [inc(3)], meta },
        ],
      },
      { stream: b, batches: [{ events: [inc(4)], meta }] },
    ]);
    expect(loaded).toBe(4);
    const first = await store.load(a);
    expect(first.events.map((e) => [e.version, e.data])).toEqual([
      [1, { by: 1 }],
      [2, { by: 2 }],
      [3, { by: 3 }],
    ]);
    await store.append(first.position, [inc(5)], meta);
    expect((await store.load(a)).position.version).toBe(4);
    expect((await store.load(b)).events.map((e) => e.data)).toEqual([{ by: 4 }]);
  });

  it('validates what it loads like an append does', async () => {
    const { store } = makeStore(testDb());
    const stream = counterStream();
    await expect(store.bulkLoad([{ stream, batches: [{ events: [inc(-1)], meta }] }])).rejects.toThrow(/by/);
    expect(await rawItems(streamKey(stream))).toEqual([]);
  });
});

describe('uniqueness guards', () => {
  it('refuses a taken guard with a typed error and writes nothing, then frees it on release', async () => {
    const { store } = makeStore(testDb());
    const tenant = newTenant();
    const [a, b] = [counterStream(tenant), counterStream(tenant)];
    const email = guard('EmailGuard', 'hmac-of-ada');
    const claim = (owner: typeof a): GuardChange[] => [{ op: 'claim', guard: email, owner }];

    const pa = (await store.load(a)).position;
    const [first] = await store.appendMany([{ position: pa, events: [inc()], meta }], claim(a));
    const pb = (await store.load(b)).position;
    const error = await store.appendMany([{ position: pb, events: [inc()], meta }], claim(b)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'GUARD_TAKEN', guardKind: 'EmailGuard' });
    expect(await rawItems(streamKey(b))).toEqual([]);

    await expect(
      store.appendMany([{ position: pb, events: [inc()], meta }], [{ op: 'release', guard: email, owner: b }]),
    ).rejects.toMatchObject({ code: 'CONCURRENCY' });
    await store.appendMany(
      [{ position: (first as { position: typeof pa }).position, events: [inc()], meta }],
      [{ op: 'release', guard: email, owner: a }],
    );
    await store.appendMany([{ position: pb, events: [inc()], meta }], claim(b));
    expect((await store.load(b)).events).toHaveLength(1);
  });

  it('keeps one tenant’s guard apart from another’s', async () => {
    const { store } = makeStore(testDb());
    const email = guard('EmailGuard', 'same-hmac');
    for (const tenant of [newTenant(), newTenant()]) {
      const stream = counterStream(tenant);
      const { position } = await store.load(stream);
      await store.appendMany([{ position, events: [inc()], meta }], [{ op: 'claim', guard: email, owner: stream }]);
    }
  });
});

describe('reading', () => {
  it('walks the streams that began in a range, first events only, and which of them reached a version', async () => {
    const clock = manualClock('2026-03-01T10:00:00.000Z');
    const { store } = makeStore(testDb(), { clock: clock.now });
    const tenant = newTenant();
    const [a, b] = [counterStream(tenant), counterStream(tenant)];
    await store.append((await store.load(a)).position, [inc(1), inc(2)], meta);
    clock.advance(1_000);
    await store.append((await store.load(b)).position, [inc(3)], meta);
    clock.advance(1_000);
    await store.append((await store.load(a)).position, [inc(4)], meta);

    const range = { from: '2026-03-01T00:00:00.000Z', to: '2026-03-02T00:00:00.000Z' };
    const firsts = [];
    for await (const e of store.firstEvents(tenant, range)) firsts.push([e.stream.id, e.version, e.data]);
    expect(firsts).toEqual([
      [a.id, 1, { by: 1 }],
      [b.id, 1, { by: 3 }],
    ]);
    expect(await store.streamsReaching([a, b], 2)).toEqual(new Set([streamKey(a)]));
    expect(await store.streamsReaching([a, b], 3)).toEqual(new Set([streamKey(a)]));
    expect(await store.streamsReaching([a, b], 4)).toEqual(new Set());
    // more streams than one batched read takes (100 keys)
    const many = Array.from({ length: 230 }, (_, i) => (i === 150 ? a : counterStream()));
    expect(await store.streamsReaching(many, 2)).toEqual(new Set([streamKey(a)]));
  });

  it('reads a version range across DynamoDB pages', async () => {
    const { store } = makeStore(testDb());
    const stream = counterStream();
    let { position } = await store.load(stream);
    const payload = 'z'.repeat(60 * 1024); // 60 KB a event: a 1 MB page holds about 16
    for (let batch = 0; batch < 5; batch++) {
      const events = Array.from({ length: 10 }, () => ({ type: 'Blob', data: { payload }, occurredAt: at }));
      ({ position } = await store.append(position, events, meta));
    }
    const all = await store.readStream(stream);
    expect(all.map((e) => e.version)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const some = await store.readStream(stream, { fromVersion: 12, toVersion: 40 });
    expect(some.map((e) => e.version)).toEqual(Array.from({ length: 29 }, (_, i) => i + 12));
  });

  it('reads the tenant log over several days in recorded order, and only that tenant’s', async () => {
    const clock = manualClock('2026-04-01T23:59:59.000Z');
    const { store } = makeStore(testDb(), { clock: clock.now });
    const tenant = newTenant();
    const [a, b, other] = [counterStream(tenant), counterStream(tenant), counterStream()];
    let pa = (await store.load(a)).position;
    let pb = (await store.load(b)).position;
    const po = (await store.load(other)).position;
    ({ position: pa } = await store.append(pa, [inc(1)], meta));
    clock.advance(2_000); // the next day
    ({ position: pb } = await store.append(pb, [inc(2)], meta));
    await store.append(po, [inc(99)], meta);
    clock.advance(86_400_000 * 2);
    await store.append(pa, [inc(3), inc(4)], meta);

    const seen = [];
    for await (const event of store.readTenantLog(tenant, {
      from: '2026-04-01T00:00:00Z',
      to: '2026-04-05T00:00:00Z',
    })) {
      seen.push(event.data);
    }
    expect(seen).toEqual([{ by: 1 }, { by: 2 }, { by: 3 }, { by: 4 }]);
    const firstDayOnly = [];
    for await (const event of store.readTenantLog(tenant, {
      from: '2026-04-01T00:00:00Z',
      to: '2026-04-01T23:59:59.999Z',
    })) {
      firstDayOnly.push(event.data);
    }
    expect(firstDayOnly).toEqual([{ by: 1 }]);
  });

  it('reports an unreadable event in the tenant log, or hands it to onInvalid and goes on', async () => {
    const Extra = defineEvent('Extra', { schema: z.object({ payload: z.string() }) });
    const clock = manualClock('2026-05-01T10:00:00.000Z');
    const writer = makeStore(testDb(), { catalog: new EventCatalog([Incremented, Extra]), clock: clock.now }).store;
    const reader = makeStore(testDb()).store;
    const tenant = newTenant();
    const stream = counterStream(tenant);
    const extra = { type: 'Extra', data: { payload: 'p' }, occurredAt: at };
    await writer.append((await writer.load(stream)).position, [inc(1), extra, inc(2)], meta);
    const range = { from: '2026-05-01T00:00:00Z', to: '2026-05-02T00:00:00Z' };

    const read = async (onInvalid?: (error: unknown) => void) => {
      const seen = [];
      for await (const e of reader.readTenantLog(tenant, { ...range, ...(onInvalid && { onInvalid }) }))
        seen.push(e.data);
      return seen;
    };
    await expect(read()).rejects.toMatchObject({ code: 'UNKNOWN_EVENT_TYPE' });
    const invalid: unknown[] = [];
    expect(await read((error) => invalid.push(error))).toEqual([{ by: 1 }, { by: 2 }]);
    expect(invalid).toMatchObject([{ code: 'UNKNOWN_EVENT_TYPE' }]);
  });

  it('keeps the control plane in its own scope', async () => {
    const { store } = makeStore(testDb());
    const stream = streamRef(PLATFORM, 'TenantList', 'all');
    await store.append((await store.load(stream)).position, [inc()], meta);
    expect(streamKey(stream)).toBe('_platform#TenantList#all');
    expect((await store.load(stream)).events).toHaveLength(1);
  });
});

describe('personal data', () => {
  const note = (text: string, subject = 'usr_student') => ({
    type: 'NoteWritten',
    data: { text, tags: ['career'] },
    occurredAt: at,
    subject,
  });

  it('is encrypted at rest and read back in clear', async () => {
    const { store } = makeStore(testDb());
    const stream = counterStream();
    await store.append((await store.load(stream)).position, [note('Ada Lovelace, ada@example.edu')], meta);
    const [item] = await rawItems(streamKey(stream));
    expect(JSON.stringify(item)).not.toContain('Ada');
    expect(JSON.stringify(item)).toContain('career');
    expect((await store.load(stream)).events[0]?.data).toEqual({
      text: 'Ada Lovelace, ada@example.edu',
      tags: ['career'],
    });
  });

  it('opens personal fields inside lists a schema freezes when it parses them', async () => {
    const Goals = defineEvent('GoalsSet', {
      schema: z.strictObject({ goals: z.array(personal(z.string())).readonly() }),
    });
    const { store } = makeStore(testDb(), { catalog: new EventCatalog([Goals]) });
    const stream = counterStream();
    const goals = {
      type: 'GoalsSet',
      data: { goals: ['learn the field', 'meet Ada'] },
      occurredAt: at,
      subject: 'usr_1',
    };
    await store.append((await store.load(stream)).position, [goals], meta);
    const [event] = (await store.load(stream)).events;
    expect(event?.data).toEqual({ goals: ['learn the field', 'meet Ada'] });
  });

  it('reads as a marker, never an error, once the subject is erased; and cannot be written again', async () => {
    const db = testDb();
    const { store } = makeStore(db);
    const tenant = newTenant();
    const stream = counterStream(tenant);
    const { position } = await store.append(
      (await store.load(stream)).position,
      [note('about Ada', 'usr_ada'), note('about Bo', 'usr_bo'), inc()],
      meta,
    );
    await store.eraseSubject(tenant, 'usr_ada');

    const fresh = makeStore(db).store; // another process: no cached key
    const events = (await fresh.load(stream)).events;
    expect(events.map((e) => e.data)).toEqual([
      { text: ERASED, tags: ['career'] },
      { text: 'about Bo', tags: ['career'] },
      { by: 1 },
    ]);
    expect(events[0]?.erased).toEqual(['text']);
    await expect(store.append(position, [note('again', 'usr_ada')], meta)).rejects.toMatchObject({
      code: 'SUBJECT_ERASED',
    });
  });

  it('seals each personal field of a list, opening them when read', async () => {
    const { store } = makeStore(testDb());
    const stream = counterStream();
    const questions = [
      { id: 'q1', text: 'How did you start?' },
      { id: 'q2', text: 'What surprised you?' },
    ];
    await store.append(
      (await store.load(stream)).position,
      [{ type: 'QuestionsListed', data: { questions }, occurredAt: at, subject: 'usr_ada' }],
      meta,
    );
    const [item] = await rawItems(streamKey(stream));
    expect(item?.data?.S).not.toMatch(/start|surprised/);
    expect(item?.data?.S).toContain('q2');
    const [event] = (await store.load(stream)).events;
    expect(event?.data).toEqual({ questions });
    expect(JSON.parse(JSON.stringify(event?.data))).toEqual({ questions });
  });

  it('binds each sealed field to its place: one moved from another event is surfaced when read', async () => {
    const db = testDb();
    const { store } = makeStore(db);
    const stream = counterStream();
    await store.append((await store.load(stream)).position, [note('original')], meta);
    const [item] = await rawItems(streamKey(stream));
    const data = JSON.parse(item?.data?.S as string);
    const other = JSON.parse(
      (
        await rawItems(
          streamKey(
            (
              await store.append((await store.load(counterStream())).position, [note('other')], meta)
            ).position.stream,
          ),
        )
      )[0]?.data?.S as string,
    );
    await db.client.send(
      new PutItemCommand({
        TableName: db.tables.events,
        Item: { ...item, data: { S: JSON.stringify({ ...data, text: other.text }) } },
      }),
    );
    const [event] = (await makeStore(db).store.load(stream)).events;
    expect(() => (event as { data: { text: string } }).data.text).toThrow(/authenticate/);
  });

  it('needs a subject to encrypt for', async () => {
    const { store } = makeStore(testDb());
    const stream = counterStream();
    const { subject: _, ...anonymous } = note('x');
    await expect(store.append((await store.load(stream)).position, [anonymous], meta)).rejects.toMatchObject({
      code: 'MISSING_SUBJECT',
    });
  });

  it('keeps the data key wrapped under the master key', async () => {
    const db = testDb();
    const { store } = makeStore(db);
    const tenant = newTenant();
    const stream = counterStream(tenant);
    await store.append((await store.load(stream)).position, [note('x', 'usr_kim')], meta);
    const { Item } = await db.client.send(
      new GetItemCommand({
        TableName: db.tables.events,
        Key: { pk: { S: `${tenant}#DataKey#usr_kim` }, sk: { N: '0' } },
      }),
    );
    expect(Item?.wrapped?.S).toMatch(/^v1\./);
  });
});
