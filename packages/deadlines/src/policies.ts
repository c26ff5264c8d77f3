import type { TenantId } from '@app/core';
import { type Policy, tenantDecider } from '@app/domain';
import { type EventStore, streamRef } from '@app/event-store';

/** The tenant's policy as its stream says now: what deadlines are counted and decided by. */
export const tenantPolicies =
  (store: EventStore) =>
  async (tenantId: TenantId): Promise<Policy> => {
    const { events } = await store.load(streamRef(tenantId, 'Tenant', tenantId));
    const state = events.reduce((s, e) => tenantDecider.evolve(s, e as never), tenantDecider.initialState);
    if (state.status === 'NONE') throw new Error(`tenant ${tenantId} is not provisioned`);
    return state.policy;
  };
