import { ERROR_CODES } from '@app/api';
import { MAX_CHARS } from '@app/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { after, type E2e, expectOk, type Gql, gqlAt, inputTypeOf, startE2e } from './harness.ts';
import { type Person, setUpUniversity, type University } from './university.ts';

// Bad input over real HTTP, as the issue requires it: malformed JSON, a 2 MB body, a note longer
// than its maximum, a depth-30 query, an invalid date, an unknown enum, an id of the wrong type —
// and their kin — each answer a clear error with the right code (DESIGN.md §7), never a 500 and
// never INTERNAL, and write nothing: the interview every write aims at keeps its version, and the
// student's contacts stay as many as they were.
//
// Statuses: DESIGN.md §7 fixes 413 for a body over 1 MB (however it is sent) and 400 for malformed
// JSON (whatever the client accepts); a JSON body that is not an object is 400 too. Where
// DESIGN.md is silent, GraphQL over HTTP decides: a request error (no query; a document that does
// not parse or validate; variables that do not coerce) answered as application/json may be 200
// (its SHOULD) or 400 (allowed); an error raised while resolving is 200 with the field null.

let e2e: E2e;
let gql: Gql;
let uni: University;
let ada: Person;
/** What the cases aim at: set up once, over the API. */
const ids = { interview: '', contact: '', cohort: '' };
/** The interview's version and the student's contact count before any case. */
const baseline = { version: 0, contacts: 0 };

const MB = 1024 * 1024;
/** The server's body limit (DESIGN.md §7). */
const BODY_LIMIT = MB;
/** Pages hold at most this many (DESIGN.md §7). */
const MAX_PAGE = 100;
/** Queries may be at most this deep (DESIGN.md §7). */
const MAX_DEPTH = 12;
/** GraphQL's Int is 32-bit signed: this is one too many. */
const INT_OVERFLOW = 2 ** 31;

/** A GraphQL request error answered as application/json: 200 by GraphQL over HTTP's SHOULD, 400 allowed. */
const REQUEST_ERROR = [200, 400] as const;
/** An error raised while resolving: the answer is a GraphQL response with the field null. */
const FIELD_ERROR = 200;

/** The error codes DESIGN.md §7 allows. */
const CODES = ERROR_CODES;
type Code = Exclude<(typeof CODES)[number], 'INTERNAL'>;

interface WireError {
  readonly message: string;
  readonly extensions?: { readonly code?: string; readonly field?: string } & Record<string, unknown>;
}
/** An answer as it came over the wire: its status and body (parsed when it is JSON, and as text). */
interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly WireError[];
  readonly text: string;
}

/** A body sent in chunks, as a stream: no Content-Length header says how big it is. */
const chunked = (body: string): ReadableStream<Uint8Array> => {
  const bytes = new TextEncoder().encode(body);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + 64 * 1024));
      offset += 64 * 1024;
    },
  });
};

/** One POST to the API, with the body exactly as given (not necessarily JSON), whole or in chunks. */
const post = async (
  body: string,
  token: string,
  { accept = 'application/json', inChunks = false }: { accept?: string | null | undefined; inChunks?: boolean } = {},
): Promise<Answer> => {
  const response = await fetch(e2e.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      ...(accept !== null && { accept }),
    },
    ...(inChunks ? { body: chunked(body), duplex: 'half' as const } : { body }),
  });
  const text = await response.text();
  let parsed: Pick<Answer, 'data' | 'errors'> = {};
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    // not JSON: the assertions say so, with the text
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', ...parsed, text };
};

/** What a case sends: a GraphQL request (as JSON), or a body as raw text (with an Accept header, or none). */
type Request =
  | { readonly query: string; readonly variables?: Record<string, unknown>; readonly as?: 'coach' }
  | { readonly raw: string; readonly accept?: string | null; readonly inChunks?: true };

interface Case {
  readonly name: string;
  /** Built when the case runs, once the ids exist. */
  readonly send: () => Request;
  /** The HTTP status, or the statuses GraphQL over HTTP allows. */
  readonly status: number | readonly number[];
  /** `errors[0].extensions.code`. */
  readonly code: Code;
  /** `errors[0].extensions.field`, where the error is about one input field. */
  readonly field?: string;
  /** What `errors[0].message` must say, so a person can act on it. */
  readonly message: RegExp;
  /** Only a query that does not parse may be called a syntax error. */
  readonly syntax?: true;
  /** A mutation: afterwards the interview's version must be unchanged (and, at the end, the contacts). */
  readonly write?: true;
}

const INTERVIEW_PAYLOAD = '{ interview { id version } advice { code } }';
/** A student mutation on an interview, with its input as a variable. */
const mutation = (name: string, input: unknown): { query: string; variables: Record<string, unknown> } => ({
  query: `mutation ($input: ${inputTypeOf(name)}!) { ${name}(input: $input) ${INTERVIEW_PAYLOAD} }`,
  variables: { input },
});
const ADD_CONTACT = 'mutation ($input: AddContactInput!) { addContact(input: $input) { contact { id } } }';
const VERSION = 'query ($id: ID!) { interview(id: $id) { version } }';
const MY_INTERVIEWS = 'query ($n: Int) { myInterviews(first: $n) { edges { node { id } } } }';
const NOTE = 'Read their 2025 annual report';

// times in the past, counted from a start 20 days ago
const start = Math.floor((Date.now() - 20 * 86_400_000) / 60_000) * 60_000;
const at = (days: number, hours = 0) => after(start, days, hours);

/** A query `levels` deep: the student's contacts, each one's referrer's referrer's … (a Contact's referredBy is a Contact). */
const deepQuery = (levels: number, first = 20) => {
  const nested = levels - 4; // myContacts > edges > node > referredBy × nested > id
  return `{ myContacts(first: ${first}) { edges { node { ${'referredBy { '.repeat(nested)}id${' }'.repeat(nested)} } } } }`;
};

const CASES: readonly Case[] = [
  // the body: not JSON, too big, not a GraphQL request
  {
    name: 'malformed JSON (Accept: application/json)',
    send: () => ({ raw: '{"query": "{ viewer { userId } }"' }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: /JSON/,
  },
  {
    name: 'malformed JSON (no Accept header)',
    send: () => ({ raw: '{"query": "{ viewer { userId } }"', accept: null }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: /JSON/,
  },
  {
    name: 'malformed JSON (Accept: application/graphql-response+json)',
    send: () => ({ raw: '{"query": "{ viewer { userId } }"', accept: 'application/graphql-response+json' }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: /JSON/,
  },
  {
    name: 'a 2 MB body (valid JSON: a note of 2 MB)',
    send: () => ({
      raw: JSON.stringify(mutation('recordNotes', { interviewId: ids.interview, notes: 'n'.repeat(2 * MB) })),
    }),
    status: 413,
    code: 'BAD_USER_INPUT',
    message: new RegExp(`body is \\d+ bytes; at most ${BODY_LIMIT}`),
    write: true,
  },
  {
    name: 'a 2 MB body sent in chunks (no Content-Length)',
    send: () => ({
      raw: JSON.stringify(mutation('recordNotes', { interviewId: ids.interview, notes: 'n'.repeat(2 * MB) })),
      inChunks: true,
    }),
    status: 413,
    code: 'BAD_USER_INPUT',
    message: new RegExp(`at most ${BODY_LIMIT}`),
    write: true,
  },
  {
    name: 'a JSON body that is a string, not an object',
    send: () => ({ raw: JSON.stringify('{ viewer { userId } }') }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: /object/,
  },
  {
    name: 'a JSON body that is an array (a batch)',
    send: () => ({ raw: JSON.stringify([{ query: '{ viewer { userId } }' }]) }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: /[Bb]atch/,
  },
  {
    name: 'a JSON object with no query',
    send: () => ({ raw: JSON.stringify({ variables: { id: ids.interview } }) }),
    // GraphQL over HTTP allows 200 or 400 here; DESIGN.md §7 is silent
    status: [200, 400],
    code: 'BAD_USER_INPUT',
    message: /query/,
  },
  // the document
  {
    name: 'a query that does not parse',
    send: () => ({ query: '{ viewer { userId }' }),
    status: REQUEST_ERROR,
    code: 'BAD_USER_INPUT',
    message: /Syntax Error: Expected Name, found <EOF>/,
    syntax: true,
  },
  {
    name: 'a depth-30 query',
    send: () => ({ query: deepQuery(30) }),
    status: REQUEST_ERROR,
    code: 'BAD_USER_INPUT',
    // the documented limit is the depth; a cost over the limit says what is wrong too
    message: /depth|[Cc]ost/,
  },
  {
    name: `a query one level deeper than ${MAX_DEPTH} (and cheap)`,
    send: () => ({ query: deepQuery(MAX_DEPTH + 1, 1) }),
    status: REQUEST_ERROR,
    code: 'BAD_USER_INPUT',
    message: new RegExp(`[Dd]epth.*${MAX_DEPTH}`),
  },
  {
    name: 'too many aliases (40)',
    send: () => ({ query: `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: viewer { userId }`).join(' ')} }` }),
    status: REQUEST_ERROR,
    code: 'BAD_USER_INPUT',
    message: /[Aa]liases limit of \d+ exceeded/,
  },
  {
    name: 'an unknown field in the query',
    send: () => ({ query: '{ viewer { userId password } }' }),
    status: REQUEST_ERROR,
    code: 'BAD_USER_INPUT',
    message: /"password".*"Viewer"/,
  },
  {
    name: 'an unknown field in an input',
    send: () => mutation('addResearchNote', { interviewId: ids.interview, text: NOTE, colour: 'red' }),
    status: REQUEST_ERROR,
    code: 'BAD_USER_INPUT',
    message: /"colour" is not defined by type "AddResearchNoteInput"/,
    write: true,
  },
  // lengths and empty strings
  {
    name: `a note longer than its maximum (${MAX_CHARS.notes + 1} characters)`,
    send: () => mutation('recordNotes', { interviewId: ids.interview, notes: 'n'.repeat(MAX_CHARS.notes + 1) }),
    status: FIELD_ERROR,
    code: 'BAD_USER_INPUT',
    field: 'notes',
    message: new RegExp(`notes: at most ${MAX_CHARS.notes} characters, got ${MAX_CHARS.notes + 1}`),
    write: true,
  },
  {
    name: 'a contact name longer than its maximum',
    send: () => ({
      query: ADD_CONTACT,
      variables: { input: { name: 'N'.repeat(MAX_CHARS.name + 1), source: 'ALUMNI' } },
    }),
    status: FIELD_ERROR,
    code: 'BAD_USER_INPUT',
    field: 'name',
    message: new RegExp(`name: at most ${MAX_CHARS.name} characters`),
    write: true,
  },
  {
    name: 'a contact name of only spaces',
    send: () => ({ query: ADD_CONTACT, variables: { input: { name: '    ', source: 'ALUMNI' } } }),
    status: FIELD_ERROR,
    code: 'BAD_USER_INPUT',
    field: 'name',
    message: /name.*(empty|required|at least)/,
    write: true,
  },
  // times
  {
    name: 'an invalid date (sentAt 2026-13-45T99:00:00Z)',
    send: () =>
      mutation('recordOutreach', { interviewId: ids.interview, channel: 'EMAIL', sentAt: '2026-13-45T99:00:00Z' }),
    status: REQUEST_ERROR,
    code: 'BAD_USER_INPUT',
    field: 'sentAt',
    message: /sentAt.*"2026-13-45T99:00:00Z" is not an ISO 8601 time/,
    write: true,
  },
  {
    name: 'a date in words (sentAt "yesterday")',
    send: () => mutation('recordOutreach', { interviewId: ids.interview, channel: 'EMAIL', sentAt: 'yesterday' }),
    status: REQUEST_ERROR,
    code: 'BAD_USER_INPUT',
    field: 'sentAt',
    message: /sentAt.*"yesterday" is not an ISO 8601 time/,
    write: true,
  },
  {
    name: 'a date far out of range (sentAt in the year 10000)',
    send: () =>
      mutation('recordOutreach', { interviewId: ids.interview, channel: 'EMAIL', sentAt: '+010000-01-01T00:00:00Z' }),
    status: REQUEST_ERROR,
    code: 'BAD_USER_INPUT',
    field: 'sentAt',
    message: /sentAt.*"\+010000-01-01T00:00:00Z" is not an ISO 8601 time/,
    write: true,
  },
  {
    name: 'a meeting held in the year 9999 (a valid instant, in the future)',
    send: () =>
      mutation('recordMeetingHeld', {
        interviewId: ids.interview,
        heldAt: '9999-12-31T10:00:00Z',
        durationMinutes: 30,
      }),
    status: FIELD_ERROR,
    code: 'BAD_USER_INPUT',
    field: 'heldAt',
    message: /heldAt: is in the future/,
    write: true,
  },
  // enums
  {
    name: 'an unknown enum value (channel: CARRIER_PIGEON) in a variable',
    send: () =>
      mutation('logKeepInTouch', {
        interviewId: ids.interview,
        at: at(2),
        kind: 'CHECK_IN',
        channel: 'CARRIER_PIGEON',
      }),
    status: REQUEST_ERROR,
    code: 'BAD_USER_INPUT',
    message: /input\.channel.*"CARRIER_PIGEON" does not exist in "Channel" enum/,
    write: true,
  },
  {
    name: 'an unknown enum value (channel: CARRIER_PIGEON) in the query',
    send: () => ({
      query: `mutation ($id: ID!) { recordThankYou(input: { interviewId: $id, channel: CARRIER_PIGEON, sentAt: "${at(2)}" }) ${INTERVIEW_PAYLOAD} }`,
      variables: { id: ids.interview },
    }),
    status: REQUEST_ERROR,
    code: 'BAD_USER_INPUT',
    message: /"CARRIER_PIGEON" does not exist in "Channel" enum/,
    write: true,
  },
  // ids
  {
    name: 'a contact id (con_…) passed as interviewId',
    send: () => mutation('addResearchNote', { interviewId: ids.contact, text: NOTE }),
    status: FIELD_ERROR,
    code: 'NOT_FOUND',
    message: /no interview con_/,
    write: true,
  },
  {
    name: 'a contact id (con_…) passed to interview(id:)',
    send: () => ({ query: VERSION, variables: { id: ids.contact } }),
    status: FIELD_ERROR,
    code: 'NOT_FOUND',
    message: /no interview con_/,
  },
  {
    name: 'a cohort id (coh_…) passed to student(id:), by its coach',
    send: () => ({
      query: 'query ($id: ID!) { student(id: $id) { id name } }',
      variables: { id: ids.cohort },
      as: 'coach',
    }),
    status: FIELD_ERROR,
    code: 'NOT_FOUND',
    message: /no student coh_/,
  },
  {
    name: 'an interviewId with characters no id may have',
    send: () => mutation('addResearchNote', { interviewId: 'int_../../x#y z', text: NOTE }),
    status: FIELD_ERROR,
    code: 'BAD_USER_INPUT',
    field: 'interviewId',
    message: /"int_\.\.\/\.\.\/x#y z"/,
    write: true,
  },
  {
    name: 'an id with characters no id may have, to interview(id:)',
    send: () => ({ query: VERSION, variables: { id: 'int_01ABC#Interview#x' } }),
    status: FIELD_ERROR,
    code: 'BAD_USER_INPUT',
    field: 'id',
    message: /"int_01ABC#Interview#x"/,
  },
  {
    name: 'an interviewId of 5,000 characters',
    send: () => mutation('addResearchNote', { interviewId: `int_${'0'.repeat(4_996)}`, text: NOTE }),
    status: FIELD_ERROR,
    code: 'BAD_USER_INPUT',
    field: 'interviewId',
    message: /interviewId: at most 160 characters, got 5000/,
    write: true,
  },
  {
    name: 'an id of 5,000 characters, to interview(id:)',
    send: () => ({ query: VERSION, variables: { id: 'x'.repeat(5_000) } }),
    status: FIELD_ERROR,
    code: 'BAD_USER_INPUT',
    field: 'id',
    message: /id: at most 160 characters, got 5000/,
  },
  // numbers
  {
    name: 'first: 1000 on myInterviews, in the query',
    send: () => ({ query: '{ myInterviews(first: 1000) { edges { node { id } } } }' }),
    status: FIELD_ERROR,
    code: 'BAD_USER_INPUT',
    field: 'first',
    message: new RegExp(`first: between 0 and ${MAX_PAGE}`),
  },
  {
    name: 'first: 1000 on myInterviews, as a variable',
    send: () => ({ query: MY_INTERVIEWS, variables: { n: 1000 } }),
    status: FIELD_ERROR,
    code: 'BAD_USER_INPUT',
    field: 'first',
    message: new RegExp(`first: between 0 and ${MAX_PAGE}`),
  },
  {
    name: `first: ${MAX_PAGE + 1} on myInterviews`,
    send: () => ({ query: `{ myInterviews(first: ${MAX_PAGE + 1}) { edges { node { id } } } }` }),
    status: FIELD_ERROR,
    code: 'BAD_USER_INPUT',
    field: 'first',
    message: new RegExp(`first: between 0 and ${MAX_PAGE}`),
  },
  {
    name: 'first: -1 on myInterviews',
    send: () => ({ query: '{ myInterviews(first: -1) { edges { node { id } } } }' }),
    status: FIELD_ERROR,
    code: 'BAD_USER_INPUT',
    field: 'first',
    message: new RegExp(`first: between 0 and ${MAX_PAGE}`),
  },
  {
    name: 'first: 2.5, an Int that is not an integer',
    send: () => ({ query: MY_INTERVIEWS, variables: { n: 2.5 } }),
    status: REQUEST_ERROR,
    code: 'BAD_USER_INPUT',
    message: /\$n.*Int cannot represent non-integer value: 2\.5/,
  },
  {
    name: `first: ${INT_OVERFLOW} (2^31) in the query, too big for a GraphQL Int`,
    send: () => ({ query: `{ myInterviews(first: ${INT_OVERFLOW}) { edges { node { id } } } }` }),
    status: REQUEST_ERROR,
    code: 'BAD_USER_INPUT',
    message: new RegExp(`Int cannot represent non 32-bit signed integer value: ${INT_OVERFLOW}`),
  },
  {
    name: `a meeting of ${INT_OVERFLOW} (2^31) minutes, too big for a GraphQL Int`,
    send: () =>
      mutation('scheduleMeeting', {
        interviewId: ids.interview,
        startsAt: at(25),
        durationMinutes: INT_OVERFLOW,
        format: 'VIDEO',
      }),
    status: REQUEST_ERROR,
    code: 'BAD_USER_INPUT',
    message: new RegExp(
      `input\\.durationMinutes.*Int cannot represent non 32-bit signed integer value: ${INT_OVERFLOW}`,
    ),
    write: true,
  },
  {
    name: 'a negative meeting duration',
    send: () =>
      mutation('scheduleMeeting', {
        interviewId: ids.interview,
        startsAt: at(25),
        durationMinutes: -30,
        format: 'VIDEO',
      }),
    status: FIELD_ERROR,
    code: 'BAD_USER_INPUT',
    field: 'durationMinutes',
    message: /durationMinutes: must be a whole number of minutes from 1 to \d+, got -30/,
    write: true,
  },
  // required fields and variables
  {
    name: 'a missing required input field (channel)',
    send: () => mutation('recordThankYou', { interviewId: ids.interview, sentAt: at(2) }),
    status: REQUEST_ERROR,
    code: 'BAD_USER_INPUT',
    message: /"channel" of required type "Channel!" was not provided/,
    write: true,
  },
  {
    name: 'a missing required variable',
    send: () => ({ query: VERSION, variables: {} }),
    status: REQUEST_ERROR,
    code: 'BAD_USER_INPUT',
    message: /"\$id" of required type "ID!" was not provided/,
  },
  {
    name: 'a variable of the wrong type (a string for an Int)',
    send: () => ({ query: MY_INTERVIEWS, variables: { n: 'ten' } }),
    status: REQUEST_ERROR,
    code: 'BAD_USER_INPUT',
    message: /\$n.*Int cannot represent non-integer value: "ten"/,
  },
  {
    name: 'a variable declared with the wrong type (a String where an Int goes)',
    send: () => ({
      query: 'query ($n: String) { myInterviews(first: $n) { edges { node { id } } } }',
      variables: { n: '5' },
    }),
    status: REQUEST_ERROR,
    code: 'BAD_USER_INPUT',
    message: /"\$n" of type "String" used in position expecting type "Int"/,
  },
  {
    name: 'an input of the wrong type (a string for the input object)',
    send: () => mutation('recordNotes', 'notes, please'),
    status: REQUEST_ERROR,
    code: 'BAD_USER_INPUT',
    message: /Expected type "RecordNotesInput" to be an object/,
    write: true,
  },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The interview's version, as its student reads it (from the store). */
const versionNow = async (): Promise<number> =>
  expectOk(await gql(ada.token, VERSION, { id: ids.interview })).interview.version as number;

/** How many contacts the student's list shows (from the views). */
const contactsNow = async (): Promise<number> =>
  expectOk(await gql(ada.token, '{ myContacts(first: 100) { edges { node { id } } } }')).myContacts.edges.length;

/** One of the student's mutations, which must succeed. */
const step = async (name: string, input: Record<string, unknown>) => {
  const { query, variables } = mutation(name, input);
  return expectOk(await gql(ada.token, query, variables))[name];
};

beforeAll(async () => {
  e2e = await startE2e();
  gql = gqlAt(e2e.url);
  const operator = await e2e.issuer.token({ sub: 'usr_operator', roles: ['PLATFORM_ADMIN'] });
  uni = await setUpUniversity(gql, e2e.issuer, operator, { name: 'West University', slug: 'west-u' });
  ada = uni.students[0];
  ids.cohort = uni.cohortId;

  // one student's interview: a contact, a plan, an outreach
  ids.contact = expectOk(
    await gql(ada.token, ADD_CONTACT, {
      input: { name: 'Pat Okafor', title: 'Product Lead', company: 'Acme Analytics', source: 'ALUMNI' },
    }),
  ).addContact.contact.id;
  ids.interview = (
    await step('planInterview', { contactId: ids.contact, goals: ['Learn how product teams decide'] })
  ).interview.id;
  await step('recordOutreach', {
    interviewId: ids.interview,
    channel: 'EMAIL',
    sentAt: at(0),
    message: 'Dear Ms. Okafor, would you have 20 minutes next week to tell me how you got into product? Thank you, Ada',
  });
  // and a yes: the interview takes a meeting now, so a meeting's bad duration or time is refused
  // for what it is, not for the interview's state
  await step('recordReply', { interviewId: ids.interview, receivedAt: at(1), outcome: 'ACCEPTED' });

  baseline.version = await versionNow();
  expect(baseline.version).toBe(3);
  // the list comes from the views: wait for the contact to show (expect.poll works inside tests only)
  await e2e.stack.drain();
  for (const until = Date.now() + 5_000; (await contactsNow()) !== 1 && Date.now() < until; ) await sleep(50);
  baseline.contacts = await contactsNow();
  expect(baseline.contacts).toBe(1);
});

afterAll(async () => {
  await e2e?.stop();
});

const statusText = (status: Case['status']) => (typeof status === 'number' ? `${status}` : status.join('|'));

describe('bad input over HTTP: a clear error with the right code, never a 500, and nothing written', () => {
  it('covers every kind of bad input the issue names, each case once', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  for (const c of CASES) {
    it(`${c.name} → ${statusText(c.status)} ${c.code}${c.field ? ` (${c.field})` : ''}`, async () => {
      const request = c.send();
      const answer =
        'raw' in request
          ? await post(request.raw, ada.token, { accept: request.accept, inChunks: request.inChunks === true })
          : await post(
              JSON.stringify({ query: request.query, variables: request.variables ?? {} }),
              request.as === 'coach' ? uni.coach.token : ada.token,
            );
      const shown = `${answer.status} ${answer.text.slice(0, 600)}`;

      // never a server error, never INTERNAL: a JSON answer with errors of the codes DESIGN.md §7 names
      expect(answer.status, shown).toBeLessThan(500);
      expect(answer.contentType, shown).toMatch(/json/);
      expect(answer.errors?.length, shown).toBeGreaterThan(0);
      for (const error of answer.errors ?? []) {
        expect(error.extensions?.code, shown).not.toBe('INTERNAL');
        expect(CODES, shown).toContain(error.extensions?.code);
      }

      // the right code and status, the field it is about, and a message a person can act on (each
      // checked softly: a case reports every way it is wrong, and still checks that nothing was written)
      const first = answer.errors?.[0];
      expect.soft(first?.extensions?.code, `code: ${shown}`).toBe(c.code);
      if (typeof c.status === 'number') expect.soft(answer.status, `status: ${shown}`).toBe(c.status);
      else expect.soft(c.status, `status: ${shown}`).toContain(answer.status);
      if (c.field !== undefined) expect.soft(first?.extensions?.field, `extensions.field: ${shown}`).toBe(c.field);
      expect.soft(first?.message, `message: ${shown}`).toMatch(c.message);
      if (!c.syntax) expect.soft(first?.message, `no syntax error: ${shown}`).not.toMatch(/Syntax Error/);
      // nothing of what was asked for came back
      for (const value of Object.values(answer.data ?? {})) expect(value, shown).toBeNull();

      // and nothing was written
      if (c.write) expect(await versionNow(), 'the interview is unchanged').toBe(baseline.version);
    });
  }

  it('wrote nothing: the interview and the student’s contacts are as they were', async () => {
    expect(await versionNow()).toBe(baseline.version);
    await e2e.stack.drain();
    // lists come from the views, which may lag: watch them for a while, not once
    const seen: number[] = [];
    for (const until = Date.now() + 3_000; Date.now() < until; await sleep(200)) seen.push(await contactsNow());
    expect(new Set(seen)).toEqual(new Set([baseline.contacts]));
  });

  it('takes the same writes with good input, so the refusals above were the input’s', async () => {
    const scheduled = await step('scheduleMeeting', {
      interviewId: ids.interview,
      startsAt: at(25),
      durationMinutes: 30,
      format: 'VIDEO',
    });
    expect(scheduled.interview.version).toBe(baseline.version + 1);
    expectOk(await gql(ada.token, ADD_CONTACT, { input: { name: 'Sam Lee', source: 'CLASSMATE' } }));
    await expect.poll(contactsNow, { timeout: 5_000, interval: 50 }).toBe(baseline.contacts + 1);
  });
});
