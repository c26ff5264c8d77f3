import { deciderSpec } from '@app/testing';
import { describe, expect, it } from 'vitest';
import { normalizeEmail } from '../input.ts';
import { memberDecider } from './decider.ts';
import type { MemberEvent } from './events.ts';

const now = '2026-09-01T12:00:00.000Z';
const given = deciderSpec(memberDecider, { now, memberId: 'usr_kim' });
const invited: MemberEvent = {
  type: 'MemberInvited',
  data: { email: 'kim@state.edu', name: 'Kim Lee', roles: ['COACH', 'STUDENT'] },
  occurredAt: now,
  subject: 'usr_kim',
};
const removed: MemberEvent = { type: 'MemberRemoved', data: { reason: 'left' }, occurredAt: now, subject: 'usr_kim' };

describe('the member decider', () => {
  it('invites a member with roles, in a stable order', () => {
    given()
      .when({ type: 'InviteMember', email: ' Kim@State.edu ', name: 'Kim Lee', roles: ['STUDENT', 'COACH'] })
      .then([invited]);
  });

  it('refuses bad roles and emails, naming the field', () => {
    given()
      .when({ type: 'InviteMember', email: 'kim@state.edu', name: 'Kim', roles: [] })
      .thenRejects('BAD_USER_INPUT', { field: 'roles' });
    given()
      .when({ type: 'InviteMember', email: 'kim@state.edu', name: 'Kim', roles: ['PLATFORM_ADMIN'] })
      .thenRejects('BAD_USER_INPUT', { field: 'roles' });
    given()
      .when({ type: 'InviteMember', email: 'kim', name: 'Kim', roles: ['COACH'] })
      .thenRejects('BAD_USER_INPUT', { field: 'email' });
  });

  it('treats the same invitation again as done, and another as a conflict', () => {
    given([invited])
      .when({ type: 'InviteMember', email: 'KIM@state.edu', name: 'Kim Lee', roles: ['COACH'] })
      .thenNothing();
    given([invited])
      .when({ type: 'InviteMember', email: 'other@state.edu', name: 'Kim Lee', roles: ['COACH'] })
      .thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
  });

  it('changes roles and removes; a removed member can be invited again', () => {
    given([invited])
      .when({ type: 'ChangeMemberRoles', roles: ['TENANT_ADMIN'] })
      .then([{ type: 'MemberRoleChanged', data: { roles: ['TENANT_ADMIN'] }, occurredAt: now, subject: 'usr_kim' }]);
    given([invited])
      .when({ type: 'ChangeMemberRoles', roles: ['STUDENT', 'COACH'] })
      .thenNothing();
    given([invited])
      .when({ type: 'RemoveMember', reason: 'left' })
      .then([removed])
      .andState((s) => expect(s.status).toBe('REMOVED'));
    given([invited, removed]).when({ type: 'RemoveMember' }).thenNothing();
    given([invited, removed])
      .when({ type: 'ChangeMemberRoles', roles: ['COACH'] })
      .thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
    given([invited, removed])
      .when({ type: 'InviteMember', email: 'kim@state.edu', name: 'Kim Lee', roles: ['STUDENT'] })
      .then([{ ...invited, data: { ...invited.data, roles: ['STUDENT'] } }]);
  });

  describe("erasing a student's data", () => {
    const erased: MemberEvent = {
      type: 'MemberDataErased',
      data: { erasedBy: 'usr_admin' },
      occurredAt: now,
      subject: 'usr_kim',
    };
    const student: MemberEvent = { ...invited, data: { ...invited.data, roles: ['STUDENT'] } };
    const erase = { type: 'EraseMemberData', erasedBy: 'usr_admin' } as const;

    it('ends the membership and records who erased it; the state keeps no name or email', () => {
      given([student])
        .when(erase)
        .then([{ ...removed, data: { reason: '' } }, erased])
        .andState((s) =>
          expect(s).toEqual({ status: 'ERASED', email: '[erased]', name: '[erased]', roles: ['STUDENT'] }),
        );
      // a student removed before asks later: only the erasure is recorded
      given([student, removed]).when(erase).then([erased]);
    });

    it('erases once, however often asked; nothing personal can be written for the member again', () => {
      given([student, removed, erased]).when(erase).thenNothing();
      given([student, removed, erased]).when({ type: 'RemoveMember' }).thenNothing();
      given([student, removed, erased])
        .when({ type: 'InviteMember', email: 'kim@state.edu', name: 'Kim Lee', roles: ['STUDENT'] })
        .thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
      given([student, removed, erased])
        .when({ type: 'ChangeMemberRoles', roles: ['STUDENT'] })
        .thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
    });

    it("erases only a student's data, of a member that exists", () => {
      given([{ ...invited, data: { ...invited.data, roles: ['COACH'] } }])
        .when(erase)
        .thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
      given().when(erase).thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
    });
  });

  it('compares emails case-folded', () => {
    expect(normalizeEmail(' Ada@Example.EDU ')).toBe('ada@example.edu');
  });
});
