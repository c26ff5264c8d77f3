import { testDb } from '@app/testing';
import { ViewTable } from '@app/views';
import { seededRandom } from '@app/views/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, type E2e, type Gql, gqlAt, startE2e } from '../e2e/harness.ts';
import { type Person, setUpUniversity, type University } from '../e2e/university.ts';
import { FaultInjector, faultyClient } from './faults.ts';
import { type StoredEvent, storedEvents } from './tables.ts';
import {
  type Ack,
  expectAcknowledgedOnce,
  expectViewsAgree,
  type Mutation,
  mutationText,
  QUESTIONS,
  streamOfAnswer,
} from './workload.ts';

// DynamoDB throttling, failing and losing answers under load: six students of three universities
// add contacts, plan interviews and prepare them all at once, over HTTP, through an API whose
// DynamoDB client meets a fault on about one attempt in ten. The students' client sends a
// command again, with the same idempotency key, when its answer failed or never came, as a
// frontend does. Then, with a clean client: every acknowledged command is in the store exactly
// once, nothing else is, and the views agree with the store.

const faults = new FaultInjector({ throttled: 0.04, serverError: 0.03, answerLost: 0.04 }, 8);
/** The share of successful answers the students' client never gets (a dropped connection, a closed laptop). */
const HTTP_ANSWER_LOST = 0.05;
const MAX_SENDS = 10;

let e2e: E2e;
let gql: Gql;
const universities: University[] = [];
const acks: Ack[] = [];
const client = { commands: 0, sends: 0, failedAnswers: 0, lostAnswers: 0 };
const loseAnswer = seededRandom(11);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
let setupEvents: StoredEvent[] = [];

let keys = 0;
/** One command as a frontend sends it: again, with the same key, until an answer arrives without errors. */
const command = async (person: Person, mutation: Mutation, input: Record<string, unknown>): Promise<Ack> => {
  const key = `load-${++keys}`;
  client.commands++;
  for (let sends = 1; sends <= MAX_SENDS; sends++) {
    client.sends++;
    const result = await gql(person.token, mutationText(mutation), { input: { ...input, idempotencyKey: key } });
    if (!result.errors) {
      if (loseAnswer() < HTTP_ANSWER_LOST) {
        client.lostAnswers++;
        continue;
      }
      const ack = { key, student: person.id, mutation, streamId: streamOfAnswer(result.data, mutation) };
      acks.push(ack);
      return ack;
    }
    // the API masks what failed below it; any other code would be the command's own fault
    expect(codes(result), JSON.stringify(result.errors)).toEqual(['INTERNAL']);
    client.failedAnswers++;
    await sleep(Math.random() * 20 * 2 ** sends);
  }
  throw new Error(`${mutation} ${key}: no answer without errors in ${MAX_SENDS} sends`);
};

/** A student's evening: two contacts, an interview with each, questions and notes at once, then the outreach. */
const studentSession = async (person: Person) => {
  const contacts = await Promise.all(
    ['Acme', 'Beta'].map((company) =>
      command(person, 'addContact', { name: `Pat of ${company}`, company, source: 'ALUMNI' }),
    ),
  );
  const interviews = await Promise.all(
    contacts.map((c) => command(person, 'planInterview', { contactId: c.streamId, goals: ['Learn the field'] })),
  );
  await Promise.all(
    interviews.flatMap((i) => [
      ...QUESTIONS.map(([text, topic]) => command(person, 'addQuestion', { interviewId: i.streamId, text, topic })),
      command(person, 'addResearchNote', { interviewId: i.streamId, text: 'Read their recent talk' }),
      command(person, 'addResearchNote', { interviewId: i.streamId, text: 'Looked at the team page' }),
    ]),
  );
  const sentAt = new Date(Date.now() - 60_000).toISOString();
  await Promise.all(
    interviews.map((i) => command(person, 'recordOutreach', { interviewId: i.streamId, channel: 'EMAIL', sentAt })),
  );
};

const tenantEvents = async () => {
  const tenants = new Set(universities.map((u) => u.tenantId));
  return (await storedEvents(testDb().client, testDb().tables.events)).filter((e) => tenants.has(e.tenantId));
};

beforeAll(async () => {
  e2e = await startE2e({ deadlinesAt: Date.now(), apiClient: faultyClient(testDb().endpoint, faults) });
  gql = gqlAt(e2e.url);
  const operator = await e2e.issuer.token({ sub: 'usr_operator', roles: ['PLATFORM_ADMIN'] });
  for (const slug of ['east-u', 'west-u', 'north-u']) {
    universities.push(await setUpUniversity(gql, e2e.issuer, operator, { name: slug, slug }));
  }
  setupEvents = await tenantEvents();

  faults.armed = true;
  const started = Date.now();
  await Promise.all(universities.flatMap((u) => u.students.map(studentSession)));
  faults.armed = false;
  console.info(
    `${client.commands} commands in ${Date.now() - started} ms: ${client.sends} sends, ` +
      `${client.failedAnswers} answered INTERNAL, ${client.lostAnswers} answers lost on the way\n${faults.summary()}`,
  );
  await e2e.stack.drain();
});

afterAll(async () => {
  await e2e?.stop();
});

describe('DynamoDB throttling, failing and losing answers under load', () => {
  it('met every kind of fault, and the SDK retried nearly all of them away', () => {
    expect(faults.counts.throttled).toBeGreaterThan(5);
    expect(faults.counts.serverError).toBeGreaterThan(5);
    expect(faults.counts.answerLost).toBeGreaterThan(5);
    // a write landed and its answer was lost: the SDK sent it again
    expect(faults.byCommand.get('answerLost PutItemCommand')).toBeGreaterThan(0);
    expect(client.lostAnswers).toBeGreaterThan(0);
    // each command makes a few DynamoDB calls, so without retries a third of them would fail
    const faulty = faults.counts.throttled + faults.counts.serverError + faults.counts.answerLost;
    expect(faulty / faults.attempts).toBeGreaterThan(0.07);
    expect(client.failedAnswers).toBeLessThanOrEqual(client.commands * 0.05);
  });

  it('stores every acknowledged command exactly once, and nothing unacknowledged', async () => {
    expect(acks).toHaveLength(108);
    const events = await tenantEvents();
    expectAcknowledgedOnce(events, acks, 'load-');
    // and nothing else was written: the setup's events are all the others
    expect(events.filter((e) => !e.idempotencyKey?.startsWith('load-'))).toHaveLength(setupEvents.length);
  });

  it('projects the same: checkpoints at each stream’s last version, and every student’s counts', async () => {
    const students = universities.flatMap((u) => u.students.map((s) => ({ tenantId: u.tenantId, id: s.id })));
    await expectViewsAgree(new ViewTable(testDb().client, testDb().tables.views), await tenantEvents(), acks, students);
  });
});
