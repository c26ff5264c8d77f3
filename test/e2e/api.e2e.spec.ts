import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adviceOf,
  after,
  codes,
  type E2e,
  expectAdvice,
  expectOk,
  expectRefused,
  expectSameInstant,
  type Gql,
  gqlAt,
  inputTypeOf,
  missingLike,
  startE2e,
  withIdsNamed,
} from './harness.ts';
import { CALLERS, CASES, type Ids, LISTS, OPERATIONS, OWNER_READS, READ_OPERATIONS, type Target } from './isolation.ts';
import { type Person, setUpUniversity, type University } from './university.ts';

// The GraphQL API end to end: over real HTTP, with tokens of the dev issuer, on the local stack
// (DynamoDB Local, the projector following the stream). Two universities, one interview walked
// from contact to keeping in touch, then everything tenant A's that B's people and A's other
// student must not reach, idempotency, concurrency, and the lists catching up.

let e2e: E2e;
let gql: Gql;
let a: University;
let b: University;
/** Tenant A's first student: the one who walks the interview. */
let ada: Person;
const walk = { contact: '', interview: '', commitment: '', referred: '', spare: '' };

const INTERVIEW = `id version status followUpsSent meetingStartsAt meetingDurationMinutes heldAt thankYouSentAt
  nextDeadline { kind dueAt } advice { code } questions { id text topic flags }
  commitments { id description dueAt fulfilledAt } timeline { version type }`;
const READ = `query ($id: ID!) { interview(id: $id) { ${INTERVIEW} } }`;
const PLAN = `mutation ($input: PlanInterviewInput!) { planInterview(input: $input) { interview { ${INTERVIEW} } advice { code } } }`;
const ADD_QUESTION = `mutation ($input: AddQuestionInput!) {
  addQuestion(input: $input) { interview { ${INTERVIEW} } advice { code } }
}`;

/** One of the student's interview mutations on the walked interview: the interview after it, and its advice. */
const step = async (name: string, input: Record<string, unknown>) => {
  const query = `mutation ($input: ${inputTypeOf(name)}!) { ${name}(input: $input) { interview { ${INTERVIEW} } advice { code } } }`;
  return expectOk(await gql(ada.token, query, { input: { interviewId: walk.interview, ...input } }))[name];
};
const read = async (id: string) => expectOk(await gql(ada.token, READ, { id })).interview;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

beforeAll(async () => {
  e2e = await startE2e({ deadlinesAt: start });
  gql = gqlAt(e2e.url);
  const operator = await e2e.issuer.token({ sub: 'usr_operator', roles: ['PLATFORM_ADMIN'] });
  a = await setUpUniversity(gql, e2e.issuer, operator, { name: 'North University', slug: 'north-u' });
  b = await setUpUniversity(gql, e2e.issuer, operator, { name: 'South University', slug: 'south-u' });
  ada = a.students[0];
});

afterAll(async () => {
  await e2e?.stop();
});

// The walk runs on the real clock: every time the student gives is in the past, counted from a
// start 30 days ago.
const start = Math.floor((Date.now() - 30 * 86_400_000) / 60_000) * 60_000;
const at = (days: number, hours = 0) => after(start, days, hours);

const GOOD_QUESTIONS: readonly [string, string][] = [
  ['How did you get started in product management?', 'HOW_THEY_STARTED'],
  ['What career paths do people in your role usually follow?', 'CAREER_PATHS'],
  ['How do you keep a healthy work-life balance?', 'LIFESTYLE'],
  ['Which skills matter most for someone starting out in this field?', 'QUALIFICATIONS'],
  ['What advice would you give a student who wants to do this work?', 'ADVICE'],
  ['What does a typical week look like for you?', 'DAILY_WORK'],
  ['What do you enjoy most about the culture of your team?', 'CULTURE'],
  ['How is your industry changing over the next five years?', 'INDUSTRY'],
  ['Which projects have taught you the most?', 'ROLE'],
  ['How does your organization decide what to build next?', 'ORGANIZATION'],
  ['What do you wish you had known in your first year?', 'ADVICE'],
  ['Whom else would you suggest I talk to?', 'OTHER'],
];

describe('an interview over HTTP, from a contact to keeping in touch', () => {
  it('reaches out: the plan, a linted outreach, a follow-up too soon, and a quick yes', async () => {
    const added = expectOk(
      await gql(
        ada.token,
        `mutation ($input: AddContactInput!) { addContact(input: $input) { contact { id name source } advice { code } } }`,
        { input: { name: 'Pat Okafor', title: 'Product Lead', company: 'Acme Analytics', source: 'ALUMNI' } },
      ),
    ).addContact;
    expect(added.contact).toMatchObject({ name: 'Pat Okafor', source: 'ALUMNI' });
    walk.contact = added.contact.id;

    const planned = expectOk(
      await gql(ada.token, PLAN, { input: { contactId: walk.contact, goals: ['Learn how product teams decide'] } }),
    ).planInterview;
    walk.interview = planned.interview.id;
    expect(planned.interview).toMatchObject({ version: 1, status: 'PLANNED' });
    expectAdvice(planned, { absent: ['DEFINE_GOALS'] });
    // nothing prepared yet: the interview says so
    expectAdvice(planned.interview, {
      present: ['QUESTION_COUNT', 'BASIC_TOPICS', 'ROLE_AND_ORG', 'RESEARCH_FIRST'],
      absent: ['DEFINE_GOALS'],
    });

    const message = [
      'Dear Dr. Okafor,',
      'I am a third-year economics student and would love to learn from your experience in product management.',
      'Would you have 20 minutes for a call one day next week? I am looking for a job at your company.',
      'Thank you, Ada',
    ].join('\n');
    const outreach = await step('recordOutreach', {
      channel: 'EMAIL',
      sentAt: at(0),
      message,
      proposedTimes: [at(5)],
      expectedVersion: 1,
    });
    expect(outreach.interview).toMatchObject({ version: 2, status: 'AWAITING_REPLY' });
    expectAdvice(outreach, {
      present: ['OUTREACH_MENTIONS_JOB', 'PROPOSE_TIMES'],
      absent: [
        'OUTREACH_TOO_LONG',
        'OUTREACH_NO_QUESTION',
        'FORMAL_SALUTATION',
        'STATE_PURPOSE',
        'MEETING_WINDOW',
        'NO_CASUAL_CHANNEL',
        'MENTION_REFERRER',
      ],
    });
    expect(outreach.interview.nextDeadline.kind).toBe('FOLLOW_UP_DUE');
    expectSameInstant(outreach.interview.nextDeadline.dueAt, at(7));

    const followUp = await step('recordFollowUp', { channel: 'EMAIL', sentAt: at(2) });
    expectAdvice(followUp, { present: ['FOLLOW_UP_TOO_SOON'], absent: ['NO_CASUAL_CHANNEL'] });
    expect(followUp.interview.followUpsSent).toBe(1);
    // the one follow-up allowed is spent: no answer a week after it ends the outreach
    expect(followUp.interview.nextDeadline.kind).toBe('OUTREACH_ABANDONED');
    expectSameInstant(followUp.interview.nextDeadline.dueAt, at(9));

    const reply = await step('recordReply', { receivedAt: at(2, 12), outcome: 'ACCEPTED' });
    expect(reply.interview.status).toBe('ACCEPTED');
    expectAdvice(reply, { present: ['BOOSTER'] });
    expect(reply.interview.nextDeadline).toBeNull();
  });

  it('prepares: a meeting scheduled, research and questions until no preparation advice is left', async () => {
    const scheduled = await step('scheduleMeeting', { startsAt: at(9), durationMinutes: 20, format: 'VIDEO' });
    expect(scheduled.interview).toMatchObject({ status: 'SCHEDULED', meetingDurationMinutes: 20 });
    expectAdvice(scheduled, {
      present: ['QUESTION_COUNT', 'RESEARCH_FIRST'],
      absent: ['MEETING_LENGTH', 'MEETING_WINDOW'],
    });

    const researched = await step('addResearchNote', { text: 'Read the product blog and the last annual report.' });
    expectAdvice(researched.interview, { absent: ['RESEARCH_FIRST'] });

    let last = researched;
    for (const [text, topic] of GOOD_QUESTIONS) {
      last = await step('addQuestion', { text, topic });
      expect(adviceOf(last), text).toEqual([]);
      if (last.interview.questions.length === 11) expect(adviceOf(last.interview)).toEqual(['QUESTION_COUNT']);
    }
    // twelve questions over every basic topic, the role and the organization, after research
    expect(last.interview.questions).toHaveLength(12);
    expect(last.interview.advice).toEqual([]);

    const pay = await step('addQuestion', { text: 'What is the starting salary for this role?', topic: 'OTHER' });
    expectAdvice(pay, { present: ['ASKS_ABOUT_PAY'], absent: ['ASKS_FOR_JOB', 'LAZY_QUESTION', 'QUESTION_COUNT'] });
    expect(pay.interview.questions.at(-1)).toMatchObject({ topic: 'OTHER', flags: ['ASKS_ABOUT_PAY'] });
    expect(pay.interview.advice).toEqual([]);
  });

  it('meets, thanks, keeps a promise and in touch; the referral adds to the network', async () => {
    const held = await step('recordMeetingHeld', { heldAt: at(9), durationMinutes: 40, askedForReferrals: true });
    expect(held.interview.status).toBe('HELD');
    expectAdvice(held, { present: ['MEETING_LENGTH', 'OVERSTAYED'], absent: ['ASK_FOR_REFERRALS'] });
    expect(held.interview.nextDeadline.kind).toBe('THANK_YOU_OVERDUE');
    expectSameInstant(held.interview.nextDeadline.dueAt, at(10));

    const notes = await step('recordNotes', { notes: 'They decide from customer interviews.', writtenAt: at(9, 2) });
    expectAdvice(notes, { absent: ['NOTES_AFTER'] });

    const thanked = await step('recordThankYou', { sentAt: at(9, 3), channel: 'EMAIL' });
    expect(thanked.interview.status).toBe('FOLLOWING_UP');
    expectSameInstant(thanked.interview.thankYouSentAt, at(9, 3));
    expectAdvice(thanked, { present: ['HANDWRITTEN_NOTE', 'STAY_IN_TOUCH_PREFERENCE', 'GIVE_BACK'] });
    // thanked within the day: the thank-you deadline is gone, the keep-in-touch clock runs
    expect(thanked.interview.nextDeadline.kind).toBe('KEEP_IN_TOUCH_DUE');
    expectSameInstant(thanked.interview.nextDeadline.dueAt, at(99, 3));

    const preferred = expectOk(
      await gql(
        ada.token,
        `mutation ($input: RecordContactPreferenceInput!) { recordContactPreference(input: $input) { contact { id preferredChannel } } }`,
        { input: { contactId: walk.contact, preferredChannel: 'EMAIL' } },
      ),
    ).recordContactPreference;
    expect(preferred.contact).toEqual({ id: walk.contact, preferredChannel: 'EMAIL' });

    const promised = await step('recordCommitment', { description: 'Send the article on pricing research' });
    const [commitment] = promised.interview.commitments;
    expect(commitment).toMatchObject({ description: 'Send the article on pricing research', fulfilledAt: null });
    expect(promised.interview.nextDeadline.kind).toBe('COMMITMENT_OVERDUE');
    walk.commitment = commitment.id;

    const kept = await step('fulfilCommitment', { commitmentId: walk.commitment, fulfilledAt: at(11) });
    expectSameInstant(kept.interview.commitments[0].fulfilledAt, at(11));
    expect(kept.interview.nextDeadline.kind).toBe('KEEP_IN_TOUCH_DUE');
    expectSameInstant(kept.interview.nextDeadline.dueAt, at(101));

    const touched = await step('logKeepInTouch', { at: at(20), kind: 'OFFERED_HELP', channel: 'EMAIL' });
    expect(touched.interview.nextDeadline.kind).toBe('KEEP_IN_TOUCH_DUE');
    expectSameInstant(touched.interview.nextDeadline.dueAt, at(110));

    const referral = expectOk(
      await gql(
        ada.token,
        `mutation ($input: RecordReferralInput!) {
          recordReferral(input: $input) { contact { id source referredBy { id } } interview { version } advice { code } }
        }`,
        { input: { interviewId: walk.interview, name: 'Riley Chen', company: 'Beta Labs' } },
      ),
    ).recordReferral;
    expect(referral.contact).toMatchObject({ source: 'REFERRAL', referredBy: { id: walk.contact } });
    // help was offered when keeping in touch: no need to advise giving back
    expectAdvice(referral, { absent: ['GIVE_BACK'] });
    walk.referred = referral.contact.id;

    const interview = await read(walk.interview);
    expect(interview.timeline.map((e: { type: string }) => e.type)).toEqual([
      'InterviewPlanned',
      'OutreachSent',
      'FollowUpSent',
      'ReplyReceived',
      'MeetingScheduled',
      'ResearchNoteAdded',
      ...Array(13).fill('QuestionAdded'),
      'MeetingHeld',
      'NotesRecorded',
      'ThankYouSent',
      'CommitmentMade',
      'CommitmentFulfilled',
      'KeepInTouchLogged',
      'ReferralReceived',
    ]);
    expect(interview.timeline.map((e: { version: number }) => e.version)).toEqual(range(1, 26));
    expect(interview).toMatchObject({ version: 26, status: 'FOLLOWING_UP', advice: [] });
  });

  it('shows up in the lists once the projector has caught up', async () => {
    const LIST = `query ($status: [InterviewStatus!]) { myInterviews(status: $status) { edges { node { id status } } } }`;
    const listed = async (status?: string[]) =>
      expectOk(await gql(ada.token, LIST, status ? { status } : {})).myInterviews.edges.map(
        (e: { node: { id: string; status: string } }) => e.node,
      );
    await expect
      .poll(() => listed(['FOLLOWING_UP']), { timeout: 5_000, interval: 50 })
      .toEqual([{ id: walk.interview, status: 'FOLLOWING_UP' }]);
    expect(await listed(['PLANNED'])).toEqual([]);
    const contacts = async () =>
      expectOk(await gql(ada.token, '{ myContacts { edges { node { id } } } }')).myContacts.edges.map(
        (e: { node: { id: string } }) => e.node.id,
      );
    await expect.poll(contacts, { timeout: 5_000, interval: 50 }).toEqual([walk.contact, walk.referred]);
    // the coach of the student's cohort sees the interview and the progress it made
    const coachView = async () =>
      expectOk(
        await gql(
          a.coach.token,
          `query ($id: ID!) { student(id: $id) {
            progress { meetingsHeld thankYousSent thankYousOnTime referralsReceived }
            interviews { edges { node { id status } } }
          } }`,
          { id: ada.id },
        ),
      ).student;
    await expect.poll(coachView, { timeout: 5_000, interval: 50 }).toEqual({
      progress: { meetingsHeld: 1, thankYousSent: 1, thankYousOnTime: 1, referralsReceived: 1 },
      interviews: { edges: [{ node: { id: walk.interview, status: 'FOLLOWING_UP' } }] },
    });
  });
});

describe('writes that arrive twice or together', () => {
  it('answers a repeated idempotency key as it did the first time, and changes nothing', async () => {
    const plan = { contactId: walk.contact, goals: ['See how analytics teams work'], idempotencyKey: 'plan-spare' };
    const planned = expectOk(await gql(ada.token, PLAN, { input: plan })).planInterview;
    expect(expectOk(await gql(ada.token, PLAN, { input: plan })).planInterview).toEqual(planned);
    walk.spare = planned.interview.id;

    const input = {
      interviewId: walk.spare,
      text: 'How did you get started in analytics?',
      topic: 'HOW_THEY_STARTED',
      idempotencyKey: 'question-once',
    };
    const first = expectOk(await gql(ada.token, ADD_QUESTION, { input })).addQuestion;
    const repeated = expectOk(await gql(ada.token, ADD_QUESTION, { input })).addQuestion;
    expect(repeated).toEqual(first);
    expect(first.interview.version).toBe(2);
    const reread = await read(walk.spare);
    expect(reread.version).toBe(2);
    expect(reread.timeline.map((e: { type: string }) => e.type)).toEqual(['InterviewPlanned', 'QuestionAdded']);

    // the same key for another request is refused, and writes nothing either
    const reused = await gql(ada.token, ADD_QUESTION, { input: { ...input, text: 'Something else entirely?' } });
    expect(codes(reused)).toEqual(['CONFLICT']);
    expect((await read(walk.spare)).version).toBe(2);
  });

  it('applies 20 concurrent writes to one interview, with contiguous versions', async () => {
    const before = await read(walk.spare);
    const texts = range(1, 20).map((n) => `What changed most for your team in year ${n}?`);
    const results = await Promise.all(
      texts.map((text, n) =>
        gql(ada.token, ADD_QUESTION, {
          input: { interviewId: walk.spare, text, topic: 'TRENDS', idempotencyKey: `burst-${n}` },
        }),
      ),
    );
    expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
    expect(results.map((r) => r.status)).toEqual(texts.map(() => 200));

    const interview = await read(walk.spare);
    expect(interview.version).toBe(before.version + 20);
    expect(interview.timeline.map((e: { version: number }) => e.version)).toEqual(range(1, before.version + 20));
    const asked = interview.questions.map((q: { text: string }) => q.text);
    expect([...asked].sort()).toEqual([...before.questions.map((q: { text: string }) => q.text), ...texts].sort());
  });
});

describe("tenant A's objects, out of everyone else's reach", () => {
  let ids: Ids;
  const before = new Map<Target, unknown>();
  const reread = async (target: Target) => {
    const { owner, query, views } = OWNER_READS[target];
    if (views) await e2e.stack.drain(); // a cohort's students come from the views
    return expectOk(await gql(owner(a).token, query, { id: ids[target] }));
  };

  beforeAll(async () => {
    ids = {
      interview: walk.interview,
      contact: walk.contact,
      commitment: walk.commitment,
      cohort: a.cohortId,
      student: ada.id,
      coach: a.coach.id,
      admin: a.admin.id,
      tenant: a.tenantId,
    };
    for (const target of Object.keys(OWNER_READS) as Target[]) before.set(target, await reread(target));
    expect(before.get('interview')).toMatchObject({ interview: { version: 26 } });
    expect(before.get('cohort')).toMatchObject({ cohort: { students: { edges: [{}, {}] } } });
  });

  it.each(READ_OPERATIONS)('$name answers its rightful reader in tenant A', async (operation) => {
    const reader = operation.reader?.(a) as Person;
    const data = expectOk(await gql(reader.token, operation.query, operation.variables(ids, { cohortId: a.cohortId })));
    expect(Object.values(data)[0]).toMatchObject({ id: ids[operation.target] });
  });

  it("probes every operation with every caller (but A's university with A's own student)", () => {
    expect(CASES).toHaveLength(OPERATIONS.length * CALLERS.length - 1);
    expect(new Set(CASES.map((c) => c.title)).size).toBe(CASES.length);
  });

  for (const c of CASES) {
    it(`${c.title}: ${c.expected} as for a missing id, and nothing changed`, async () => {
      const caller = c.caller.person({ a, b });
      expect(caller.role).toBe(c.caller.role);
      const own = { cohortId: c.caller.home({ a, b }).cohortId };
      const missing = Object.fromEntries(
        Object.entries(ids).map(([k, id], n) => [k, missingLike(id, n)]),
      ) as unknown as Ids;
      const probe = await gql(caller.token, c.operation.query, c.operation.variables(ids, own));
      const nobodys = await gql(caller.token, c.operation.query, c.operation.variables(missing, own));
      expect(withIdsNamed(probe, { ...ids }), 'the same answer as for ids that do not exist').toEqual(
        withIdsNamed(nobodys, { ...missing }),
      );
      expectRefused(probe, c.expected);
      expect(await reread(c.operation.target)).toEqual(before.get(c.operation.target));
    });
  }

  const LIST_CASES = LISTS.flatMap((list) =>
    CALLERS.map((caller) => ({ title: `${list.name} by ${caller.name}`, list, caller })),
  );
  for (const { title, list, caller } of LIST_CASES) {
    it(`${title} shows nothing of the first student or of tenant A`, async () => {
      const person = caller.person({ a, b });
      const answer = await gql(person.token, list.query);
      if (!list.roles.includes(caller.role)) return expectRefused(answer, 'FORBIDDEN');
      const text = JSON.stringify(expectOk(answer));
      const theirs = caller.sameTenant
        ? [walk.interview, walk.spare, walk.contact, walk.referred, walk.commitment]
        : [...Object.values(ids), walk.spare, walk.referred];
      for (const id of theirs) expect(text).not.toContain(id);
    });
  }
});
