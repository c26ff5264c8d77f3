import type { TenantId } from '@app/core';
import { memberDecider } from '@app/domain';
import { type EventStore, streamRef } from '@app/event-store';
import type { MemberRoles, Role } from './auth.ts';
import { stateOf } from './state.ts';

/**
 * The roles a member holds now, folded from its own stream (the source of truth a token's
 * claims are checked against); `null` for a user who never joined the tenant or was removed.
 */
export const memberRolesFrom =
  (store: EventStore): MemberRoles =>
  async (tenantId: TenantId, userId: string): Promise<readonly Role[] | null> => {
    const state = await stateOf(store, streamRef(tenantId, 'Member', userId), memberDecider);
    return state.status === 'ACTIVE' ? [...state.roles] : null;
  };
