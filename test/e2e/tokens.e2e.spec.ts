import { DEV_CLIENT_ID, DEV_ISSUER, DevIssuer, type Role } from '@app/api';
import type { TenantId } from '@app/core';
import { ScanCommand, type ScanCommandInput } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2e, expectOk, type Gql, type GqlResult, gqlAt, startE2e } from './harness.ts';
import { OWNER_READS } from './isolation.ts';
import { hmacWithPublicKey, selfSigned, tampered, unsigned } from './tokensForge.ts';
import { type Person, setUpUniversity, type University } from './university.ts';

// Tokens the API must not accept, over real HTTP: expired or not yet valid, of another issuer or
// client, not an access token, unsigned, tampered with, signed by a key the API does not hold,
// claiming a tenant or a role the user does not have, of a removed member, and Authorization
// headers that are not a bearer token. Each is answered UNAUTHENTICATED (HTTP 200, no data, the
// reason in words and nothing an attacker could use), to a write and to a read, and nothing is
// written. auth.unit.spec.ts holds the Authenticator's own cases; this is the proof that the
// server applies it to every request.

let e2e: E2e;
let gql: Gql;
let a: University;
let b: University;
/** A student of A invited and removed before its token was ever shown to the API. */
let removed: Person;
let interviewId: string;

const ada = () => a.students[0];

/** A token of the API's own issuer, for Ada (a student of A) unless told otherwise. */
const token = (
  over: {
    sub?: string;
    roles?: Role[];
    tenantId?: string | null;
    expiresIn?: number;
    extra?: Record<string, unknown>;
  } = {},
) =>
  e2e.issuer.token({
    sub: over.sub ?? ada().id,
    roles: over.roles ?? ['STUDENT'],
    ...(over.tenantId !== null && { tenantId: (over.tenantId ?? a.tenantId) as TenantId }),
    ...(over.expiresIn !== undefined && { expiresIn: over.expiresIn }),
    ...(over.extra && { extra: over.extra }),
  });

/**
 * The write each token would be allowed if it were accepted: a note on Ada's interview (her own
 * tokens), a new contact (a student's token for someone else, or in another tenant), a cohort
 * (an admin's), a university (the operator's).
 */
type Writer = 'note' | 'contact' | 'cohort' | 'tenant';
const WRITES: Record<Writer, { query: string; variables: () => Record<string, unknown> }> = {
  note: {
    query: 'mutation ($input: AddResearchNoteInput!) { addResearchNote(input: $input) { interview { version } } }',
    variables: () => ({ input: { interviewId, text: 'Written with a bad token' } }),
  },
  contact: {
    query: 'mutation ($input: AddContactInput!) { addContact(input: $input) { contact { id } } }',
    variables: () => ({ input: { name: 'Mallory', source: 'COLD' } }),
  },
  cohort: {
    query: 'mutation ($input: CreateCohortInput!) { createCohort(input: $input) { cohort { id } } }',
    variables: () => ({ input: { name: 'Forged cohort', term: '2026F' } }),
  },
  tenant: {
    query: 'mutation ($input: ProvisionTenantInput!) { provisionTenant(input: $input) { tenant { id } } }',
    variables: () => ({
      input: {
        name: 'Forged U',
        slug: 'forged-u',
        adminEmail: 'x@forged.example',
        adminName: 'X',
        idempotencyKey: 'f',
      },
    }),
  },
};
/** Anyone signed in may read it, so a token that got through would be answered with data. */
const READ = '{ viewer { userId roles tenant { id name } } }';

const EXPIRED = 'the token has expired: sign in again';
const UNVERIFIED = 'the token could not be verified';
const OTHER_CLIENT = 'the token was issued to another client';
const NOT_MEMBER = 'the user is not a member of this tenant';
const NOT_HELD = 'the token claims a role the member does not hold';
const NO_HEADER = 'sign in: the request has no Authorization header';
const NOT_BEARER = 'the Authorization header must be "Bearer <token>"';

interface Case {
  readonly name: string;
  /** The Authorization header sent; `undefined` sends none. */
  readonly header: () => Promise<string | undefined>;
  readonly message: string;
  readonly writer: Writer;
}

const withToken = (name: string, jwt: () => Promise<string>, message: string, writer: Writer = 'note'): Case => ({
  name,
  header: async () => `Bearer ${await jwt()}`,
  message,
  writer,
});
const withHeader = (name: string, header: () => string | undefined, message: string): Case => ({
  name,
  header: async () => header(),
  message,
  writer: 'contact',
});
const inAnHour = () => Math.floor(Date.now() / 1_000) + 3_600;

const CASES: readonly Case[] = [
  withToken('expired', () => token({ expiresIn: -120 }), EXPIRED),
  withToken('not yet valid (nbf in an hour)', () => token({ extra: { nbf: inAnHour() } }), UNVERIFIED),
  withToken('of another issuer', () => token({ extra: { iss: 'https://cognito-idp.example/other-pool' } }), UNVERIFIED),
  withToken('issued to another client_id', () => token({ extra: { client_id: 'another-app' } }), OTHER_CLIENT),
  withToken('with no client_id', () => token({ extra: { client_id: undefined } }), OTHER_CLIENT),
  withToken(
    'an id token (token_use id)',
    () => token({ extra: { token_use: 'id', aud: DEV_CLIENT_ID } }),
    'the token is not an access token',
  ),
  withToken('unsigned (alg none)', async () => unsigned(await token()), UNVERIFIED),
  withToken(
    "HS256 keyed with the issuer's public key",
    async () => hmacWithPublicKey(await token(), e2e.issuer.publicKey),
    UNVERIFIED,
  ),
  withToken(
    "tampered: B's tenant_id put in after signing",
    async () => tampered(await token(), { tenant_id: b.tenantId }),
    UNVERIFIED,
  ),
  withToken(
    'tampered: TENANT_ADMIN put in after signing',
    async () => tampered(await token(), { roles: ['TENANT_ADMIN'] }),
    UNVERIFIED,
    'cohort',
  ),
  withToken(
    'signed by another key (another dev issuer)',
    async () =>
      (await DevIssuer.create()).token({ sub: ada().id, roles: ['STUDENT'], tenantId: a.tenantId as TenantId }),
    UNVERIFIED,
  ),
  withToken('signed by a key it carries in its own header (jwk)', async () => selfSigned(await token()), UNVERIFIED),
  withToken(
    'a student token with no tenant_id',
    () => token({ tenantId: null }),
    'the token names no tenant (tenant_id)',
  ),
  withToken(
    "an operator's token with a tenant_id",
    () => token({ sub: 'usr_operator', roles: ['PLATFORM_ADMIN'] }),
    "an operator's token carries no tenant and no other role",
    'tenant',
  ),
  withToken('of a member the admin removed', async () => removed.token, NOT_MEMBER, 'contact'),
  withToken("a student's sub claiming COACH", () => token({ roles: ['COACH'] }), NOT_HELD, 'cohort'),
  withToken("a student's sub claiming TENANT_ADMIN", () => token({ roles: ['TENANT_ADMIN'] }), NOT_HELD, 'cohort'),
  withToken(
    "a student's sub claiming STUDENT and TENANT_ADMIN",
    () => token({ roles: ['STUDENT', 'TENANT_ADMIN'] }),
    NOT_HELD,
    'cohort',
  ),
  withToken("a student of A naming B's tenant_id", () => token({ tenantId: b.tenantId }), NOT_MEMBER, 'contact'),
  withToken(
    "A's admin naming B's tenant_id",
    () => token({ sub: a.admin.id, roles: ['TENANT_ADMIN'], tenantId: b.tenantId }),
    NOT_MEMBER,
    'cohort',
  ),
  withHeader('no Authorization header', () => undefined, NO_HEADER),
  withHeader('an empty Authorization header', () => '', NO_HEADER),
  withHeader('"Bearer" and no token', () => 'Bearer', NOT_BEARER),
  withHeader('a valid token without "Bearer"', () => ada().token, NOT_BEARER),
  withHeader('Basic credentials', () => `Basic ${Buffer.from('ada:secret').toString('base64')}`, NOT_BEARER),
  withHeader('a valid token and a second word', () => `Bearer ${ada().token} extra`, NOT_BEARER),
  withHeader('garbage after "Bearer"', () => 'Bearer %%not-a-jwt%%', UNVERIFIED),
];

/** One POST with exactly this Authorization header (or none), as a client would send it. */
const post = async (authorization: string | undefined, query: string, variables: Record<string, unknown> = {}) => {
  const response = await fetch(e2e.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(authorization !== undefined && { authorization }),
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as Omit<GqlResult, 'status'>) };
};

/** How many items the events table holds, every tenant's and the platform's: any write adds one. */
const itemsInStore = async (): Promise<number> => {
  let count = 0;
  let start: ScanCommandInput['ExclusiveStartKey'];
  do {
    const page = await e2e.stack.client.send(
      new ScanCommand({ TableName: e2e.stack.tables.events, Select: 'COUNT', ExclusiveStartKey: start }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
};

/** What would help an attacker: the verifier's settings, the library's words, a stack, ids, the token itself. */
const leaks = (authorization: string | undefined) => [
  DEV_ISSUER,
  DEV_CLIENT_ID,
  'ES256',
  'JWS',
  'JWK',
  '"exp"',
  'ERR_',
  '    at ',
  a.tenantId,
  b.tenantId,
  ada().id,
  ...(authorization?.match(/[\w-]{20,}/g) ?? []),
];

/** UNAUTHENTICATED, with no data, the reason, and nothing more. */
const expectUnauthenticated = (result: GqlResult, message: string, authorization: string | undefined) => {
  const seen = JSON.stringify(result);
  expect(result.status, seen).toBe(200);
  expect(result.data, seen).toBeNull();
  expect(
    result.errors?.map((e) => ({ message: e.message, extensions: e.extensions })),
    seen,
  ).toEqual([{ message, extensions: { code: 'UNAUTHENTICATED' } }]);
  expect(
    leaks(authorization).filter((s) => seen.includes(s)),
    seen,
  ).toEqual([]);
};

/** What valid tokens read of A and B: the interview's version, A's cohort and members, B's tenant. */
const controlRead = async () => ({
  interview: expectOk(await gql(ada().token, OWNER_READS.interview.query, { id: interviewId })),
  cohort: expectOk(await gql(a.admin.token, OWNER_READS.cohort.query, { id: a.cohortId })),
  members: expectOk(await gql(a.admin.token, '{ members(first: 100) { edges { node { id roles status } } } }')),
  b: expectOk(await gql(b.admin.token, '{ tenant { id slug } cohorts(first: 20) { edges { node { id } } } }')),
});

let before: { items: number; read: Awaited<ReturnType<typeof controlRead>> };

beforeAll(async () => {
  e2e = await startE2e({ deadlinesAt: Date.now() });
  gql = gqlAt(e2e.url);
  const operator = await e2e.issuer.token({ sub: 'usr_operator', roles: ['PLATFORM_ADMIN'] });
  a = await setUpUniversity(gql, e2e.issuer, operator, { name: 'North University', slug: 'north-u' });
  b = await setUpUniversity(gql, e2e.issuer, operator, { name: 'South University', slug: 'south-u' });
  const contactId = expectOk(
    await gql(ada().token, 'mutation ($input: AddContactInput!) { addContact(input: $input) { contact { id } } }', {
      input: { name: 'Pat Okafor', source: 'ALUMNI' },
    }),
  ).addContact.contact.id;
  interviewId = expectOk(
    await gql(
      ada().token,
      'mutation ($input: PlanInterviewInput!) { planInterview(input: $input) { interview { id } } }',
      { input: { contactId, goals: ['Learn how product teams decide'] } },
    ),
  ).planInterview.interview.id;
  // Invited and removed before its token is ever shown: the API caches a member's roles for up to
  // a minute (DESIGN.md §7), so a token used before the removal would still pass that long.
  const invited = expectOk(
    await gql(
      a.admin.token,
      'mutation ($input: InviteMemberInput!) { inviteMember(input: $input) { member { id } } }',
      {
        input: { email: 'remy@north-u.example', name: 'Rémy', role: 'STUDENT' },
      },
    ),
  ).inviteMember.member.id as string;
  removed = { id: invited, role: 'STUDENT', token: await token({ sub: invited }) };
  const removal = expectOk(
    await gql(
      a.admin.token,
      'mutation ($input: RemoveMemberInput!) { removeMember(input: $input) { member { id roles status } } }',
      { input: { memberId: invited, reason: 'left the program' } },
    ),
  );
  // its token claims just what the member held: valid until the removal
  expect(removal.removeMember.member).toEqual({ id: invited, roles: ['STUDENT'], status: 'REMOVED' });
  await e2e.stack.drain();
  before = { items: await itemsInStore(), read: await controlRead() };
  expect(before.read.interview.interview.version).toBe(1);
});

afterAll(async () => {
  await e2e?.stop();
});

describe('tokens the API must not accept, over HTTP', () => {
  // the name apart, as `%s`: vitest quotes `$name` and cuts it at 40 characters
  it.each(CASES.map((c) => [c.name, c] as const))(
    '%s: UNAUTHENTICATED to a write and a read, nothing written',
    async (_name, { header, message, writer }) => {
      const authorization = await header();
      const items = await itemsInStore();
      const write = WRITES[writer];
      expectUnauthenticated(await post(authorization, write.query, write.variables()), message, authorization);
      expectUnauthenticated(await post(authorization, READ), message, authorization);
      expect(await itemsInStore()).toBe(items);
    },
  );

  it('leaves A and B as they were, and the same check sees a write by a valid token', async () => {
    await e2e.stack.drain();
    expect(await itemsInStore()).toBe(before.items);
    expect(await controlRead()).toEqual(before.read);
    const write = WRITES.note;
    expectOk(await gql(ada().token, write.query, write.variables()));
    await e2e.stack.drain();
    expect(await itemsInStore()).toBeGreaterThan(before.items);
    const after = await controlRead();
    expect(after.interview.interview.version).toBe(before.read.interview.interview.version + 1);
    expect({ ...after, interview: before.read.interview }).toEqual(before.read);
  });
});
