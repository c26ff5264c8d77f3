import { assertNever, type Decider, type Decision } from '@app/core';
import { InvalidInputError, RuleViolationError } from '../errors.ts';
import { MAX_CHARS, text } from '../input.ts';
import type { Member } from '../member/decider.ts';
import type { MemberRole } from '../member/events.ts';
import type { CohortEvent } from './events.ts';

export type CohortCommand =
  | { type: 'CreateCohort'; name: string; term?: string }
  | { type: 'AssignCoach'; coachId: string }
  | { type: 'UnassignCoach'; coachId: string }
  | { type: 'EnrollStudent'; studentId: string }
  | { type: 'WithdrawStudent'; studentId: string }
  | { type: 'ArchiveCohort'; reason?: string };

/**
 * A cohort keeps its coaches and a count of students; whether a given student is enrolled is
 * an enrolment item kept under the student (DESIGN.md §4), read by the caller into the context,
 * so a cohort of 10,000 students stays small.
 */
export type Cohort =
  | { status: 'NONE' }
  | { status: 'ACTIVE' | 'ARCHIVED'; name: string; term: string | null; coaches: readonly string[]; students: number };

export interface CohortContext {
  readonly now: string;
  /** The member the command names (coach or student), as the caller found it; `null` when there is none. */
  readonly member?: {
    readonly status: Exclude<Member['status'], 'NONE'>;
    readonly roles: readonly MemberRole[];
  } | null;
  /** Whether the named student is enrolled in this cohort now (from the enrolment item). */
  readonly enrolled?: boolean;
}

const decided = (events: CohortEvent[]): Decision<CohortEvent> => ({ events, advice: [] });

const requireMember = (ctx: CohortContext, role: MemberRole, field: string) => {
  if (ctx.member?.status !== 'ACTIVE' || !ctx.member.roles.includes(role)) {
    throw new InvalidInputError(field, `no active member with the ${role} role has this id`);
  }
};

export const cohortDecider: Decider<Cohort, CohortCommand, CohortEvent, CohortContext> = {
  initialState: { status: 'NONE' },
  decide: (command, state, ctx) => {
    const at = { occurredAt: ctx.now };
    if (command.type === 'CreateCohort') {
      const name = text('name', command.name, { max: MAX_CHARS.name });
      const term = command.term?.trim() ? text('term', command.term, { max: MAX_CHARS.term }) : null;
      if (state.status !== 'NONE') {
        if (state.name === name && state.term === term) return decided([]);
        throw new RuleViolationError('INVALID_TRANSITION', 'this cohort already exists');
      }
      return decided([{ type: 'CohortCreated', data: { name, term }, ...at }]);
    }
    if (state.status === 'NONE') throw new RuleViolationError('INVALID_TRANSITION', 'no such cohort');
    if (state.status === 'ARCHIVED') {
      if (command.type === 'ArchiveCohort') return decided([]);
      throw new RuleViolationError('INVALID_TRANSITION', 'the cohort is archived');
    }
    switch (command.type) {
      case 'AssignCoach':
        requireMember(ctx, 'COACH', 'coachId');
        if (state.coaches.includes(command.coachId)) return decided([]);
        return decided([{ type: 'CoachAssigned', data: { coachId: command.coachId }, ...at }]);
      case 'UnassignCoach':
        if (!state.coaches.includes(command.coachId)) return decided([]);
        return decided([{ type: 'CoachUnassigned', data: { coachId: command.coachId }, ...at }]);
      case 'EnrollStudent':
        requireMember(ctx, 'STUDENT', 'studentId');
        if (ctx.enrolled) return decided([]);
        return decided([{ type: 'StudentEnrolled', data: { studentId: command.studentId }, ...at }]);
      case 'WithdrawStudent':
        if (!ctx.enrolled) return decided([]);
        return decided([{ type: 'StudentWithdrawn', data: { studentId: command.studentId }, ...at }]);
      case 'ArchiveCohort':
        return decided([
          { type: 'CohortArchived', data: { reason: command.reason?.trim().slice(0, 500) ?? '' }, ...at },
        ]);
      default:
        return assertNever(command);
    }
  },
  evolve: (state, event) => {
    if (event.type === 'CohortCreated') return { status: 'ACTIVE', ...event.data, coaches: [], students: 0 };
    if (state.status === 'NONE') return state;
    switch (event.type) {
      case 'CoachAssigned':
        return { ...state, coaches: [...state.coaches, event.data.coachId] };
      case 'CoachUnassigned':
        return { ...state, coaches: state.coaches.filter((id) => id !== event.data.coachId) };
      case 'StudentEnrolled':
        return { ...state, students: state.students + 1 };
      case 'StudentWithdrawn':
        return { ...state, students: Math.max(0, state.students - 1) };
      case 'CohortArchived':
        return { ...state, status: 'ARCHIVED' };
      default:
        return assertNever(event);
    }
  },
};
