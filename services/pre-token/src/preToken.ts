import type { MemberRoles } from '@app/api';
import type { TenantId } from '@app/core';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';

// The Cognito Pre Token Generation trigger, event version 2 (DESIGN.md §7): puts the claims the
// API reads into the access token. A member of a university gets `tenant_id` (from the
// `_platform` sub → tenant map) and `roles` (as its member stream has them now, as a JSON
// array); the platform operator — a user in the Cognito group PLATFORM_ADMIN — gets
// `roles: ["PLATFORM_ADMIN"]` and no tenant. Anyone else (never invited, or removed) gets no
// claims at all, and the API refuses its token. A failure to read throws: Cognito then refuses
// the sign-in rather than issue a token without its claims.

/** The Cognito group of the platform's operators. */
export const OPERATOR_GROUP = 'PLATFORM_ADMIN';

export interface PreTokenDeps {
  /** The user's university from the `_platform` map; `null` when it has none. */
  readonly tenantOfUser: (sub: string) => Promise<TenantId | null>;
  /** The roles the member holds now, from its stream; `null` when it is not an active member. */
  readonly memberRoles: MemberRoles;
}

/** The claims added to the access token; `null` for none. */
export type AccessClaims =
  | { readonly tenant_id: TenantId; readonly roles: readonly string[] }
  | { readonly roles: readonly ['PLATFORM_ADMIN'] };

/** The claims for a user: its sub, and the Cognito groups it is in. */
export const claimsFor = async (
  deps: PreTokenDeps,
  sub: string,
  groups: readonly string[],
): Promise<AccessClaims | null> => {
  if (groups.includes(OPERATOR_GROUP)) return { roles: [OPERATOR_GROUP] };
  const tenantId = await deps.tenantOfUser(sub);
  if (tenantId === null) return null;
  const roles = await deps.memberRoles(tenantId, sub);
  if (roles === null || roles.length === 0) return null;
  return { tenant_id: tenantId, roles: [...roles] };
};

/** The trigger: the event back with the access token's claims set (V2 events only). */
export const preTokenGeneration =
  (deps: PreTokenDeps) =>
  async (event: PreTokenGenerationV2TriggerEvent): Promise<PreTokenGenerationV2TriggerEvent> => {
    // a V1 event's response shape cannot reach the access token: a misconfigured trigger must be loud
    if (event.version !== '2')
      throw new Error(`expected a version 2 pre token generation event, got "${event.version}"`);
    if (!String(event.triggerSource).startsWith('TokenGeneration_')) {
      throw new Error(`not a pre token generation event: "${event.triggerSource}"`);
    }
    const sub = event.request.userAttributes.sub;
    if (!sub) throw new Error('the pre token generation event names no user (sub)');
    const claims = await claimsFor(deps, sub, event.request.groupConfiguration?.groupsToOverride ?? []);
    if (claims === null) return event;
    event.response = {
      claimsAndScopeOverrideDetails: {
        ...event.response?.claimsAndScopeOverrideDetails,
        accessTokenGeneration: {
          ...event.response?.claimsAndScopeOverrideDetails?.accessTokenGeneration,
          // V2 takes JSON values (the roles are an array claim); the type says strings only
          claimsToAddOrOverride: claims as unknown as Record<string, string>,
        },
      },
    };
    return event;
  };
