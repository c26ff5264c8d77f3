import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTenantId } from '@app/core';
import { startApiServer } from '@app/dev';
import { pruneGenerations, rebuildViews, ViewTable, viewsStore } from '@app/views';
import { type AttributeValue, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { after, codes, type E2e, expectOk, type Gql, gqlAt, inputTypeOf, startE2e } from './harness.ts';
import { type Person, setUpUniversity, type University } from './university.ts';

// Erasing a student's data at its request (DESIGN.md §8), end to end over HTTP: a student who
// wrote something personal in every place personal data goes, and a second student beside it.
// Every personal value of the erased student carries the marker "Quillfeather", the other
// student's "Brightwater". Before the erasure the marker is readable through the API and found
// in plain text nowhere (the events table, the views, the integration events); after it, it is
// readable nowhere, the cohort's figures are what they were (a views rebuild included), the other
// student's data is untouched, and the student cannot sign in.

const MARK = /quillfeather/i;
const CONTROL = 'Brightwater';

let e2e: E2e;
let gql: Gql;
let north: University;
let zeph: Person;
let control: Person;
const ids = { contact: '', referred: '', third: '', first: '', second: '' };
const before = { analytics: undefined as unknown, interviews: undefined as unknown };

// the student logs everything after the fact, from a start 30 days ago; deadlines due by the
// test's start fire once (their outcomes in the log and the views), and then the clock stands
const start = Math.floor((Date.now() - 30 * 86_400_000) / 60_000) * 60_000;
const at = (days: number, hours = 0) => after(start, days, hours);
const today = new Date().toISOString().slice(0, 10);
const range = { from: at(-2).slice(0, 10), to: today };

type Item = Record<string, AttributeValue>;

/** Every item of a table, raw. */
const scan = async (table: string): Promise<Item[]> => {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await e2e.stack.client.send(
      new ScanCommand({ TableName: table, ...(start && { ExclusiveStartKey: start }) }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

/** The items (or anything) whose JSON carries the marker in plain text. */
const leaks = (things: readonly unknown[]): string[] =>
  things.map((thing) => JSON.stringify(thing)).filter((text) => MARK.test(text));

/** Each place plain text could be kept: neither may hold the marker. */
const expectNoPlainMarker = async () => {
  const { tables } = e2e.stack;
  expect(leaks(await scan(tables.events)), 'the events table').toEqual([]);
  expect(leaks(await scan(tables.views)), 'the views table').toEqual([]);
  expect(leaks(e2e.stack.bus.published), 'the integration events').toEqual([]);
};

/** Until every deadline due by the stopped clock has fired and everything is projected. */
const settle = async () => {
  do await e2e.stack.drain();
  while ((await e2e.stack.pollDeadlines()) > 0);
  await e2e.stack.drain();
};

const mutate = async (who: Person, name: string, input: Record<string, unknown>, select: string) =>
  expectOk(
    await gql(who.token, `mutation ($input: ${inputTypeOf(name)}!) { ${name}(input: $input) { ${select} } }`, {
      input,
    }),
  )[name];
const step = (interviewId: string, name: string, input: Record<string, unknown> = {}) =>
  mutate(zeph, name, { interviewId, ...input }, 'interview { id version }');
const addContact = async (who: Person, input: Record<string, unknown>) =>
  (await mutate(who, 'addContact', { source: 'ALUMNI', company: 'Acme', ...input }, 'contact { id }')).contact
    .id as string;
const plan = async (who: Person, contactId: string, goal: string) =>
  (await mutate(who, 'planInterview', { contactId, goals: [goal] }, 'interview { id }')).interview.id as string;

/** Zephyrine writes something personal in every place it goes, across three contacts and two interviews. */
const seedZephyrine = async () => {
  ids.contact = await addContact(zeph, {
    name: 'Pat Quillfeather',
    email: 'pat.quillfeather@acme.example',
    title: 'Quillfeather Director',
  });
  ids.first = await plan(zeph, ids.contact, 'Quillfeather goal: how product teams decide');
  const first = (name: string, input: Record<string, unknown> = {}) => step(ids.first, name, input);
  await first('addResearchNote', { text: 'Quillfeather research: read their blog' });
  await first('addQuestion', { text: 'How did you start, Quillfeather-wise?', topic: 'HOW_THEY_STARTED' });
  await first('recordOutreach', {
    channel: 'EMAIL',
    sentAt: at(0),
    message: 'Dear Pat, may I ask you about your work? Quillfeather outreach. Would 20 minutes suit you?',
    proposedTimes: [at(3)],
  });
  await first('recordReply', { receivedAt: at(1), outcome: 'ACCEPTED' });
  await first('scheduleMeeting', {
    startsAt: at(3),
    durationMinutes: 20,
    format: 'IN_PERSON',
    location: 'Quillfeather Cafe',
  });
  await first('recordMeetingHeld', { heldAt: at(3, 1), durationMinutes: 20, askedForReferrals: true });
  await first('recordNotes', {
    notes: 'Quillfeather notes',
    impressions: 'Quillfeather impressions',
    writtenAt: at(3, 2),
  });
  await first('recordThankYou', { sentAt: at(3, 5), channel: 'EMAIL' });
  await first('recordCommitment', { description: 'Quillfeather promise: send the article', dueAt: at(5) });
  const referral = await mutate(
    zeph,
    'recordReferral',
    { interviewId: ids.first, name: 'Sam Quillfeather', email: 'sam.quillfeather@beta.example', company: 'Beta' },
    'contact { id }',
  );
  ids.referred = referral.contact.id;
  await first('logKeepInTouch', { at: at(10), kind: 'CAREER_UPDATE', channel: 'EMAIL', note: 'Quillfeather update' });

  // the referred contact: an outreach that does not name the referrer (who is advised to), a
  // meeting set and cancelled, a voided note, and the interview closed
  ids.second = await plan(zeph, ids.referred, 'Quillfeather goal: meet the referral');
  const second = (name: string, input: Record<string, unknown> = {}) => step(ids.second, name, input);
  const noted = await second('addResearchNote', { text: 'Quillfeather research, logged on the wrong interview' });
  await second('voidEntry', { version: noted.interview.version, reason: 'Quillfeather void reason' });
  await second('recordOutreach', { channel: 'EMAIL', sentAt: at(11), proposedTimes: [at(14)] });
  await second('recordReply', { receivedAt: at(12), outcome: 'ACCEPTED' });
  await second('scheduleMeeting', {
    startsAt: at(14),
    durationMinutes: 20,
    format: 'VIDEO',
    location: 'Quillfeather room',
  });
  await second('cancelMeeting', { reason: 'Quillfeather cancel reason' });
  await second('closeInterview', { outcome: 'Quillfeather outcome' });

  ids.third = await addContact(zeph, { name: 'Quillfeather Third' });
  await mutate(
    zeph,
    'updateContactDetails',
    { contactId: ids.third, title: 'Quillfeather new title' },
    'contact { id }',
  );
  await mutate(
    zeph,
    'archiveContact',
    { contactId: ids.third, reason: 'Quillfeather archive reason' },
    'contact { id }',
  );
};

const ANALYTICS = `query ($id: ID!, $from: Date!, $to: Date!) { cohort(id: $id) { analytics(from: $from, to: $to) {
  studentsEnrolled activeStudents contactsAdded outreachSent followUpsSent repliesReceived meetingsScheduled
  meetingsHeld thankYousSent referralsReceived commitmentsMade commitmentsFulfilled outreachAbandoned replyRate
  meetingLengthComplianceRate averageQuestionsPrepared thankYouOnTimeRate medianHoursToThankYou
  commitmentsFulfilledRate funnel { stage count } series(granularity: WEEK) { start outreachSent meetingsHeld thankYousSent referralsReceived }
  atRiskStudents { student { id } reasons } } } }`;
const analytics = async () =>
  expectOk(await gql(north.coach.token, ANALYTICS, { id: north.cohortId, ...range })).cohort.analytics;

const CONTACT = 'id name title email company archived referredBy { name } referrals { name }';
/** Everything of a student an admin or a coach may read. */
const STUDENT = `query ($id: ID!) { student(id: $id) {
  id name email nudges { kind code message interview { id } }
  progress { contacts outreachSent repliesReceived meetingsHeld thankYousSent referralsReceived openCommitments }
  interviews(first: 5) { edges { node { id status goals outreachMessage researchNotes notes { notes impressions }
    questions { text topic } commitments { description dueAt } timeline { version type }
    contact { ${CONTACT} } } } } } }`;
const NODES = `query ($ids: [ID!]!) { nodes(ids: $ids) {
  id ... on Contact { ${CONTACT} } ... on Interview { goals questions { text } commitments { description } } } }`;
const MEMBER = 'query ($id: ID!) { node(id: $id) { ... on Member { name email status } } }';
/** The student as each of its readers reads it, with the nodes of its contacts and interviews. */
const reads = async (studentId: string, nodeIds: readonly string[]) =>
  Promise.all(
    [north.admin, north.coach].flatMap((reader) => [
      gql(reader.token, STUDENT, { id: studentId }),
      gql(reader.token, NODES, { ids: nodeIds }),
    ]),
  );
const studentInterviews = (read: { data: { student: { interviews: { edges: { node: unknown }[] } } } }) =>
  read.data.student.interviews.edges.map((e) => e.node);

const ERASE =
  'mutation ($input: EraseStudentDataInput!) { eraseStudentData(input: $input) { member { id name email roles status } } }';

beforeAll(async () => {
  e2e = await startE2e({ deadlinesAt: Date.now() });
  gql = gqlAt(e2e.url);
  const operator = await e2e.issuer.token({ sub: 'usr_operator', roles: ['PLATFORM_ADMIN'] });
  north = await setUpUniversity(gql, e2e.issuer, operator, { name: 'North University', slug: 'north-u' });
  control = north.students[1];
  const { member } = await mutate(
    north.admin,
    'inviteMember',
    { email: 'zephyrine.quillfeather@north-u.example', name: 'Zephyrine Quillfeather', role: 'STUDENT' },
    'member { id }',
  );
  await mutate(north.admin, 'enrollStudent', { cohortId: north.cohortId, studentId: member.id }, 'cohort { id }');
  const tenantId = parseTenantId(north.tenantId);
  zeph = {
    id: member.id,
    role: 'STUDENT',
    token: await e2e.issuer.token({ sub: member.id, roles: ['STUDENT'], tenantId }),
  };
  await seedZephyrine();
  const theirs = await addContact(control, { name: `${CONTROL} Contact`, email: 'kit.brightwater@gamma.example' });
  await plan(control, theirs, `${CONTROL} goal`);
  await settle();
}, 120_000);

afterAll(async () => {
  await e2e?.stop();
});

describe("erasing a student's data at its request", () => {
  it('before: what the student wrote reads back through the API, and lies in plain text nowhere', async () => {
    const [admin, adminNodes, coach] = await reads(zeph.id, [ids.contact, ids.referred, ids.first]);
    for (const read of [admin, adminNodes, coach]) expect(read?.errors).toBeUndefined();
    expect(admin?.data.student).toMatchObject({
      name: 'Zephyrine Quillfeather',
      email: 'zephyrine.quillfeather@north-u.example',
    });
    expect(leaks([coach?.data]).length).toBe(1); // the coach sees names, goals, questions, commitments
    await expectNoPlainMarker();
    before.analytics = await analytics();
    before.interviews = studentInterviews(coach as never).map((i) => ({ ...(i as object) }));
    expect(before.analytics).toMatchObject({ studentsEnrolled: 3, meetingsHeld: 1, referralsReceived: 1 });
  });

  it('is for tenant admins only, of students only', async () => {
    const input = { studentId: zeph.id };
    for (const who of [north.coach, control, zeph])
      expect(codes(await gql(who.token, ERASE, { input }))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(north.admin.token, ERASE, { input: { studentId: north.coach.id } }))).toEqual(['NOT_FOUND']);
    expect((await gql(north.admin.token, STUDENT, { id: zeph.id })).data.student.name).toBe('Zephyrine Quillfeather');
  });

  it('erases: the student is marked ERASED, once however often asked', async () => {
    const input = { studentId: zeph.id, idempotencyKey: 'erase-zephyrine' };
    const erased = expectOk(await gql(north.admin.token, ERASE, { input })).eraseStudentData;
    expect(erased.member).toEqual({
      id: zeph.id,
      name: '[erased]',
      email: '[erased]',
      roles: ['STUDENT'],
      status: 'ERASED',
    });
    expect(expectOk(await gql(north.admin.token, ERASE, { input })).eraseStudentData).toEqual(erased);
    expect(expectOk(await gql(north.admin.token, ERASE, { input: { studentId: zeph.id } })).eraseStudentData).toEqual(
      erased,
    );
    await settle();
  });

  it('leaves the marker nowhere: not in the events table (whose key item is a tombstone), the views or the bus', async () => {
    await expectNoPlainMarker();
    const keyItems = (await scan(e2e.stack.tables.events)).filter((i) => i.kind?.S === 'dataKey');
    const erasedKey = keyItems.find((i) => i.pk?.S?.endsWith(`#DataKey#${zeph.id}`));
    expect(erasedKey?.erasedAt?.S).toBeDefined();
    expect(erasedKey?.wrapped).toBeUndefined();
    // every other student's key is still there
    expect(keyItems.filter((i) => i.wrapped).length).toBe(keyItems.length - 1);
  });

  it('reads as [erased] for its admin and its coach, never an error', async () => {
    const answers = [
      ...(await reads(zeph.id, [ids.contact, ids.referred, ids.third, ids.first, ids.second])),
      await gql(north.admin.token, MEMBER, { id: zeph.id }),
    ];
    for (const answer of answers) expect(answer?.errors, JSON.stringify(answer?.errors)).toBeUndefined();
    expect(leaks(answers)).toEqual([]);
    const [admin, adminNodes, , , member] = answers;
    expect(admin?.data.student).toMatchObject({ name: '[erased]', email: '[erased]' });
    expect(member?.data.node).toEqual({ name: '[erased]', email: '[erased]', status: 'ERASED' });
    expect(adminNodes?.data.nodes[0]).toMatchObject({
      name: '[erased]',
      title: '[erased]',
      email: '[erased]',
      company: 'Acme',
    });
    const first = (
      studentInterviews(admin as never) as {
        id: string;
        questions: { text: string }[];
        commitments: { description: string }[];
      }[]
    ).find((i) => i.id === ids.first);
    expect(first?.questions.map((q) => q.text)).toEqual(['[erased]']);
    expect(first?.commitments.map((c) => c.description)).toEqual(['[erased]']);
    // its interviews keep their statuses, timelines and contacts: only the words are gone
    const shape = (i: Record<string, unknown>) => ({ id: i.id, status: i.status, timeline: i.timeline });
    expect(studentInterviews(admin as never).map((i) => shape(i as never))).toEqual(
      (before.interviews as Record<string, unknown>[]).map(shape),
    );
  });

  it('keeps the cohort figures, and a rebuild of the views from the log does too, with no marker', async () => {
    expect(await analytics()).toEqual(before.analytics);
    const { client, tables } = e2e.stack;
    const tenantId = parseTenantId(north.tenantId);
    const views = new ViewTable(client, tables.views);
    const store = viewsStore({ client, eventsTable: tables.events, viewsTable: tables.views });
    const rebuilt = await rebuildViews({ store, views, eventsTable: tables.events, tenantId });
    expect(rebuilt.generation).toBeGreaterThan(rebuilt.previous);
    await pruneGenerations({ views, tenantId });
    expect(await analytics()).toEqual(before.analytics);
    expect(leaks(await scan(tables.views))).toEqual([]);
  });

  it("leaves the other student's data as it was", async () => {
    const read = expectOk(await gql(north.coach.token, STUDENT, { id: control.id })).student;
    expect(read.interviews.edges[0].node.goals).toEqual([`${CONTROL} goal`]);
    expect(read.interviews.edges[0].node.contact).toMatchObject({
      name: `${CONTROL} Contact`,
      email: 'kit.brightwater@gamma.example',
    });
  });

  it("records who erased it, in the student's member stream and to other systems (ids only)", async () => {
    const member = (await scan(e2e.stack.tables.events))
      .filter((i) => i.pk?.S?.endsWith(`#Member#${zeph.id}`) && i.kind?.S === 'event')
      .sort((a, b) => Number(a.sk?.N) - Number(b.sk?.N));
    expect(member.map((i) => i.type?.S)).toEqual(['MemberInvited', 'MemberRemoved', 'MemberDataErased']);
    const audit = member[2] as Item;
    expect(JSON.parse(audit.data?.S as string)).toEqual({ erasedBy: north.admin.id });
    expect(JSON.parse(audit.meta?.S as string)).toMatchObject({
      actor: { userId: north.admin.id, role: 'TENANT_ADMIN' },
    });
    const published = e2e.stack.bus.published.filter((e) => e.detail.streamId === zeph.id);
    expect(published.map((e) => e.detailType)).toEqual([
      'Member.MemberInvited.v1',
      'Member.MemberRemoved.v1',
      'Member.MemberDataErased.v1',
    ]);
  });

  it('signs the student out, and takes nothing personal for it again', async () => {
    // a server that had not seen the student's token (each keeps a member's roles for a minute)
    const dir = mkdtempSync(join(tmpdir(), 'erasure-e2e-'));
    writeFileSync(join(dir, 'issuer.jwk'), JSON.stringify(await e2e.issuer.exportPrivateJwk()));
    const fresh = await startApiServer({
      client: e2e.stack.client,
      tables: e2e.stack.tables,
      masterKeyFile: join(dir, 'master.key'),
      issuerKeyFile: join(dir, 'issuer.jwk'),
      port: 0,
      logger: { info: () => {}, error: () => {} },
    });
    try {
      const refused = await gqlAt(fresh.url)(zeph.token, '{ viewer { userId } }');
      expect(codes(refused)).toEqual(['UNAUTHENTICATED']);
    } finally {
      await fresh.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    // the same email again is the same person, whose data is gone: refused, and said why
    const again = await gql(
      north.admin.token,
      'mutation ($input: InviteMemberInput!) { inviteMember(input: $input) { member { id } } }',
      {
        input: { email: 'zephyrine.quillfeather@north-u.example', name: 'Zephyrine Quillfeather', role: 'STUDENT' },
      },
    );
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'INVALID_TRANSITION' });
    expect(again.errors?.[0]?.message).toMatch(/erased/);
    await settle();
    await expectNoPlainMarker();
  });
});
