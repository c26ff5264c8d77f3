import type { Advice } from '@app/core';
import type { Contact, ContactCommand, ContactSource, Tenant } from '@app/domain';
import type { CohortAnalytics, StudentProgress } from '@app/views';
import type { Caller } from './auth.ts';
import type { Interviews, InterviewView } from './interviews.ts';
import type { CohortView, MemberView, People } from './people.ts';
import type { Tenants } from './tenants.ts';

/** A student as coaches see it: who, and how they are doing (from views). */
export type StudentView = MemberView & { readonly progress: () => Promise<StudentProgress> };

/** A nudge: a deadline outcome of one interview the student has not answered yet. */
export interface NudgeView {
  readonly interviewId: string;
  /** The outcome (`ThankYouOverdue`, `FollowUpDue`, …). */
  readonly outcome: string;
  readonly deadlineId: string;
  readonly dueAt: string;
  readonly code: string | null;
  readonly message: string | null;
}

/** A provisioned tenant, with its id. */
export type TenantView = Extract<Tenant, { status: 'ACTIVE' | 'SUSPENDED' }> & { readonly id: string };

/** A contact as its owner sees it. */
export type ContactView = Extract<Contact, { status: 'ACTIVE' | 'ARCHIVED' }> & { readonly id: string };

export interface AddContactInput {
  readonly name: string;
  readonly title?: string | null | undefined;
  readonly company?: string | null | undefined;
  readonly industry?: string | null | undefined;
  readonly email?: string | null | undefined;
  readonly source: ContactSource;
  readonly referredByContactId?: string | null | undefined;
  readonly idempotencyKey?: string | null | undefined;
}

/** What resolvers may call: application functions, never DynamoDB (STYLE.md). */
export interface Application {
  /** The caller's tenant as its stream says now; `null` for the operator, or a tenant not provisioned. */
  tenant(caller: Caller): Promise<TenantView | null>;
  contacts: {
    add(caller: Caller, input: AddContactInput): Promise<{ contact: ContactView; advice: readonly Advice[] }>;
    /** A contact the caller may see, or `null` (another student's and another tenant's alike). */
    get(caller: Caller, id: string): Promise<ContactView | null>;
    /** A contact the professional referred the student to, from an interview with them, recorded on both. */
    refer(
      caller: Caller,
      input: Omit<AddContactInput, 'source' | 'referredByContactId'> & {
        interviewId: string;
        expectedVersion?: number | null | undefined;
      },
    ): Promise<{ contact: ContactView; interview: InterviewView; advice: readonly Advice[] }>;
    /** A student's command on one of its own contacts (details, preference, archiving). */
    send(
      caller: Caller,
      contactId: string,
      command: Extract<ContactCommand, { type: 'UpdateContactDetails' | 'RecordContactPreference' | 'ArchiveContact' }>,
      idempotencyKey?: string | null,
    ): Promise<{ contact: ContactView; advice: readonly Advice[] }>;
  };
  interviews: Pick<Interviews, 'get' | 'send'>;
  tenants: Pick<Tenants, 'provision' | 'changePolicy' | 'list' | 'get' | 'setStatus'>;
  /** What lists read from views (they may lag the store by up to a second). */
  lists: {
    /** The caller's interviews, oldest first, optionally of some statuses. */
    myInterviewIds(caller: Caller, statuses?: readonly string[] | null): Promise<string[]>;
    myContactIds(caller: Caller): Promise<string[]>;
    /** A student's open nudges, most recent first, for those who may read the student's data. */
    nudges(caller: Caller, studentId: string): Promise<NudgeView[]>;
    /** The contacts a contact led its student to (the referral graph's edges from it), for those who may read it. */
    referredIds(caller: Caller, contact: ContactView): Promise<string[]>;
    /** A student's interviews, for those who may read them (none for anyone else). */
    studentInterviewIds(caller: Caller, studentId: string): Promise<string[]>;
  };
  /** What coaches and admins read of cohorts and students, from views. */
  insight: {
    /** A cohort the caller may see (an admin any of the tenant's, a coach its own), or `null`. */
    cohort(caller: Caller, id: string): Promise<CohortView | null>;
    /** The cohorts the caller may see, in id order: all the tenant's for an admin, its own for a coach. */
    cohortIds(caller: Caller): Promise<string[]>;
    enrolledStudentIds(caller: Caller, cohortId: string): Promise<string[]>;
    /** Reads the progress of a page of students at once, for their `progress` to find. */
    prefetchProgress(caller: Caller, studentIds: readonly string[]): Promise<void>;
    analytics(caller: Caller, cohortId: string, range: { from: string; to: string }): Promise<CohortAnalytics>;
    /** A student the caller may see (themself, an admin, a coach of one of its cohorts), or `null`. */
    student(caller: Caller, id: string): Promise<StudentView | null>;
  };
  people: Pick<
    People,
    'member' | 'cohort' | 'invite' | 'cohortCommand' | 'remove' | 'changeRoles' | 'eraseStudent' | 'memberIds'
  >;
}

/** One request's context. */
export interface ApiContext {
  readonly requestId: string;
  /** The verified caller, or why there is none (every field but the public ones answers that error). */
  readonly caller: Caller | Error;
  readonly app: Application;
}

/** The caller, or the reason it could not be established, thrown. */
export const callerOf = (ctx: ApiContext): Caller => {
  if (ctx.caller instanceof Error) throw ctx.caller;
  return ctx.caller;
};
