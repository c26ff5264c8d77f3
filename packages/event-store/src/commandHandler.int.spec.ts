import { localClientConfig } from '@app/local';
import { testDb } from '@app/testing';
import { DynamoDBClient, GetItemCommand, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { type Command, CommandHandler } from './commandHandler.ts';
import {
  type CounterCommand,
  type CounterContext,
  type CounterEvent,
  type CounterState,
  counter,
  makeStore,
  newTenant,
} from './fixtures/counter.ts';
import { deriveStreamId, newId, streamKey, streamRef } from './keys.ts';

const ctx: CounterContext = { now: '2026-03-01T10:00:00.000Z' };
const actor = { userId: 'usr_ada', role: 'STUDENT' };

const increment = (
  stream = streamRef(newTenant(), 'Counter', newId('cnt_')),
  extra: Partial<Command<CounterState, CounterCommand, CounterEvent, CounterContext>> = {},
): Command<CounterState, CounterCommand, CounterEvent, CounterContext> => ({
  stream,
  decider: counter,
  commandType: 'Increment',
  command: { type: 'Increment', by: 1 },
  context: () => ctx,
  actor,
  correlationId: 'corr',
  ...extra,
});

/** A client of its own, so that middleware injected into it stays in one test. */
const ownClient = () => {
  const client = new DynamoDBClient(localClientConfig(testDb().endpoint));
  const sent: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(context.commandName as string);
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  return { client, sent };
};

const storeOn = (client: DynamoDBClient) => makeStore({ ...testDb(), client });

describe('the command handler', () => {
  it('applies 50 concurrent commands on one stream: versions 1..50, no gaps, no duplicates', async () => {
    const { store } = makeStore(testDb());
    let mostAttempts = 1;
    const handler = new CommandHandler(store, {
      onRetry: (attempt) => (mostAttempts = Math.max(mostAttempts, attempt + 1)),
    });
    const stream = streamRef(newTenant(), 'Counter', newId('cnt_'));
    const results = await Promise.all(Array.from({ length: 50 }, () => handler.handle(increment(stream))));
    console.info(`50 contenders: the unluckiest needed ${mostAttempts} attempts`);

    expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const loaded = await store.load(stream);
    expect(loaded.events.map((e) => e.version)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(loaded.events.map((e) => e.meta.eventId)).size).toBe(50);
  });

  it('passes a decider refusal through and appends nothing', async () => {
    const { store } = makeStore(testDb());
    const cmd = increment(undefined, { command: { type: 'Increment', by: 0 } });
    await expect(new CommandHandler(store).handle(cmd)).rejects.toMatchObject({ code: 'NOT_POSITIVE' });
    expect((await store.load(cmd.stream)).events).toEqual([]);
  });

  it('returns the advice of the decision', async () => {
    const { store } = makeStore(testDb());
    const result = await new CommandHandler(store).handle(
      increment(undefined, { command: { type: 'Increment', by: 11 } }),
    );
    expect(result.advice).toEqual([{ code: 'BIG_STEP', message: 'that is a big step', source: '000' }]);
    expect(result.state.count).toBe(11);
  });

  describe('with an idempotency key', () => {
    it('records one event for 10 concurrent sends, and answers each repeat as the first call', async () => {
      const { store } = makeStore(testDb());
      const handler = new CommandHandler(store);
      const stream = streamRef(newTenant(), 'Counter', newId('cnt_'));
      const cmd = increment(stream, { idempotencyKey: 'k-1', command: { type: 'Increment', by: 12 } });
      const results = await Promise.all(Array.from({ length: 10 }, () => handler.handle(cmd)));

      expect((await store.load(stream)).events).toHaveLength(1);
      expect(results.filter((r) => !r.repeated)).toHaveLength(1);
      for (const result of results) {
        expect(result.events.map((e) => [e.version, e.data])).toEqual([[1, { by: 12 }]]);
        expect(result.advice.map((a) => a.code)).toEqual(['BIG_STEP']);
      }
    });

    it('creates one stream for 10 concurrent sends of a creating command', async () => {
      const { store } = makeStore(testDb());
      const handler = new CommandHandler(store);
      const tenant = newTenant();
      const id = () =>
        deriveStreamId('cnt_', { scope: tenant, userId: actor.userId, commandType: 'Start', idempotencyKey: 'new-1' });
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          handler.handle(
            increment(streamRef(tenant, 'Counter', id()), { idempotencyKey: 'new-1', commandType: 'Start' }),
          ),
        ),
      );
      expect(new Set(results.map((r) => r.events[0]?.stream.id))).toEqual(new Set([id()]));
      expect((await store.load(streamRef(tenant, 'Counter', id()))).events).toHaveLength(1);
      const otherUser = deriveStreamId('cnt_', {
        scope: tenant,
        userId: 'usr_bo',
        commandType: 'Start',
        idempotencyKey: 'new-1',
      });
      expect(otherUser).not.toBe(id());
    });

    it('answers CONFLICT when the key comes back with another input', async () => {
      const { store } = makeStore(testDb());
      const handler = new CommandHandler(store);
      const stream = streamRef(newTenant(), 'Counter', newId('cnt_'));
      await handler.handle(increment(stream, { idempotencyKey: 'k' }));
      await expect(
        handler.handle(increment(stream, { idempotencyKey: 'k', command: { type: 'Increment', by: 2 } })),
      ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
      expect((await store.load(stream)).events).toHaveLength(1);
    });

    it('finds the key before comparing the expected version, so a retry is not a conflict', async () => {
      const { store } = makeStore(testDb());
      const handler = new CommandHandler(store);
      const stream = streamRef(newTenant(), 'Counter', newId('cnt_'));
      const first = await handler.handle(increment(stream, { idempotencyKey: 'k', expectedVersion: 0 }));
      const again = await handler.handle(increment(stream, { idempotencyKey: 'k', expectedVersion: 0 }));
      expect(again).toMatchObject({ repeated: true, version: 1 });
      expect(again.events).toEqual(first.events);
    });
  });

  it('returns a conflict on a stale expected version without retrying', async () => {
    const { client, sent } = ownClient();
    const { store } = storeOn(client);
    const handler = new CommandHandler(store);
    const stream = streamRef(newTenant(), 'Counter', newId('cnt_'));
    await handler.handle(increment(stream));
    sent.length = 0;
    await expect(handler.handle(increment(stream, { expectedVersion: 0 }))).rejects.toMatchObject({
      code: 'CONCURRENCY',
    });
    expect(sent).toEqual(['QueryCommand']);
    client.destroy();
  });

  it('retries when DynamoDB reports a transaction conflict', async () => {
    const { client, sent } = ownClient();
    let conflicts = 2;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutItemCommand' && conflicts-- > 0) {
          throw new TransactionConflictException({ message: 'injected', $metadata: {} });
        }
        return next(args);
      },
      { step: 'initialize', name: 'injectConflicts' },
    );
    const { store } = storeOn(client);
    const stream = streamRef(newTenant(), 'Counter', newId('cnt_'));
    const result = await new CommandHandler(store, { baseDelayMs: 1 }).handle(increment(stream));
    expect(result.version).toBe(1);
    expect(sent.filter((c) => c === 'PutItemCommand')).toHaveLength(3);
    expect((await store.load(stream)).events).toHaveLength(1);
    client.destroy();
  });

  it('gives up with the conflict after its bounded attempts', async () => {
    const { client } = ownClient();
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutItemCommand')
          throw new TransactionConflictException({ message: 'injected', $metadata: {} });
        return next(args);
      },
      { step: 'initialize', name: 'alwaysConflict' },
    );
    const { store } = storeOn(client);
    const handler = new CommandHandler(store, { maxAttempts: 3, baseDelayMs: 1 });
    await expect(handler.handle(increment())).rejects.toMatchObject({ code: 'CONCURRENCY' });
    client.destroy();
  });

  it('does not double an event when the SDK retries a put whose answer was lost', async () => {
    const { client, sent } = ownClient();
    let lose = true;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'PutItemCommand' && lose) {
          lose = false;
          throw Object.assign(new Error('connection reset after the write landed'), { $retryable: {}, $metadata: {} });
        }
        return result;
      },
      // inside the SDK's retry middleware (high priority in this step), so the SDK retries the put
      { step: 'finalizeRequest', priority: 'low', name: 'loseAnswer' },
    );
    const { store } = storeOn(client);
    const stream = streamRef(newTenant(), 'Counter', newId('cnt_'));
    const result = await new CommandHandler(store).handle(increment(stream));
    expect(result.version).toBe(1);
    expect(sent.filter((c) => c === 'PutItemCommand')).toHaveLength(1); // one call, retried inside the SDK
    expect((await store.load(stream)).events).toHaveLength(1);
    client.destroy();
  });

  describe('with snapshots', () => {
    const snapshot = { every: 10, stateVersion: 1 };

    it('writes one every K events and loads from it, with the same state and idempotency keys', async () => {
      const db = testDb();
      const { store } = makeStore(db);
      const handler = new CommandHandler(store);
      const stream = streamRef(newTenant(), 'Counter', newId('cnt_'));
      for (let i = 1; i <= 25; i++) {
        await handler.handle(
          increment(stream, { snapshot, idempotencyKey: `k${i}`, command: { type: 'Increment', by: i } }),
        );
      }
      const { Item } = await db.client.send(
        new GetItemCommand({ TableName: db.tables.events, Key: { pk: { S: streamKey(stream) }, sk: { N: '0' } } }),
      );
      expect(Item?.version?.N).toBe('20');

      const loaded = await store.load(stream, { snapshot });
      expect(loaded.snapshot?.version).toBe(20);
      expect(loaded.events.map((e) => e.version)).toEqual([21, 22, 23, 24, 25]);
      expect(loaded.idempotency.get('k3')).toMatchObject({ fromVersion: 3, toVersion: 3 });

      const repeat = await handler.handle(
        increment(stream, { snapshot, idempotencyKey: 'k3', command: { type: 'Increment', by: 3 } }),
      );
      expect(repeat).toMatchObject({ repeated: true, version: 25, state: { count: (25 * 26) / 2 } });
      expect(repeat.events.map((e) => e.version)).toEqual([3]);
    });

    it('never replaces a snapshot with an older one', async () => {
      const { store } = makeStore(testDb());
      const handler = new CommandHandler(store);
      const stream = streamRef(newTenant(), 'Counter', newId('cnt_'));
      for (let i = 0; i < 20; i++) await handler.handle(increment(stream, { snapshot }));
      const stale = await store.load(stream);
      const at10 = { ...stale.position, version: 10 } as typeof stale.position;
      await store.writeSnapshot(at10, { stateVersion: 1, state: { count: -1, notes: [] }, idempotency: [] });
      const loaded = await store.load(stream, { snapshot });
      expect(loaded.snapshot).toMatchObject({ version: 20, state: { count: 20 } });
    });

    it('ignores a snapshot of another state version', async () => {
      const { store } = makeStore(testDb());
      const handler = new CommandHandler(store);
      const stream = streamRef(newTenant(), 'Counter', newId('cnt_'));
      for (let i = 0; i < 10; i++) await handler.handle(increment(stream, { snapshot }));
      const loaded = await store.load(stream, { snapshot: { stateVersion: 2 } });
      expect(loaded.snapshot).toBeUndefined();
      expect(loaded.events).toHaveLength(10);
    });

    it('seals a snapshot of personal state, and falls back to the events once the subject is erased', async () => {
      const { store } = makeStore(testDb());
      const handler = new CommandHandler(store);
      const tenant = newTenant();
      const stream = streamRef(tenant, 'Counter', newId('cnt_'));
      const sealed = { ...snapshot, subject: () => 'usr_ada' };
      const note = { type: 'WriteNote', text: 'call Dr. Okafor', author: 'usr_ada' } as const;
      for (let i = 0; i < 10; i++) await handler.handle(increment(stream, { snapshot: sealed, command: note }));
      expect((await store.load(stream, { snapshot: sealed })).snapshot?.version).toBe(10);

      await store.eraseSubject(tenant, 'usr_ada');
      const afterErasure = await makeStore(testDb()).store.load(stream, { snapshot: sealed });
      expect(afterErasure.snapshot).toBeUndefined();
      expect(afterErasure.events.every((e) => (e.data as { text: string }).text === '[erased]')).toBe(true);
    });
  });

  it('asks authorize first: a refusal answers before a repeated key or a stale version could', async () => {
    const { store } = makeStore(testDb());
    const handler = new CommandHandler(store);
    const stream = streamRef(newTenant(), 'Counter', newId('cnt_'));
    await handler.handle(increment(stream, { idempotencyKey: 'k1' }));
    const refuse = () => {
      throw new Error('not yours');
    };
    await expect(handler.handle(increment(stream, { idempotencyKey: 'k1', authorize: refuse }))).rejects.toThrow(
      'not yours',
    );
    await expect(handler.handle(increment(stream, { expectedVersion: 7, authorize: refuse }))).rejects.toThrow(
      'not yours',
    );
    expect((await store.load(stream)).position.version).toBe(1);
    const seen: CounterState[] = [];
    await handler.handle(increment(stream, { authorize: (state) => void seen.push(state) }));
    expect(seen).toEqual([{ count: 1, notes: [] }]); // the state as loaded, before this command
  });

  it("returns the stream's whole history after the command, as a fresh load reads it", async () => {
    const { store } = makeStore(testDb());
    const handler = new CommandHandler(store);
    const stream = streamRef(newTenant(), 'Counter', newId('cnt_'));
    await handler.handle(increment(stream));
    const result = await handler.handle(increment(stream, { idempotencyKey: 'h' }));
    const { events } = await store.load(stream);
    expect(result.history).toEqual(events);
    const repeated = await handler.handle(increment(stream, { idempotencyKey: 'h' }));
    expect(repeated.repeated).toBe(true);
    expect(repeated.history).toEqual(events);
  });
});
