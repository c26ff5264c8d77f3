import type { Role } from '@app/api';
import { inputTypeOf } from './harness.ts';
import type { Person, University } from './university.ts';

// The isolation matrix as data: every read and write of tenant A's objects the API offers,
// and everyone who must not reach them. Each operation names the object it touches (re-read by
// its owner afterwards) and the roles that may call it at all: a caller with such a role gets
// NOT_FOUND, exactly as for an id that does not exist; anyone else gets FORBIDDEN.

/** Tenant A's objects the matrix probes: the first student's, and the university's own. */
export interface Ids {
  readonly interview: string;
  readonly contact: string;
  readonly commitment: string;
  readonly cohort: string;
  readonly student: string;
  readonly coach: string;
  readonly admin: string;
  readonly tenant: string;
}

export type Target = Exclude<keyof Ids, 'commitment'>;
type TenantRole = Exclude<Role, 'PLATFORM_ADMIN'>;

export interface Operation {
  readonly name: string;
  /** The object of tenant A it reads or writes: re-read by its owner to see that nothing changed. */
  readonly target: Target;
  /** Who may call it at all; for anyone else it is FORBIDDEN. */
  readonly roles: readonly TenantRole[];
  readonly query: string;
  /** Its variables: tenant A's ids, and the caller's own cohort (for writes naming A's members in it). */
  readonly variables: (a: Ids, own: { readonly cohortId: string }) => Record<string, unknown>;
  /** Who in tenant A may read it (a read's positive control); none for a write. */
  readonly reader?: (a: University) => Person;
  /** Probed only from another tenant: A's own members may read their university. */
  readonly otherTenantOnly?: boolean;
}

const ANYONE: readonly TenantRole[] = ['TENANT_ADMIN', 'COACH', 'STUDENT'];
const STAFF: readonly TenantRole[] = ['TENANT_ADMIN', 'COACH'];
/** A moment long past: the refusals come before any time is judged. */
const PAST = '2026-01-05T10:00:00.000Z';

const NODE = `query ($id: ID!) {
  node(id: $id) {
    id
    ... on Interview { status version }
    ... on Contact { name company }
    ... on Cohort { name coaches { id } }
    ... on Member { name email roles }
    ... on Tenant { name slug }
  }
}`;

const node = (target: Target, reader: (a: University) => Person, what: string = target): Operation => ({
  name: `node(id) of the ${what}`,
  target,
  roles: ANYONE,
  query: NODE,
  variables: (a) => ({ id: a[target] }),
  reader,
});

const READS: readonly Operation[] = [
  {
    name: 'interview(id)',
    target: 'interview',
    roles: ANYONE,
    query: 'query ($id: ID!) { interview(id: $id) { id status version questions { text } } }',
    variables: (a) => ({ id: a.interview }),
    reader: (a) => a.students[0],
  },
  node('interview', (a) => a.students[0]),
  node('contact', (a) => a.students[0]),
  {
    name: 'cohort(id)',
    target: 'cohort',
    roles: STAFF,
    query: 'query ($id: ID!) { cohort(id: $id) { id name coaches { id } students { edges { node { id } } } } }',
    variables: (a) => ({ id: a.cohort }),
    reader: (a) => a.coach,
  },
  node('cohort', (a) => a.admin),
  {
    name: 'student(id)',
    target: 'student',
    roles: ANYONE,
    query: `query ($id: ID!) {
      student(id: $id) { id name email progress { meetingsHeld } interviews { edges { node { id } } } }
    }`,
    variables: (a) => ({ id: a.student }),
    reader: (a) => a.coach,
  },
  node('student', (a) => a.students[0]),
  node('coach', (a) => a.admin, 'coach (a member)'),
  node('admin', (a) => a.admin, 'admin (a member)'),
  { ...node('tenant', (a) => a.admin), otherTenantOnly: true },
];

/** The interview mutations the walk used, each with an input that would be valid for the owner. */
const INTERVIEW_INPUTS: readonly [string, (a: Ids) => Record<string, unknown>][] = [
  ['recordOutreach', () => ({ channel: 'EMAIL', sentAt: PAST })],
  ['recordFollowUp', () => ({ channel: 'EMAIL', sentAt: PAST })],
  ['recordReply', () => ({ receivedAt: PAST, outcome: 'DECLINED' })],
  ['scheduleMeeting', () => ({ startsAt: PAST, durationMinutes: 20, format: 'PHONE' })],
  ['addResearchNote', () => ({ text: 'Read their blog.' })],
  ['addQuestion', () => ({ text: 'What do you enjoy most?', topic: 'OTHER' })],
  ['recordMeetingHeld', () => ({ heldAt: PAST, durationMinutes: 20 })],
  ['recordNotes', () => ({ notes: 'Overwritten?' })],
  ['recordThankYou', () => ({ sentAt: PAST, channel: 'EMAIL' })],
  ['recordCommitment', () => ({ description: 'Introduce them to a friend' })],
  ['fulfilCommitment', (a) => ({ commitmentId: a.commitment, fulfilledAt: PAST })],
  ['logKeepInTouch', () => ({ at: PAST, kind: 'CHECK_IN', channel: 'EMAIL' })],
  ['recordReferral', () => ({ name: 'Someone Else', company: 'Elsewhere' })],
];

const mutation = (name: string, selection: string) =>
  `mutation ($input: ${inputTypeOf(name)}!) { ${name}(input: $input) { ${selection} } }`;

const INTERVIEW_WRITES: readonly Operation[] = INTERVIEW_INPUTS.map(([name, input]) => ({
  name,
  target: 'interview',
  roles: ['STUDENT'],
  query: mutation(
    name,
    name === 'recordReferral'
      ? 'interview { id version } contact { id } advice { code }'
      : 'interview { id version } advice { code }',
  ),
  variables: (a) => ({ input: { interviewId: a.interview, ...input(a) } }),
}));

const CONTACT_WRITES: readonly Operation[] = [
  {
    name: 'planInterview with the contact',
    target: 'contact',
    roles: ['STUDENT'],
    query: mutation('planInterview', 'interview { id version } advice { code }'),
    variables: (a) => ({ input: { contactId: a.contact, goals: ['learn'] } }),
  },
  {
    name: 'recordContactPreference',
    target: 'contact',
    roles: ['STUDENT'],
    query: mutation('recordContactPreference', 'contact { id preferredChannel }'),
    variables: (a) => ({ input: { contactId: a.contact, preferredChannel: 'TEXT_MESSAGE' } }),
  },
  {
    name: 'updateContactDetails',
    target: 'contact',
    roles: ['STUDENT'],
    query: mutation('updateContactDetails', 'contact { id name }'),
    variables: (a) => ({ input: { contactId: a.contact, name: 'Hijacked' } }),
  },
  {
    name: 'archiveContact',
    target: 'contact',
    roles: ['STUDENT'],
    query: mutation('archiveContact', 'contact { id archived }'),
    variables: (a) => ({ input: { contactId: a.contact } }),
  },
  {
    name: 'addContact referred by the contact',
    target: 'contact',
    roles: ['STUDENT'],
    query: mutation('addContact', 'contact { id referredBy { id name } }'),
    variables: (a) => ({ input: { name: 'Riley Roe', source: 'REFERRAL', referredByContactId: a.contact } }),
  },
];

const cohortWrite = (
  name: 'assignCoach' | 'enrollStudent',
  target: 'cohort' | 'coach' | 'student',
  cohort: (a: Ids, own: { readonly cohortId: string }) => string,
  what: string,
): Operation => ({
  name: `${name} ${what}`,
  target,
  roles: ['TENANT_ADMIN'],
  query: mutation(name, 'cohort { id coaches { id } }'),
  variables: (a, own) => ({
    input: { cohortId: cohort(a, own), ...(name === 'assignCoach' ? { coachId: a.coach } : { studentId: a.student }) },
  }),
});

const COHORT_WRITES: readonly Operation[] = [
  cohortWrite('assignCoach', 'cohort', (a) => a.cohort, "on A's cohort"),
  cohortWrite('enrollStudent', 'cohort', (a) => a.cohort, "on A's cohort"),
  cohortWrite('assignCoach', 'coach', (_a, own) => own.cohortId, "of A's coach to the caller's cohort"),
  cohortWrite('enrollStudent', 'student', (_a, own) => own.cohortId, "of A's student in the caller's cohort"),
  {
    name: "archiveCohort on A's cohort",
    target: 'cohort',
    roles: ['TENANT_ADMIN'],
    query: mutation('archiveCohort', 'cohort { id archived }'),
    variables: (a) => ({ input: { cohortId: a.cohort, reason: 'taken over' } }),
  },
];

const MEMBER_WRITES: readonly Operation[] = [
  {
    name: "removeMember of A's student",
    target: 'student',
    roles: ['TENANT_ADMIN'],
    query: mutation('removeMember', 'member { id status }'),
    variables: (a) => ({ input: { memberId: a.student, reason: 'taken over' } }),
  },
  {
    name: "changeMemberRoles of A's coach",
    target: 'coach',
    roles: ['TENANT_ADMIN'],
    query: mutation('changeMemberRoles', 'member { id roles }'),
    variables: (a) => ({ input: { memberId: a.coach, roles: ['TENANT_ADMIN'] } }),
  },
];

export const OPERATIONS: readonly Operation[] = [
  ...READS,
  ...INTERVIEW_WRITES,
  ...CONTACT_WRITES,
  ...COHORT_WRITES,
  ...MEMBER_WRITES,
];
export const READ_OPERATIONS = READS;

export interface Caller {
  readonly name: string;
  readonly role: TenantRole;
  /** The caller, from tenant A and tenant B as set up. */
  readonly person: (u: { readonly a: University; readonly b: University }) => Person;
  /** The caller's own university (its cohort is where it would enrol A's members). */
  readonly home: (u: { readonly a: University; readonly b: University }) => University;
  readonly sameTenant: boolean;
}

const fromB = (name: string, role: TenantRole, person: (b: University) => Person): Caller => ({
  name: `tenant B's ${name}`,
  role,
  person: ({ b }) => person(b),
  home: ({ b }) => b,
  sameTenant: false,
});

export const CALLERS: readonly Caller[] = [
  fromB('admin', 'TENANT_ADMIN', (b) => b.admin),
  fromB('coach', 'COACH', (b) => b.coach),
  fromB('first student', 'STUDENT', (b) => b.students[0]),
  fromB('second student', 'STUDENT', (b) => b.students[1]),
  {
    name: "tenant A's other student",
    role: 'STUDENT',
    person: ({ a }) => a.students[1],
    home: ({ a }) => a,
    sameTenant: true,
  },
];

export interface Case {
  readonly title: string;
  readonly operation: Operation;
  readonly caller: Caller;
  /** What the caller must be answered. */
  readonly expected: 'NOT_FOUND' | 'FORBIDDEN';
}

/** Every operation × every caller it applies to. */
export const CASES: readonly Case[] = OPERATIONS.flatMap((operation) =>
  CALLERS.filter((caller) => !(operation.otherTenantOnly && caller.sameTenant)).map((caller) => ({
    title: `${operation.name} by ${caller.name}`,
    operation,
    caller,
    expected: operation.roles.includes(caller.role) ? ('NOT_FOUND' as const) : ('FORBIDDEN' as const),
  })),
);

/** The lists and the caller's-own queries: none may show anything of A's to these callers. */
export const LISTS: readonly {
  readonly name: string;
  readonly roles: readonly TenantRole[];
  readonly query: string;
}[] = [
  { name: 'myInterviews', roles: ['STUDENT'], query: '{ myInterviews(first: 100) { edges { node { id } } } }' },
  { name: 'myContacts', roles: ['STUDENT'], query: '{ myContacts(first: 100) { edges { node { id } } } }' },
  {
    name: 'cohorts',
    roles: STAFF,
    query: '{ cohorts(first: 20) { edges { node { id name coaches { id } } } } }',
  },
  { name: 'tenant', roles: ANYONE, query: '{ tenant { id slug } }' },
  { name: 'viewer', roles: ANYONE, query: '{ viewer { userId tenant { id } } }' },
];

const MEMBER = 'query ($id: ID!) { node(id: $id) { ... on Member { email name roles status } } }';

/** How each of A's objects is re-read by its owner (or A's admin), to see that nothing changed. */
export const OWNER_READS: Readonly<
  Record<Target, { readonly owner: (a: University) => Person; readonly query: string; readonly views?: true }>
> = {
  interview: {
    owner: (a) => a.students[0],
    query: `query ($id: ID!) { interview(id: $id) {
      version status nextDeadline { kind dueAt } questions { id } commitments { id fulfilledAt } timeline { version type }
    } }`,
  },
  contact: {
    owner: (a) => a.students[0],
    query: `query ($id: ID!) { node(id: $id) {
      ... on Contact { name title company email source preferredChannel booster archived referredBy { id } }
    } }`,
  },
  cohort: {
    owner: (a) => a.admin,
    query:
      'query ($id: ID!) { cohort(id: $id) { name term archived coaches { id } students { edges { node { id } } } } }',
    views: true,
  },
  student: {
    owner: (a) => a.admin,
    query: 'query ($id: ID!) { student(id: $id) { name email } node(id: $id) { ... on Member { roles status } } }',
  },
  coach: { owner: (a) => a.admin, query: MEMBER },
  admin: { owner: (a) => a.admin, query: MEMBER },
  tenant: {
    owner: (a) => a.admin,
    query: 'query ($id: ID!) { node(id: $id) { ... on Tenant { name slug status policy { version } } } }',
  },
};
