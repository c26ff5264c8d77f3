import type { TenantId, VersionedEvent } from '@app/core';
import { type MemberEvent, memberDecider } from '@app/domain';
import { type EventStore, streamRef } from '@app/event-store';
import type { MemberRoles, Role } from './auth.ts';

/**
 * The roles a member holds now, folded from its own stream (the source of truth a token's
 * claims are checked against); `null` for a user who never joined the tenant or was removed.
 */
export const memberRolesFrom =
  (store: EventStore): MemberRoles =>
  async (tenantId: TenantId, userId: string): Promise<readonly Role[] | null> => {
    const { events } = await store.load(streamRef(tenantId, 'Member', userId));
    const state = events.reduce(
      (s, e) => memberDecider.evolve(s, e as unknown as VersionedEvent<MemberEvent>),
      memberDecider.initialState,
    );
    return state.status === 'ACTIVE' ? [...state.roles] : null;
  };
