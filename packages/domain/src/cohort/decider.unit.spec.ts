import { deciderSpec } from '@app/testing';
import { describe, expect, it } from 'vitest';
import { type CohortContext, cohortDecider } from './decider.ts';
import type { CohortEvent } from './events.ts';

const now = '2026-09-01T12:00:00.000Z';
const ctx: CohortContext = { now };
const given = deciderSpec(cohortDecider, ctx);
const created: CohortEvent = {
  type: 'CohortCreated',
  data: { name: 'Engineering 2027', term: 'Fall 2026' },
  occurredAt: now,
};
const coach = { ...ctx, member: { status: 'ACTIVE', roles: ['COACH'] } } as const;
const student = { ...ctx, member: { status: 'ACTIVE', roles: ['STUDENT'] } } as const;
const enrolled: CohortEvent = { type: 'StudentEnrolled', data: { studentId: 'usr_ada' }, occurredAt: now };

describe('the cohort decider', () => {
  it('creates a cohort, idempotently for the same name and term', () => {
    given().when({ type: 'CreateCohort', name: 'Engineering 2027', term: 'Fall 2026' }).then([created]);
    given([created]).when({ type: 'CreateCohort', name: 'Engineering 2027', term: 'Fall 2026' }).thenNothing();
    given([created])
      .when({ type: 'CreateCohort', name: 'Other' })
      .thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
    given().when({ type: 'CreateCohort', name: ' ' }).thenRejects('BAD_USER_INPUT', { field: 'name' });
  });

  it('assigns only active coaches, once', () => {
    const assigned: CohortEvent = { type: 'CoachAssigned', data: { coachId: 'usr_kim' }, occurredAt: now };
    given([created])
      .when({ type: 'AssignCoach', coachId: 'usr_kim' }, coach)
      .then([assigned])
      .andState((s) => expect(s).toMatchObject({ coaches: ['usr_kim'] }));
    given([created, assigned]).when({ type: 'AssignCoach', coachId: 'usr_kim' }, coach).thenNothing();
    given([created])
      .when({ type: 'AssignCoach', coachId: 'usr_ada' }, student)
      .thenRejects('BAD_USER_INPUT', { field: 'coachId' });
    given([created])
      .when({ type: 'AssignCoach', coachId: 'usr_kim' }, { ...ctx, member: { status: 'REMOVED', roles: ['COACH'] } })
      .thenRejects('BAD_USER_INPUT', { field: 'coachId' });
    given([created])
      .when({ type: 'AssignCoach', coachId: 'usr_x' }, { ...ctx, member: null })
      .thenRejects('BAD_USER_INPUT');
    given([created, assigned])
      .when({ type: 'UnassignCoach', coachId: 'usr_kim' })
      .then([{ type: 'CoachUnassigned', data: { coachId: 'usr_kim' }, occurredAt: now }])
      .andState((s) => expect(s).toMatchObject({ coaches: [] }));
  });

  it('enrols active students (a student may be in several cohorts) and withdraws them, counting', () => {
    given([created])
      .when({ type: 'EnrollStudent', studentId: 'usr_ada' }, { ...student, enrolled: false })
      .then([enrolled])
      .andState((s) => expect(s).toMatchObject({ students: 1 }));
    given([created, enrolled])
      .when({ type: 'EnrollStudent', studentId: 'usr_ada' }, { ...student, enrolled: true })
      .thenNothing();
    given([created])
      .when({ type: 'EnrollStudent', studentId: 'usr_kim' }, coach)
      .thenRejects('BAD_USER_INPUT', { field: 'studentId' });
    given([created, enrolled])
      .when({ type: 'WithdrawStudent', studentId: 'usr_ada' }, { ...ctx, enrolled: true })
      .then([{ type: 'StudentWithdrawn', data: { studentId: 'usr_ada' }, occurredAt: now }])
      .andState((s) => expect(s).toMatchObject({ students: 0 }));
    given([created])
      .when({ type: 'WithdrawStudent', studentId: 'usr_ada' }, { ...ctx, enrolled: false })
      .thenNothing();
  });

  it('refuses changes to an archived cohort', () => {
    const archived: CohortEvent = { type: 'CohortArchived', data: { reason: '' }, occurredAt: now };
    given([created]).when({ type: 'ArchiveCohort' }).then([archived]);
    given([created, archived]).when({ type: 'ArchiveCohort' }).thenNothing();
    given([created, archived])
      .when({ type: 'EnrollStudent', studentId: 'usr_ada' }, student)
      .thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
  });
});
