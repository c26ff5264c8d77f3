import { createHash } from 'node:crypto';
import type { TenantId } from '@app/core';
import {
  type Cohort,
  type CohortCommand,
  type CohortEvent,
  cohortDecider,
  type Member,
  type MemberCommand,
  memberDecider,
  RuleViolationError,
} from '@app/domain';
import { type EventStore, enrolmentGuard, type GuardChange, streamRef } from '@app/event-store';
import type { Caller } from './auth.ts';
import type { Commands } from './commands.ts';
import { apiError } from './errors.ts';
import { stateOf } from './state.ts';
import { recordUserTenant } from './userTenants.ts';

// Members and cohorts, as a university's admin runs them. Enrolling a student claims the
// enrolment item under the student in the same write as the cohort's event (DESIGN.md §4):
// that item is what stamps each later event of the student with its cohorts.

export type MemberView = Exclude<Member, { status: 'NONE' }> & { readonly id: string };
export type CohortView = Extract<Cohort, { status: 'ACTIVE' | 'ARCHIVED' }> & { readonly id: string };

/** Who a new member is in the identity provider: in AWS the Cognito user's `sub`, created first. */
export interface Identities {
  /** The user id for an email, creating the user when there is none (idempotent by email). */
  userFor(tenantId: TenantId, email: string, name: string): Promise<string>;
  /** Deletes the user and what the provider holds of it (email, name): an erased student. Done if already gone. */
  forget(tenantId: TenantId, userId: string): Promise<void>;
}

/** A member as the views list it (roles and status; no personal data), for the admin's list of members. */
export interface RosterEntry {
  readonly memberId: string;
  readonly roles: readonly string[];
  readonly status: string;
}

/** The tenant's members as the views have them (they may lag the store by about a second), in id order. */
export type Roster = (tenantId: TenantId) => Promise<readonly RosterEntry[]>;

const tenantOf = (caller: Caller): TenantId => {
  if (caller.tenantId === null) throw apiError('FORBIDDEN', 'the operator acts on tenants, not inside one');
  return caller.tenantId;
};

/** The member decider's checks of an invitation (email, name, roles), run before anything is created. */
export const checkInvitation = (invitation: { email: string; name: string; roles: string[] }, now: string): void => {
  memberDecider.decide({ type: 'InviteMember', ...invitation }, memberDecider.initialState, {
    now,
    memberId: 'usr_unchecked',
  });
};

export class People {
  constructor(
    private readonly store: EventStore,
    private readonly commands: Commands,
    private readonly identities: Identities,
    private readonly now: () => string,
    private readonly roster: Roster = async () => [],
  ) {}

  async member(caller: Caller, id: string): Promise<MemberView | null> {
    if (caller.tenantId === null) return null;
    const state = await stateOf(this.store, streamRef(caller.tenantId, 'Member', id), memberDecider);
    return state.status === 'NONE' ? null : { ...state, id };
  }

  async cohort(caller: Caller, id: string): Promise<CohortView | null> {
    if (caller.tenantId === null || !id.startsWith('coh_')) return null;
    const state = await stateOf(this.store, streamRef(caller.tenantId, 'Cohort', id), cohortDecider);
    return state.status === 'NONE' ? null : { ...state, id };
  }

  async invite(
    caller: Caller,
    input: { email: string; name: string; role: string; idempotencyKey?: string | null | undefined },
  ): Promise<MemberView> {
    const tenantId = tenantOf(caller);
    // before the identity provider creates (and emails) a user: input the member's decider
    // refuses, or a university that may not write, creates no one
    checkInvitation({ email: input.email, name: input.name, roles: [input.role] }, this.now());
    await this.commands.writable(caller);
    const id = await this.identities.userFor(tenantId, input.email, input.name);
    // the user's university on the control plane's map (what its tokens' tenant_id comes
    // from), before its member stream: a user another university holds is refused here
    await recordUserTenant(this.store, id, tenantId);
    const command: MemberCommand = { type: 'InviteMember', email: input.email, name: input.name, roles: [input.role] };
    const result = await this.commands.send({
      caller,
      stream: { type: 'Member', id },
      decider: memberDecider,
      command,
      context: () => ({ now: this.now(), memberId: id }),
      idempotencyKey: input.idempotencyKey,
    });
    if (result.state.status === 'NONE') throw new Error(`member ${id} folds to nothing after an invitation`);
    return { ...result.state, id };
  }

  /** The ids of the tenant's active members (of one role, if given), in id order, from the views. */
  async memberIds(caller: Caller, role?: string | null): Promise<string[]> {
    if (caller.tenantId === null) return [];
    const entries = await this.roster(caller.tenantId);
    return entries.filter((m) => m.status === 'ACTIVE' && (!role || m.roles.includes(role))).map((m) => m.memberId);
  }

  /**
   * Removes a member: its tokens stop working once the Authenticator's cache of its roles
   * expires (60 s). An admin cannot remove itself, so a university never loses its last admin
   * by accident (another admin must do it).
   */
  remove(
    caller: Caller,
    input: { memberId: string; reason?: string | null | undefined; idempotencyKey?: string | null | undefined },
  ): Promise<MemberView> {
    if (input.memberId === caller.userId) {
      throw apiError('BAD_USER_INPUT', 'memberId: you cannot remove yourself; another admin of the university can', {
        field: 'memberId',
      });
    }
    return this.memberCommand(
      caller,
      input.memberId,
      { type: 'RemoveMember', ...(input.reason && { reason: input.reason }) },
      input.idempotencyKey,
    );
  }

  /**
   * Erases a student's personal data at its request (DESIGN.md §8): the membership ends as
   * {@link remove} ends it, `MemberDataErased` records which admin erased it, then the student's
   * data key is destroyed, so every personal field it ever wrote (its name and email, its
   * contacts, its interviews) reads as erased everywhere at once; ids, statuses and counts stay.
   * The identity provider's user (its email and name: Cognito in AWS) is deleted last. The record
   * comes first, and the key and the user are destroyed on every call, so a retry after a crash
   * between the steps — with the same idempotency key or another — finishes the erasure.
   */
  async eraseStudent(
    caller: Caller,
    input: { studentId: string; idempotencyKey?: string | null | undefined },
  ): Promise<MemberView> {
    const tenantId = tenantOf(caller);
    if (input.studentId === caller.userId) {
      const message = 'studentId: you cannot erase your own data; another admin of the university can';
      throw apiError('BAD_USER_INPUT', message, { field: 'studentId' });
    }
    const command = { type: 'EraseMemberData', erasedBy: caller.userId } as const;
    const member = await this.memberCommand(caller, input.studentId, command, input.idempotencyKey);
    await this.store.eraseSubject(tenantId, input.studentId);
    // last, its sign-in: the identity provider's user holds its email and name too
    await this.identities.forget(tenantId, input.studentId);
    return member;
  }

  /** Replaces a member's roles; an admin keeps its own TENANT_ADMIN role (another admin can take it away). */
  changeRoles(
    caller: Caller,
    input: { memberId: string; roles: readonly string[]; idempotencyKey?: string | null | undefined },
  ): Promise<MemberView> {
    if (input.memberId === caller.userId && !input.roles.includes('TENANT_ADMIN')) {
      throw apiError(
        'BAD_USER_INPUT',
        'roles: you cannot drop your own TENANT_ADMIN role; another admin of the university can',
        { field: 'roles' },
      );
    }
    return this.memberCommand(
      caller,
      input.memberId,
      { type: 'ChangeMemberRoles', roles: input.roles },
      input.idempotencyKey,
    );
  }

  private async memberCommand(
    caller: Caller,
    id: string,
    command: Extract<MemberCommand, { type: 'RemoveMember' | 'ChangeMemberRoles' | 'EraseMemberData' }>,
    idempotencyKey: string | null | undefined,
  ): Promise<MemberView> {
    const erasing = command.type === 'EraseMemberData';
    const result = await this.commands.send({
      caller,
      stream: { type: 'Member', id },
      decider: memberDecider,
      command,
      // another tenant's member is no stream here: it answers as one that does not exist, before
      // a repeated key could tell otherwise (and a member who is no student, to an erasure)
      authorize: (state) => {
        if (state.status === 'NONE' || (erasing && !state.roles.includes('STUDENT'))) {
          const [what, field] = erasing ? ['student', 'studentId'] : ['member', 'memberId'];
          throw apiError('NOT_FOUND', `no ${what} ${id}`, { field });
        }
      },
      context: (state) => {
        if (state.status === 'REMOVED' && command.type === 'ChangeMemberRoles') {
          throw new RuleViolationError('INVALID_TRANSITION', 'this member was removed: invite them again instead');
        }
        if (state.status === 'ERASED' && command.type === 'ChangeMemberRoles') {
          throw new RuleViolationError('INVALID_TRANSITION', "this member's data was erased at their request");
        }
        return { now: this.now(), memberId: id };
      },
      idempotencyKey,
    });
    if (result.state.status === 'NONE') throw new Error(`member ${id} folds to nothing after a command`);
    return { ...result.state, id };
  }

  /** A cohort command: the named member and its enrolment read into the context, the enrolment item kept in step. */
  async cohortCommand(
    caller: Caller,
    cohortId: string | null,
    command: CohortCommand,
    idempotencyKey?: string | null,
  ): Promise<CohortView> {
    const tenantId = tenantOf(caller);
    if (cohortId !== null && !(await this.cohort(caller, cohortId))) {
      throw apiError('NOT_FOUND', `no cohort ${cohortId}`);
    }
    const memberId = 'studentId' in command ? command.studentId : 'coachId' in command ? command.coachId : null;
    // a member of another tenant reads as one that does not exist
    if (memberId !== null && !(await this.member(caller, memberId))) {
      throw apiError('NOT_FOUND', `no member ${memberId}`, { field: 'studentId' in command ? 'studentId' : 'coachId' });
    }
    const result = await this.commands.send({
      caller,
      stream: cohortId === null ? { type: 'Cohort', create: 'coh_' } : { type: 'Cohort', id: cohortId },
      decider: cohortDecider,
      command,
      context: async () => {
        const member = memberId ? await this.member(caller, memberId) : null;
        const enrolled =
          memberId !== null &&
          cohortId !== null &&
          (await this.store.guardsIn(tenantId, 'Enrolments', memberId)).includes(cohortId);
        return {
          now: this.now(),
          member: member && { status: member.status, roles: member.roles },
          enrolled,
        };
      },
      guards: (events: readonly CohortEvent[]) =>
        events.flatMap((e): GuardChange[] =>
          e.type === 'StudentEnrolled' || e.type === 'StudentWithdrawn'
            ? [
                {
                  op: e.type === 'StudentEnrolled' ? 'claim' : 'release',
                  guard: enrolmentGuard(e.data.studentId, cohortId as string),
                  owner: streamRef(tenantId, 'Cohort', cohortId as string),
                },
              ]
            : [],
        ),
      idempotencyKey,
    });
    if (result.state.status === 'NONE') throw new Error(`cohort ${result.id} folds to nothing after a command`);
    return { ...result.state, id: result.id };
  }
}

/** Local identities: a member id derived from the tenant and the email, the same every time. */
export const localIdentities: Identities = {
  async userFor(tenantId, email) {
    const digest = createHash('sha256').update(`${tenantId}\n${email.trim().toLowerCase()}`).digest('hex');
    return `usr_${digest.slice(0, 26).toUpperCase()}`;
  },
  // locally a user is only a digest of its email: nothing is kept to forget
  async forget() {},
};
