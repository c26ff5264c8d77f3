import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ERROR_CODES, jsonLogger } from '@app/api';
import { PLATFORM, type Scope } from '@app/core';
import { type LocalStack, startApiServer, startLocalStack } from '@app/dev';
import { CHANNELS, MAX_CHARS, CONTACT_SOURCES as SOURCES, QUESTION_TOPICS as TOPICS } from '@app/domain';
import { dynamoDataKeys, EventStore, fileKeyWrapper, type Item, streamOf, streamRef } from '@app/event-store';
import { testDb } from '@app/testing';
import { domainCatalog } from '@app/views';
import { ScanCommand, type ScanCommandInput } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { after, expectOk, type Gql, gqlAt, inputTypeOf } from './harness.ts';
import { type Person, setUpUniversity } from './university.ts';

// Fuzzing the student's writes over real HTTP: inputs generated field by field (strings of every
// Unicode class, control characters, lone surrogates, very long and blank strings; huge, negative,
// fractional and non-numeric numbers; nulls for required fields; dates in and far out of range,
// and malformed; enums valid and not; ids of other shapes). Every call answers below 500, as
// JSON, with only public error codes, and either succeeds whole or writes nothing; at the end
// every event in the table passes its own schema.
//
// The stack is the one `startE2e` builds, set up here so the test knows the master key (to read
// the store) and with the deadlines off (so nothing but these calls writes).

const RUNS = 60;
const PROPERTY_TIMEOUT = 240_000;
const PUBLIC_CODES: readonly string[] = ERROR_CODES.filter((c) => c !== 'INTERNAL');

let stack: LocalStack;
let stopServer: () => Promise<void>;
let dir: string;
let url: string;
let gql: Gql;
let store: EventStore;
let ada: Person;
let tenantId: string;
const ids = { interview: '', contact: '', otherInterview: '' };
/** What each mutation answered: how many succeeded, and by which code the others were refused. */
const tally: Record<string, Record<string, number>> = {};

// ---------- arbitraries, field by field ----------

const char = (from: number, to: number) => fc.integer({ min: from, max: to }).map((c) => String.fromCharCode(c));
const loneSurrogates = fc.string({ unit: char(0xd800, 0xdfff), minLength: 1, maxLength: 8 });
const controls = fc.string({ unit: fc.oneof(char(0, 0x1f), char(0x7f, 0x9f)), minLength: 1, maxLength: 20 });
const blank = fc.constantFrom('', ' ', '   ', '\t', '\n', '\r\n', '\u00a0', '\u200b', '\u2028', '\u3000', '\ufeff');
/** Long strings around and past every maximum (the body stays under 1 MB). */
const long = fc
  .tuple(
    fc.constantFrom('x', 'é', '😀', '\u0301', 'a\u200d', ' ', '\0'),
    fc
      .constantFrom(...new Set(Object.values(MAX_CHARS).flatMap((n) => [n - 1, n, n + 1])))
      .chain((n) => fc.constantFrom(n, Math.ceil(n / 2), 50_000)),
  )
  .map(([unit, n]) => unit.repeat(n));
/** A plausible value, so that some calls get through. */
const plain = fc.constantFrom('Pat Doe', 'What did your first year look like?', 'Acme', 'Read their blog', 'x');

const anyString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: plain, weight: 14 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme-composite', maxLength: 60 }), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 60 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 60 }), weight: 1 },
  { arbitrary: controls, weight: 1 },
  { arbitrary: loneSurrogates, weight: 2 },
  { arbitrary: fc.tuple(plain, loneSurrogates).map(([a, b]) => a + b), weight: 1 },
  { arbitrary: blank, weight: 2 },
  { arbitrary: long, weight: 2 },
);
/** Things that are not what the field's type is. */
const wrongType = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.boolean(),
  fc.constant({}),
  fc.constant([]),
  fc.constant({ $ne: null }),
);
const str = fc.oneof({ arbitrary: anyString, weight: 9 }, { arbitrary: wrongType, weight: 1 });

/** Ints: in and out of 32-bit range, fractional, and (JSON cannot carry NaN) strings and nulls where an Int goes. */
const int = (good: readonly number[]) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...good), weight: 12 },
    { arbitrary: fc.integer(), weight: 2 },
    {
      arbitrary: fc.constantFrom(
        0,
        -1,
        2 ** 31 - 1,
        2 ** 31,
        -(2 ** 31),
        -(2 ** 31) - 1,
        Number.MAX_SAFE_INTEGER,
        -Number.MAX_SAFE_INTEGER,
        1e21,
        1e308,
        -1e308,
        1.5,
        -0,
        Number.MIN_VALUE,
      ),
      weight: 2,
    },
    { arbitrary: fc.double(), weight: 1 }, // NaN and ±Infinity go over JSON as null
    { arbitrary: fc.constantFrom('30', 'NaN', 'Infinity', '-1', '1e3', '0x1f', '', ' 30 '), weight: 2 },
    { arbitrary: wrongType, weight: 1 },
  );

const DAY = 86_400_000;
/** DateTimes: near now, anywhere JS can date, and malformed. */
const dateTime = (near: () => number) =>
  fc.oneof(
    { arbitrary: fc.integer({ min: -30, max: 30 }).map((d) => new Date(near() + d * DAY).toISOString()), weight: 14 },
    {
      arbitrary: fc
        .date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true })
        .map((d) => d.toISOString()),
      weight: 2,
    },
    {
      arbitrary: fc.constantFrom(
        '2026-02-30T10:00:00Z',
        '2026-13-01T00:00:00Z',
        '2026-09-01T25:00:00Z',
        '2026-09-01T10:00:00+25:00',
        '2026-09-01',
        '2026-09-01T10:00:00',
        '0000-01-01T00:00:00Z',
        '-000001-01-01T00:00:00Z',
        '+275760-09-13T00:00:00.001Z',
        '9999-12-31T23:59:59.999Z',
        '1969-12-31T23:59:59Z',
        '1970-01-01T00:00:00Z',
        'next tuesday',
        'Invalid Date',
        'NaN',
        '',
        ' ',
        '2026-09-01T10:00:00.123456789Z',
        '2026-W36-2T10:00:00Z',
      ),
      weight: 2,
    },
    { arbitrary: fc.oneof(fc.integer(), fc.constant(Date.now())), weight: 1 },
    { arbitrary: anyString, weight: 1 },
    { arbitrary: wrongType, weight: 1 },
  );

const enumOf = (...values: string[]) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...values), weight: 16 },
    { arbitrary: fc.constantFrom(...values).map((v) => v.toLowerCase()), weight: 1 },
    { arbitrary: fc.constantFrom('CARRIER_PIGEON', '', '__proto__', 'null', 'EMAIL ', '0'), weight: 1 },
    { arbitrary: anyString, weight: 1 },
    { arbitrary: wrongType, weight: 1 },
  );

const bool = fc.oneof(
  { arbitrary: fc.boolean(), weight: 4 },
  { arbitrary: fc.constantFrom('true', 0, 1, null), weight: 1 },
);

/** Ids: the right one (weighted), another stream's, one of no stream, and of every other shape. */
const idOf = (right: () => string) =>
  fc.oneof(
    { arbitrary: fc.constant(null).map(() => right()), weight: 14 },
    { arbitrary: fc.constant(null).map(() => ids.contact), weight: 1 },
    { arbitrary: fc.constant(null).map(() => ids.otherInterview), weight: 1 },
    {
      arbitrary: fc.constantFrom(
        'int_00000000000000000000000000',
        'con_00000000000000000000000000',
        'int_<script>',
        `int_${'0'.repeat(200)}`,
        'int_short',
        'int_',
        '_',
        '#',
        'ten_00000000000000000000000000#Interview#x',
        '../../etc/passwd',
        '',
      ),
      weight: 2,
    },
    { arbitrary: anyString, weight: 1 },
    { arbitrary: wrongType, weight: 1 },
  );

/** A field that may be left out (and, being optional, may be null). */
const optional = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 2 },
    { arbitrary: fc.constant(null), weight: 1 },
    { arbitrary: arb, weight: 4 },
  );
/** A required field: mostly there, sometimes missing or null. */
const required = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof(
    { arbitrary: arb, weight: 30 },
    { arbitrary: fc.constant(undefined), weight: 1 },
    { arbitrary: fc.constant(null), weight: 1 },
  );

const now = () => Date.now();
const interview = () => ids.interview;
const contact = () => ids.contact;
const commonTail = {
  idempotencyKey: optional(str),
  expectedVersion: fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 6 },
    { arbitrary: int([0, 1, 2, 3, 4, 5]), weight: 2 },
  ),
};
const list = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof(
    { arbitrary: fc.array(arb, { maxLength: 12 }), weight: 6 },
    { arbitrary: fc.array(arb, { minLength: 40, maxLength: 120 }), weight: 1 },
    { arbitrary: arb, weight: 1 }, // a single value: GraphQL coerces it into a list
    { arbitrary: fc.array(fc.oneof(arb, fc.constant(null)), { maxLength: 4 }), weight: 1 },
  );

/** The mutations under fuzz: each one's input record, and the payload it answers. */
const MUTATIONS: Record<string, { input: fc.Arbitrary<Record<string, unknown>>; payload: string }> = {
  addContact: {
    payload: '{ contact { id } }',
    input: fc.record({
      name: required(str),
      title: optional(str),
      company: optional(str),
      industry: optional(str),
      email: optional(fc.oneof(str, fc.emailAddress(), fc.constantFrom('a@b.co', 'a@@b', '@', 'a@b'))),
      source: required(enumOf(...SOURCES)),
      referredByContactId: optional(idOf(contact)),
      idempotencyKey: commonTail.idempotencyKey,
    }),
  },
  planInterview: {
    payload: '{ interview { id version } advice { code } }',
    input: fc.record({ contactId: required(idOf(contact)), goals: required(list(str)), ...commonTail }),
  },
  recordOutreach: {
    payload: '{ interview { id version } advice { code } }',
    input: fc.record({
      interviewId: required(idOf(interview)),
      channel: required(enumOf(...CHANNELS)),
      sentAt: required(dateTime(now)),
      message: optional(str),
      mentionedReferrer: optional(bool),
      statedPurpose: optional(bool),
      proposedTimes: optional(list(dateTime(now))),
      ...commonTail,
    }),
  },
  addQuestion: {
    payload: '{ interview { id version } advice { code } }',
    input: fc.record({
      interviewId: required(idOf(interview)),
      text: required(str),
      topic: required(enumOf(...TOPICS)),
      ...commonTail,
    }),
  },
  addResearchNote: {
    payload: '{ interview { id version } advice { code } }',
    input: fc.record({ interviewId: required(idOf(interview)), text: required(str), ...commonTail }),
  },
  scheduleMeeting: {
    payload: '{ interview { id version } advice { code } }',
    input: fc.record({
      interviewId: required(idOf(interview)),
      startsAt: required(dateTime(() => now() + 3 * DAY)),
      durationMinutes: required(int([20, 30, 45])),
      format: required(enumOf('IN_PERSON', 'VIDEO', 'PHONE')),
      location: optional(str),
      longerRequestedByContact: optional(bool),
      ...commonTail,
    }),
  },
  recordMeetingHeld: {
    payload: '{ interview { id version } advice { code } }',
    input: fc.record({
      interviewId: required(idOf(interview)),
      heldAt: required(dateTime(() => now() - DAY)),
      durationMinutes: required(int([20, 30])),
      askedForReferrals: optional(bool),
      ...commonTail,
    }),
  },
  recordNotes: {
    payload: '{ interview { id version } advice { code } }',
    input: fc.record({
      interviewId: required(idOf(interview)),
      notes: required(str),
      impressions: optional(str),
      interestLevel: optional(int([1, 3, 5])),
      writtenAt: optional(dateTime(now)),
      ...commonTail,
    }),
  },
  recordThankYou: {
    payload: '{ interview { id version } advice { code } }',
    input: fc.record({
      interviewId: required(idOf(interview)),
      sentAt: required(dateTime(now)),
      channel: required(enumOf(...CHANNELS)),
      ...commonTail,
    }),
  },
  recordCommitment: {
    payload: '{ interview { id version } advice { code } }',
    input: fc.record({
      interviewId: required(idOf(interview)),
      description: required(str),
      dueAt: optional(dateTime(() => now() + 7 * DAY)),
      ...commonTail,
    }),
  },
  dismissNudge: {
    payload: '{ interview { id version } advice { code } }',
    input: fc.record({
      interviewId: required(idOf(interview)),
      deadlineId: required(
        fc.oneof(fc.constantFrom('dl_00000000000000000000000000', 'FOLLOW_UP_DUE', 'THANK_YOU_OVERDUE'), str),
      ),
      ...commonTail,
    }),
  },
};

// ---------- the store, read directly ----------

/** Every event item in the table (all scopes), page by page. */
const eventItems = async (): Promise<Item[]> => {
  const items: Item[] = [];
  let start: ScanCommandInput['ExclusiveStartKey'];
  do {
    const page = await stack.client.send(
      new ScanCommand({
        TableName: stack.tables.events,
        FilterExpression: '#k = :event',
        ExpressionAttributeNames: { '#k': 'kind' },
        ExpressionAttributeValues: { ':event': { S: 'event' } },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...((page.Items ?? []) as Item[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

/** How many events the tenant holds: a failed call must leave it as it was. */
const tenantEvents = async (): Promise<number> =>
  (await eventItems()).filter((item) => item.pk?.S?.startsWith(`${tenantId}#`)).length;

const interviewVersion = async (): Promise<number> =>
  (await store.readStream(streamRef(tenantId as Scope, 'Interview', ids.interview))).length;

// ---------- one call ----------

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: whatever the mutation answers
  readonly body: { data?: any; errors?: { message: string; extensions?: { code?: string } }[] } | undefined;
}

const send = async (name: string, payload: string, input: Record<string, unknown>): Promise<Answer> => {
  const query = `mutation ($input: ${inputTypeOf(name)}!) { ${name}(input: $input) ${payload} }`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${ada.token}` },
    body: JSON.stringify({ query, variables: { input } }),
  });
  const text = await response.text();
  let body: Answer['body'];
  try {
    body = JSON.parse(text) as Answer['body'];
  } catch {
    body = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, body };
};

/** The idempotency keys that succeeded so far, by mutation: a repeat under one writes nothing. */
const succeededKeys = new Set<string>();

const property = (name: string) => {
  const { input, payload } = MUTATIONS[name] as (typeof MUTATIONS)[string];
  return fc.asyncProperty(input, async (fields) => {
    const before = { events: await tenantEvents(), version: await interviewVersion() };
    const answer = await send(name, payload, fields);
    const shown = `${answer.status} ${answer.text.slice(0, 500)}`;
    expect(answer.status, shown).toBeLessThan(500);
    expect(answer.contentType, shown).toMatch(/json/);
    expect(answer.body, `not JSON: ${shown}`).toBeTypeOf('object');
    const errors = answer.body?.errors ?? [];
    for (const error of errors) expect(PUBLIC_CODES, `a public error code: ${shown}`).toContain(error.extensions?.code);
    const succeeded = errors.length === 0;
    const counts = tally[name] ?? {};
    tally[name] = counts;
    const outcome = succeeded ? 'ok' : (errors[0]?.extensions?.code ?? '?');
    counts[outcome] = (counts[outcome] ?? 0) + 1;
    const afterCall = { events: await tenantEvents(), version: await interviewVersion() };
    if (succeeded) {
      // the whole answer, and something written
      expect(answer.status, shown).toBe(200);
      expect(answer.body?.data?.[name], shown).toBeTruthy();
      // …unless its idempotency key already succeeded for this mutation: then it can only be a
      // repeat (the same command; the expected version aside, it is answered as the first was and
      // writes nothing) — any other command under that key is refused (CONFLICT) above
      const key = typeof fields.idempotencyKey === 'string' ? `${name}|${fields.idempotencyKey}` : null;
      if (key && succeededKeys.has(key))
        expect(afterCall.events, `a repeat wrote nothing: ${shown}`).toBe(before.events);
      else expect(afterCall.events, `a success wrote an event: ${shown}`).toBeGreaterThan(before.events);
      if (key) succeededKeys.add(key);
    } else {
      // no partial answer, and nothing written
      for (const value of Object.values(answer.body?.data ?? {})) expect(value, shown).toBeNull();
      expect(afterCall, `a refused call wrote nothing: ${shown}`).toEqual(before);
    }
  });
};

// ---------- setup ----------

beforeAll(async () => {
  const db = testDb();
  dir = mkdtempSync(join(tmpdir(), 'api-fuzz-'));
  stack = await startLocalStack({ ...db, pollIntervalMs: 20, deadlines: false });
  const masterKeyFile = join(dir, 'master.key');
  const server = await startApiServer({
    client: db.client,
    tables: db.tables,
    masterKeyFile,
    issuerKeyFile: join(dir, 'issuer.jwk'),
    port: 0,
    logger: { info: () => {}, error: jsonLogger.error },
  });
  ({ url } = server);
  stopServer = server.stop;
  gql = gqlAt(url);
  store = new EventStore({
    client: db.client,
    tableName: db.tables.events,
    catalog: domainCatalog(),
    keys: dynamoDataKeys({ client: db.client, tableName: db.tables.events, wrapper: fileKeyWrapper(masterKeyFile) }),
  });
  const operator = await server.issuer.token({ sub: 'usr_operator', roles: ['PLATFORM_ADMIN'] });
  const uni = await setUpUniversity(gql, server.issuer, operator, { name: 'Fuzz University', slug: 'fuzz-u' });
  tenantId = uni.tenantId;
  ada = uni.students[0];
  const ben = uni.students[1];

  const addContact = 'mutation ($input: AddContactInput!) { addContact(input: $input) { contact { id } } }';
  const planOf = 'mutation ($input: PlanInterviewInput!) { planInterview(input: $input) { interview { id } } }';
  ids.contact = expectOk(
    await gql(ada.token, addContact, { input: { name: 'Pat Okafor', source: 'ALUMNI' } }),
  ).addContact.contact.id;
  ids.interview = expectOk(
    await gql(ada.token, planOf, { input: { contactId: ids.contact, goals: ['Learn'] } }),
  ).planInterview.interview.id;
  const start = Date.now() - 5 * DAY;
  for (const [name, input] of [
    ['recordOutreach', { channel: 'EMAIL', sentAt: after(start, 0) }],
    ['recordReply', { receivedAt: after(start, 1), outcome: 'ACCEPTED' }],
  ] as const) {
    const query = `mutation ($input: ${inputTypeOf(name)}!) { ${name}(input: $input) { interview { version } } }`;
    expectOk(await gql(ada.token, query, { input: { interviewId: ids.interview, ...input } }));
  }
  // another student's interview: an id of the right shape the student may not touch
  const bens = expectOk(await gql(ben.token, addContact, { input: { name: 'Sam Lee', source: 'COLD' } })).addContact
    .contact.id;
  ids.otherInterview = expectOk(
    await gql(ben.token, planOf, { input: { contactId: bens, goals: ['Learn'] } }),
  ).planInterview.interview.id;
  expect(await interviewVersion()).toBe(3);
}, 120_000);

afterAll(async () => {
  console.log(`fuzz outcomes per mutation (${RUNS} runs each):\n${JSON.stringify(tally, null, 1)}`);
  await stopServer?.();
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// ---------- the properties ----------

describe('fuzzed student writes over HTTP: never a 500, never INTERNAL, never a partial write', () => {
  for (const name of Object.keys(MUTATIONS)) {
    it(
      name,
      async () => {
        await fc.assert(property(name), { numRuns: RUNS, interruptAfterTimeLimit: PROPERTY_TIMEOUT - 30_000 });
      },
      PROPERTY_TIMEOUT,
    );
  }
});

describe('the event store after the fuzzing', () => {
  it('holds no event its own schema rejects', async () => {
    const items = await eventItems();
    expect(items.filter((item) => item.pk?.S?.startsWith(`${tenantId}#`)).length).toBeGreaterThan(10);
    const byScope = new Map<string, Item[]>();
    for (const item of items) {
      const scope = (item.pk?.S ?? '').split('#')[0] ?? '';
      byScope.set(scope, [...(byScope.get(scope) ?? []), item]);
    }
    const catalog = domainCatalog();
    const rejected: string[] = [];
    for (const [scope, scoped] of byScope) {
      for (const item of scoped) {
        const where = `${item.pk?.S} v${item.sk?.N} ${item.type?.S}`;
        try {
          // decoding validates (sealed personal fields are opened on first read) …
          const [event] = await store.decodeItems(scope === PLATFORM ? PLATFORM : (scope as Scope), [item]);
          if (!event) throw new Error('nothing decoded');
          expect(streamOf(item.pk?.S as string).scope).toBe(event.stream.scope);
          // … so read every field, and check the whole payload, personal fields too, as a write would
          const data = JSON.parse(JSON.stringify(event.data)) as Record<string, unknown>;
          // (what the store's `checkEvents` checks on write: the schema, the time, a subject for personal data)
          const checked = catalog.forWrite(event.type, data);
          if (!/^\d{4}-\d\d-\d\dT/.test(event.occurredAt) || Number.isNaN(Date.parse(event.occurredAt))) {
            throw new Error(`occurredAt ${JSON.stringify(event.occurredAt)} is not an ISO instant`);
          }
          if (checked.personal.length > 0 && !event.subject) throw new Error('personal data without a subject');
        } catch (error) {
          rejected.push(`${where}: ${String(error)}`);
        }
      }
    }
    expect(rejected).toEqual([]);
  }, 120_000);
});
