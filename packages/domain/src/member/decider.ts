import { assertNever, type Decider, type Decision } from '@app/core';
import { InvalidInputError, RuleViolationError } from '../errors.ts';
import { MAX_CHARS, normalizeEmail, text } from '../input.ts';
import { MEMBER_ROLES, type MemberEvent, type MemberRole } from './events.ts';

export type MemberCommand =
  | { type: 'InviteMember'; email: string; name: string; roles: readonly string[] }
  | { type: 'ChangeMemberRoles'; roles: readonly string[] }
  | { type: 'RemoveMember'; reason?: string };

export type Member =
  | { status: 'NONE' }
  | { status: 'ACTIVE' | 'REMOVED'; email: string; name: string; roles: readonly MemberRole[] };

export interface MemberContext {
  readonly now: string;
  /** The member's id: the user's token `sub`, which is also the member stream's id and the data subject. */
  readonly memberId: string;
}

const roleList = (raw: readonly string[]): MemberRole[] => {
  if (raw.length === 0) throw new InvalidInputError('roles', 'give at least one role');
  for (const role of raw) {
    if (!(MEMBER_ROLES as readonly string[]).includes(role)) {
      throw new InvalidInputError('roles', `"${role}" is not a member role (${MEMBER_ROLES.join(', ')})`);
    }
  }
  return MEMBER_ROLES.filter((role) => raw.includes(role));
};

const decided = (events: MemberEvent[]): Decision<MemberEvent> => ({ events, advice: [] });

export const memberDecider: Decider<Member, MemberCommand, MemberEvent, MemberContext> = {
  initialState: { status: 'NONE' },
  decide: (command, state, ctx) => {
    const at = { occurredAt: ctx.now, subject: ctx.memberId };
    switch (command.type) {
      case 'InviteMember': {
        const data = {
          email: normalizeEmail(command.email),
          name: text('name', command.name, { max: MAX_CHARS.name }),
          roles: roleList(command.roles),
        };
        if (state.status === 'ACTIVE') {
          if (state.email === data.email) return decided([]); // the same invitation again
          throw new RuleViolationError('INVALID_TRANSITION', 'this member already exists');
        }
        return decided([{ type: 'MemberInvited', data, ...at }]);
      }
      case 'ChangeMemberRoles': {
        if (state.status !== 'ACTIVE') throw new RuleViolationError('INVALID_TRANSITION', 'no such member');
        const roles = roleList(command.roles);
        if (roles.join() === state.roles.join()) return decided([]);
        return decided([{ type: 'MemberRoleChanged', data: { roles }, ...at }]);
      }
      case 'RemoveMember':
        if (state.status === 'REMOVED') return decided([]);
        if (state.status === 'NONE') throw new RuleViolationError('INVALID_TRANSITION', 'no such member');
        return decided([
          { type: 'MemberRemoved', data: { reason: command.reason?.trim().slice(0, 500) ?? '' }, ...at },
        ]);
      default:
        return assertNever(command);
    }
  },
  evolve: (state, event) => {
    switch (event.type) {
      case 'MemberInvited':
        return { status: 'ACTIVE', ...event.data };
      case 'MemberRoleChanged':
        return state.status === 'NONE' ? state : { ...state, roles: event.data.roles };
      case 'MemberRemoved':
        return state.status === 'NONE' ? state : { ...state, status: 'REMOVED' };
      default:
        return assertNever(event);
    }
  },
};
