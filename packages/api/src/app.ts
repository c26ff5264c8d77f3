import { tenantDecider } from '@app/domain';
import { type EventStore, streamRef } from '@app/event-store';
import type { Caller } from './auth.ts';
import type { Application, TenantView } from './context.ts';
import { stateOf } from './state.ts';

/** The application functions resolvers call, on the event store (reads of one's own writes come from there). */
export const storeApplication = (store: EventStore): Application => ({
  async tenant(caller: Caller): Promise<TenantView | null> {
    if (caller.tenantId === null) return null;
    const state = await stateOf(store, streamRef(caller.tenantId, 'Tenant', caller.tenantId), tenantDecider);
    return state.status === 'NONE' ? null : { ...state, id: caller.tenantId };
  },
});
