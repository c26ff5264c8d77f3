import type { DevIssuer } from '@app/api';
import {
  AddContactDocument,
  AddQuestionDocument,
  AddResearchNoteDocument,
  AssignCoachDocument,
  CohortDashboardDocument,
  CreateCohortDocument,
  EnrollStudentDocument,
  InterviewDocument,
  InviteMemberDocument,
  MyContactsDocument,
  MyInterviewsDocument,
  MyNudgesDocument,
  PlanInterviewDocument,
  ProvisionTenantDocument,
  RecordOutreachDocument,
} from '@app/client';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

// What `pnpm load`'s simulated people do, in the operations the student frontend and the coach
// dashboard send (schema/operations/, typed by @app/client): universities set up over the API,
// then a weighted mix of students' reads and writes and coaches' analytics.

/** One answer over HTTP: its status, its first error code (or none), its data. */
export interface Answer<R> {
  readonly status: number;
  readonly code: string | null;
  readonly data: R | null;
  readonly message?: string;
}

const printed = new WeakMap<object, string>();
const text = (doc: TypedDocumentNode<unknown, unknown>) => {
  const query = printed.get(doc) ?? print(doc);
  printed.set(doc, query);
  return query;
};

/** A GraphQL client as a browser runs it: one POST per operation, a bounded wait. */
export const client =
  (url: string, timeoutMs = 10_000) =>
  async <R, V>(token: string, doc: TypedDocumentNode<R, V>, variables: V): Promise<Answer<R>> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: text(doc as TypedDocumentNode<unknown, unknown>), variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.json().catch(() => ({}))) as {
      data?: R;
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    const error = body.errors?.[0];
    return {
      status: response.status,
      code: error ? (error.extensions?.code ?? 'NO_CODE') : response.status === 200 ? null : `HTTP_${response.status}`,
      data: body.data ?? null,
      ...(error && { message: error.message }),
    };
  };
export type Client = ReturnType<typeof client>;

/** The data of an answer that must succeed (setting up); waits out the rate limit like a polite client. */
export const must = async <R>(send: () => Promise<Answer<R>>): Promise<R> => {
  for (let attempt = 0; ; attempt++) {
    const answer = await send();
    if (answer.code === 'RATE_LIMITED' && attempt < 20) {
      await new Promise((done) => setTimeout(done, 200));
      continue;
    }
    if (answer.code !== null || !answer.data) throw new Error(`setting up failed: ${answer.code} ${answer.message}`);
    return answer.data;
  }
};

export interface Student {
  readonly id: string;
  readonly tenant: number;
  readonly token: string;
  readonly interviews: string[];
  readonly contacts: string[];
}

export interface University {
  readonly tenantId: string;
  readonly cohortId: string;
  readonly coachToken: string;
  readonly students: Student[];
}

/** Runs `work` over `items`, `limit` at a time. */
export const eachLimit = async <T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
};

/** A university as its operator and admin set it up, its students with interviews awaiting a reply. */
export const setUp = async (
  gql: Client,
  issuer: DevIssuer,
  n: number,
  size: { students: number; interviews: number },
): Promise<University> => {
  const operator = await issuer.token({ sub: 'usr_load_operator', roles: ['PLATFORM_ADMIN'], expiresIn: 7_200 });
  const slug = `load-u${n}`;
  const { provisionTenant } = await must(() =>
    gql(operator, ProvisionTenantDocument, {
      name: `Load University ${n}`,
      slug,
      adminEmail: `admin@${slug}.example`,
      adminName: 'Ada Admin',
      idempotencyKey: slug,
    }),
  );
  const tenantId = provisionTenant.tenant.id;
  const signIn = (sub: string, role: 'TENANT_ADMIN' | 'COACH' | 'STUDENT') =>
    issuer.token({ sub, roles: [role], tenantId: tenantId as never, expiresIn: 7_200 });
  const admin = await signIn(provisionTenant.admin.id, 'TENANT_ADMIN');
  const invite = async (local: string, role: 'COACH' | 'STUDENT') =>
    (
      await must(() =>
        gql(admin, InviteMemberDocument, {
          email: `${local}@${slug}.example`,
          name: `${local} of ${slug}`,
          role,
          idempotencyKey: `invite-${local}`,
        }),
      )
    ).inviteMember.member.id;
  const cohortId = (
    await must(() =>
      gql(admin, CreateCohortDocument, { name: 'Fall careers', term: '2026F', idempotencyKey: 'cohort' }),
    )
  ).createCohort.cohort.id;
  const coachId = await invite('coach', 'COACH');
  await must(() => gql(admin, AssignCoachDocument, { cohortId, coachId, idempotencyKey: 'assign' }));
  const students: Student[] = [];
  for (let i = 0; i < size.students; i++) {
    const id = await invite(`student${i}`, 'STUDENT');
    await must(() => gql(admin, EnrollStudentDocument, { cohortId, studentId: id, idempotencyKey: `enrol-${i}` }));
    students.push({ id, tenant: n, token: await signIn(id, 'STUDENT'), interviews: [], contacts: [] });
  }
  const sentAt = new Date(Date.now() - 3_600_000).toISOString();
  await eachLimit(students, 4, async (s) => {
    for (let j = 0; j < size.interviews; j++) {
      const contactId = (
        await must(() =>
          gql(s.token, AddContactDocument, {
            name: `Pat Professional ${j}`,
            company: 'Acme',
            source: 'ALUMNI',
            idempotencyKey: `seed-contact-${j}`,
          }),
        )
      ).addContact.contact.id;
      s.contacts.push(contactId);
      const interviewId = (
        await must(() =>
          gql(s.token, PlanInterviewDocument, {
            contactId,
            goals: ['learn how product teams work'],
            idempotencyKey: `seed-plan-${j}`,
          }),
        )
      ).planInterview.interview.id;
      await must(() =>
        gql(s.token, RecordOutreachDocument, {
          interviewId,
          channel: 'EMAIL',
          sentAt,
          idempotencyKey: `seed-outreach-${j}`,
        }),
      );
      s.interviews.push(interviewId);
    }
  });
  return { tenantId, cohortId, coachToken: await signIn(coachId, 'COACH'), students };
};

/** What a write changed, for the check after the load: which stream, which count. */
export interface Write {
  readonly kind: 'question' | 'researchNote' | 'contact';
  readonly student: Student;
  /** The interview written to, or the new contact (known from the answer). */
  readonly streamId: string | null;
}

/** One request of the mix: who sends what; `write` says what it adds when it is acknowledged. */
export interface LoadRequest {
  readonly op: OpName;
  send(gql: Client): Promise<Answer<unknown>>;
  readonly write?: Omit<Write, 'streamId'> & { readonly streamId?: string };
  /** The new stream's id in an acknowledged answer (a creating write). */
  created?(data: unknown): string;
}

export const OPS = [
  'myInterviews',
  'interview',
  'myNudges',
  'myContacts',
  'addQuestion',
  'addResearchNote',
  'addContact',
  'cohortDashboard',
] as const;
export type OpName = (typeof OPS)[number];

/**
 * The mix: students send 95% of the requests, 80% of theirs reads and 20% writes; coaches send
 * the other 5%, each their cohort's dashboard with its analytics over the term so far.
 */
export const MIX: Readonly<Record<OpName, number>> = {
  myInterviews: 0.3,
  interview: 0.2,
  myNudges: 0.14,
  myContacts: 0.12,
  addQuestion: 0.1,
  addResearchNote: 0.05,
  addContact: 0.04,
  cohortDashboard: 0.05,
};

/** An operation drawn by the mix's weights. */
export const drawOp = (random: () => number): OpName => {
  let r = random();
  for (const op of OPS) {
    r -= MIX[op];
    if (r < 0) return op;
  }
  return 'myInterviews';
};

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)] as T;
const TOPICS = ['CAREER_PATHS', 'DAILY_WORK', 'ADVICE', 'HOW_THEY_STARTED'] as const;
const today = () => new Date().toISOString().slice(0, 10);
const termStart = () => `${new Date().getUTCFullYear()}-01-01`;

/** A request of kind `op` by a person of the run; `seq` makes idempotency keys unique. */
export const request = (
  op: OpName,
  universities: readonly University[],
  random: () => number,
  seq: number,
): LoadRequest => {
  const university = pick(universities, random);
  const s = pick(university.students, random);
  const interviewId = pick(s.interviews, random);
  const key = `load-${seq}`;
  switch (op) {
    case 'myInterviews':
      return { op, send: (gql) => gql(s.token, MyInterviewsDocument, { first: 10 }) };
    case 'interview':
      return { op, send: (gql) => gql(s.token, InterviewDocument, { id: interviewId }) };
    case 'myNudges':
      return { op, send: (gql) => gql(s.token, MyNudgesDocument, {}) };
    case 'myContacts':
      return { op, send: (gql) => gql(s.token, MyContactsDocument, { first: 20 }) };
    case 'addQuestion':
      return {
        op,
        write: { kind: 'question', student: s, streamId: interviewId },
        send: (gql) =>
          gql(s.token, AddQuestionDocument, {
            interviewId,
            text: `What surprised you most in your first year? (${seq})`,
            topic: pick(TOPICS, random),
            idempotencyKey: key,
          }),
      };
    case 'addResearchNote':
      return {
        op,
        write: { kind: 'researchNote', student: s, streamId: interviewId },
        send: (gql) =>
          gql(s.token, AddResearchNoteDocument, {
            interviewId,
            text: `Read their team's engineering blog post on onboarding (${seq}).`,
            idempotencyKey: key,
          }),
      };
    case 'addContact':
      return {
        op,
        write: { kind: 'contact', student: s },
        created: (data) => (data as { addContact: { contact: { id: string } } }).addContact.contact.id,
        send: (gql) =>
          gql(s.token, AddContactDocument, {
            name: `Lee Professional ${seq}`,
            company: 'Globex',
            source: pick(['ALUMNI', 'LINKEDIN', 'FRIEND'] as const, random),
            idempotencyKey: key,
          }),
      };
    case 'cohortDashboard':
      return {
        op,
        send: (gql) =>
          gql(university.coachToken, CohortDashboardDocument, {
            id: university.cohortId,
            from: termStart(),
            to: today(),
          }),
      };
  }
};
