import { assertNever, type Decider, type Decision, ERASED } from '@app/core';
import { InvalidInputError, RuleViolationError } from '../errors.ts';
import { MAX_CHARS, normalizeEmail, text } from '../input.ts';
import { MEMBER_ROLES, type MemberEvent, type MemberRole } from './events.ts';

export type MemberCommand =
  | { type: 'InviteMember'; email: string; name: string; roles: readonly string[] }
  | { type: 'ChangeMemberRoles'; roles: readonly string[] }
  | { type: 'RemoveMember'; reason?: string }
  /** A student's request to erase its data, carried out by an admin (`erasedBy`); the data key goes next. */
  | { type: 'EraseMemberData'; erasedBy: string };

/** ERASED: removed, and its personal data destroyed at its request (its name and email read as erased). */
export type Member =
  | { status: 'NONE' }
  | { status: 'ACTIVE' | 'REMOVED' | 'ERASED'; email: string; name: string; roles: readonly MemberRole[] };

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
        if (state.status === 'ERASED') {
          // nothing personal can be stored under an erased subject again (its key is gone)
          throw new RuleViolationError(
            'INVALID_TRANSITION',
            "this person's data was erased at their request: they cannot be invited again under the same sign-in",
          );
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
        if (state.status === 'REMOVED' || state.status === 'ERASED') return decided([]);
        if (state.status === 'NONE') throw new RuleViolationError('INVALID_TRANSITION', 'no such member');
        return decided([
          { type: 'MemberRemoved', data: { reason: command.reason?.trim().slice(0, 500) ?? '' }, ...at },
        ]);
      case 'EraseMemberData': {
        // erased already: done (the caller destroys the key again, harmlessly, finishing a crashed attempt)
        if (state.status === 'ERASED') return decided([]);
        if (state.status === 'NONE') throw new RuleViolationError('INVALID_TRANSITION', 'no such member');
        if (!state.roles.includes('STUDENT')) {
          throw new RuleViolationError('INVALID_TRANSITION', "only a student's data is erased this way");
        }
        // erasure ends the membership as a removal does (its sign-in stops working), then records who erased it
        const removal: MemberEvent[] =
          state.status === 'ACTIVE' ? [{ type: 'MemberRemoved', data: { reason: '' }, ...at }] : [];
        return decided([...removal, { type: 'MemberDataErased', data: { erasedBy: command.erasedBy }, ...at }]);
      }
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
        return state.status === 'NONE' || state.status === 'ERASED' ? state : { ...state, status: 'REMOVED' };
      case 'MemberDataErased':
        // what was folded before is dropped too, so no state after the erasure holds the name or email
        return state.status === 'NONE' ? state : { ...state, status: 'ERASED', email: ERASED, name: ERASED };
      default:
        return assertNever(event);
    }
  },
};
