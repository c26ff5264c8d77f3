import { isAppError, PLATFORM, parseTenantId, type TenantId } from '@app/core';
import { type EventStore, type GuardChange, guard, parseStreamId, streamRef, streamType } from '@app/event-store';
import { apiError } from './errors.ts';

// The control plane's map of users to their university (DESIGN.md §7, §8): which tenant a
// user's `sub` belongs to, read by the Cognito pre-token-generation trigger to put `tenant_id`
// into the user's access token. A user belongs to one university.
//
// Two guard items under `_platform`, claimed together in one transaction and owned by the
// tenant's control-plane stream (`_platform#Tenant#<tenantId>`, as the slug guard is):
// - `UserTenant/<sub>` (pk `_platform#Guard#UserTenant#<sub>`): one per user, so a second
//   university claiming the same user is refused by DynamoDB's condition, not by a read;
// - `TenantOfUser` under the partition `<sub>` with the tenant id as its value (pk
//   `_platform#TenantOfUser#<sub>`): what `tenantOfUser` reads (one query) — written only
//   with the first, so there is never more than one.
// Recording is idempotent: a retry, or a second invitation of the same user by the same
// university, finds the map already its own.

const USER_TENANT = 'UserTenant';
const TENANT_OF_USER = 'TenantOfUser';

/** The guard changes that record `sub → tenantId` (both claims, all or nothing). */
export const userTenantClaims = (sub: string, tenantId: TenantId): GuardChange[] => {
  const owner = streamRef(PLATFORM, 'Tenant', tenantId);
  return [
    { op: 'claim', guard: guard(USER_TENANT, sub), owner },
    {
      op: 'claim',
      guard: { kind: streamType(TENANT_OF_USER), value: parseStreamId(tenantId), partition: parseStreamId(sub) },
      owner,
    },
  ];
};

/** The tenant a user belongs to, from the map; `null` for a user no university has invited (or an id no user can have). */
export const tenantOfUser =
  (store: EventStore) =>
  async (sub: string): Promise<TenantId | null> => {
    try {
      parseStreamId(sub);
    } catch (error) {
      if (isAppError(error, 'INVALID_ID')) return null;
      throw error;
    }
    const [tenantId] = await store.guardsIn(PLATFORM, TENANT_OF_USER, sub);
    return tenantId === undefined ? null : parseTenantId(tenantId);
  };

/**
 * Records that `sub` belongs to `tenantId`: done already is done (idempotent); a user another
 * university holds is a CONFLICT (field `email`: the invitation names the user by its email).
 */
export const recordUserTenant = async (store: EventStore, sub: string, tenantId: TenantId): Promise<void> => {
  const holder = tenantOfUser(store);
  if ((await holder(sub)) === tenantId) return;
  try {
    await store.appendMany([], userTenantClaims(sub, tenantId));
  } catch (error) {
    // taken (or a concurrent claim): whoever holds it now decides
    if (!isAppError(error, 'GUARD_TAKEN') && !isAppError(error, 'CONCURRENCY')) throw error;
    const held = await holder(sub);
    if (held === tenantId) return; // a concurrent retry of this same invitation recorded it
    if (held === null) throw error; // not recorded by anyone: let the caller retry
    throw apiError('CONFLICT', 'email: this person already belongs to another university', { field: 'email' });
  }
};
