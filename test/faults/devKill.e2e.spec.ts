import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DevState, readDevState } from '@app/dev';
import { freePort, localClientConfig } from '@app/local';
import { until } from '@app/streams/fixtures';
import { ViewTable } from '@app/views';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Gql, gqlAt } from '../e2e/harness.ts';
import { type Person, setUpUniversity, type University } from '../e2e/university.ts';
import { DevProcess, running } from './devProcess.ts';
import { countBy, type StoredEvent, storedEvents } from './tables.ts';
import {
  type Ack,
  expectAcknowledgedOnce,
  expectViewsAgree,
  lagging,
  type Mutation,
  mutationText,
  QUESTIONS,
  streamOfAnswer,
} from './workload.ts';

// `pnpm dev` killed with SIGKILL in the middle of a load, on a store persisted in a folder of
// the test's own, then started again on it: every write it acknowledged is there after the
// restart, the views catch up with the store, and a write whose answer never came is there at
// most once, and exactly once after the student sends it again with the same key.

let dataDir: string;
let ports: { api: number; dynamo: number };
let dev: DevProcess;
let gql: Gql;
let university: University;
const acks: Ack[] = [];
interface Sent {
  readonly person: Person;
  readonly mutation: Mutation;
  readonly input: Record<string, unknown> & { readonly idempotencyKey: string };
}
/** Every command sent before the crash, by key. */
const sent = new Map<string, Sent>();
/** Commands sent when the server died: no answer, or not one without errors. */
const unanswered: Sent[] = [];
let killedWith: number[] = [];

const startDev = async () => {
  const started = new DevProcess(dataDir, ports);
  const ms = await started.healthy(`http://127.0.0.1:${ports.api}/health`, 60_000).catch((error: unknown) => {
    started.kill();
    throw error;
  });
  console.info(`pnpm dev healthy in ${ms} ms`);
  return started;
};

/** Tokens from the dev server's own issuer, as a frontend gets them in dev. */
const devIssuer = {
  token: async (claims: { sub: string; roles: readonly string[]; tenantId?: string }) => {
    const response = await fetch(`http://127.0.0.1:${ports.api}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub: claims.sub, roles: claims.roles, tenant_id: claims.tenantId }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { token: string }).token;
  },
};

let keys = 0;
let dying = false;
/** One command; undefined once the server is gone (what the student then holds is an unanswered command). */
const send = async (person: Person, mutation: Mutation, input: Record<string, unknown>): Promise<Ack | undefined> => {
  if (dying) return undefined;
  const withKey = { ...input, idempotencyKey: `load-${++keys}` };
  sent.set(withKey.idempotencyKey, { person, mutation, input: withKey });
  const result = await gql(person.token, mutationText(mutation), { input: withKey }).catch(() => undefined);
  if (!result || result.errors) {
    unanswered.push({ person, mutation, input: withKey });
    return undefined;
  }
  const ack = {
    key: withKey.idempotencyKey,
    student: person.id,
    mutation,
    streamId: streamOfAnswer(result.data, mutation),
  };
  acks.push(ack);
  return ack;
};

/** A student adding contacts, planning an interview with each and preparing it, until the server dies. */
const writer = async (person: Person, n: number) => {
  for (let i = 0; !dying; i++) {
    const contact = await send(person, 'addContact', { name: `Pat ${n}-${i}`, company: 'Acme', source: 'ALUMNI' });
    if (!contact) return;
    const interview = await send(person, 'planInterview', { contactId: contact.streamId, goals: ['Learn the field'] });
    if (!interview) return;
    for (const [text, topic] of QUESTIONS.slice(0, 2)) {
      if (!(await send(person, 'addQuestion', { interviewId: interview.streamId, text, topic }))) return;
    }
  }
};

const listening = (port: number) =>
  new Promise<boolean>((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => done(!socket.destroy()));
    socket.once('error', () => done(false));
  });

/** The store as the restarted server left it, read with a client of the test's own. */
const stored = async (state: DevState): Promise<StoredEvent[]> => {
  const client = new DynamoDBClient(localClientConfig(state.endpoint));
  try {
    return (await storedEvents(client, state.tables.events)).filter((e) => e.tenantId === university.tenantId);
  } finally {
    client.destroy();
  }
};

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'dev-kill-'));
  ports = { api: await freePort(), dynamo: await freePort() };
  dev = await startDev();
  gql = gqlAt(`http://127.0.0.1:${ports.api}/graphql`);
  const operator = await devIssuer.token({ sub: 'usr_operator', roles: ['PLATFORM_ADMIN'] });
  university = await setUpUniversity(gql, devIssuer, operator, { name: 'Kill University', slug: 'kill-u' });
}, 90_000);

afterAll(async () => {
  await dev?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('pnpm dev killed with SIGKILL mid-load, then restarted on its data', () => {
  it('dies whole, DynamoDB Local with it, with writes in flight', async () => {
    const writers = university.students.flatMap((s, i) => [0, 1, 2].map((j) => writer(s, i * 3 + j)));
    await until(() => acks.length >= 30, 20_000, '30 acknowledged writes');
    const processes = dev.processes();
    killedWith = processes.map((p) => p.pid);
    // at least the server and DynamoDB Local (and DynamoDB Local's watchdog, while it runs)
    expect(processes.map((p) => p.kind)).toEqual(expect.arrayContaining(['server', 'dynamodb']));
    dying = true;
    dev.kill();
    await Promise.all(writers);
    console.info(`${acks.length} writes acknowledged, ${unanswered.length} in flight when it died`);
    expect(unanswered.length).toBeGreaterThan(0);
    await until(() => running(killedWith).length === 0, 10_000, `the processes ${killedWith} ending`);
    expect([await listening(ports.api), await listening(ports.dynamo)]).toEqual([false, false]);
  });

  it('keeps every acknowledged write, and an unanswered one at most once, then once when sent again', async () => {
    dev = await startDev();
    const state = readDevState(dataDir) as DevState;
    expect(state.endpoint).toBe(`http://127.0.0.1:${ports.dynamo}`);
    const before = countBy(await stored(state), (e) => e.idempotencyKey);
    expect(acks.filter((a) => before.get(a.key) !== 1)).toEqual([]);
    const landed = unanswered.filter((u) => before.has(u.input.idempotencyKey));
    console.info(`${landed.length} of the ${unanswered.length} unanswered writes had landed`);
    expect(unanswered.map((u) => before.get(u.input.idempotencyKey) ?? 0).filter((n) => n > 1)).toEqual([]);

    // the students send again what got no answer, and what was answered last (as a client that
    // missed those answers would): the keys recorded before the crash hold after it
    const acknowledged = new Map(acks.map((a) => [a.key, a]));
    const again = [...unanswered, ...acks.slice(-6).map((a) => sent.get(a.key) as Sent)];
    for (const { person, mutation, input } of again) {
      const result = await gql(person.token, mutationText(mutation), { input });
      expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
      const streamId = streamOfAnswer(result.data, mutation);
      const first = acknowledged.get(input.idempotencyKey);
      if (first) expect(streamId).toBe(first.streamId);
      else acks.push({ key: input.idempotencyKey, student: person.id, mutation, streamId });
    }
    expectAcknowledgedOnce(await stored(state), acks, 'load-');
  });

  it('catches the views up with the store', async () => {
    const state = readDevState(dataDir) as DevState;
    const client = new DynamoDBClient(localClientConfig(state.endpoint));
    try {
      const views = new ViewTable(client, state.tables.views);
      const events = await stored(state);
      const started = Date.now();
      while ((await lagging(views, events)).length > 0 && Date.now() - started < 20_000) {
        await new Promise((done) => setTimeout(done, 200));
      }
      const students = university.students.map((s) => ({ tenantId: university.tenantId, id: s.id }));
      await expectViewsAgree(views, events, acks, students);
    } finally {
      client.destroy();
    }
  });
});
