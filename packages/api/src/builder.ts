import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { DateTime as LuxonDateTime } from 'luxon';
import type { Role } from './auth.ts';
import type { ApiContext } from './context.ts';
import { apiError } from './errors.ts';

// The one schema builder (STYLE.md: one builder, one file per type, printed SDL).

/** The type an id names, by its prefix; member ids are the token's `sub`, whatever it looks like. */
export const typenameOf = (id: string): string => {
  const prefix = id.slice(0, id.indexOf('_') + 1);
  return { ten_: 'Tenant', coh_: 'Cohort', con_: 'Contact', int_: 'Interview' }[prefix] ?? 'Member';
};

export const builder = new SchemaBuilder<{
  Context: ApiContext;
  AuthScopes: { signedIn: boolean; role: Role; anyRole: readonly Role[] };
  Scalars: {
    DateTime: { Input: string; Output: string };
    Date: { Input: string; Output: string };
  };
  DefaultFieldNullability: false;
}>({
  defaultFieldNullability: false,
  plugins: [ScopeAuthPlugin, RelayPlugin],
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // Ids are the prefixed ids themselves (ten_…, coh_…), not Relay's base64 (DESIGN.md §7).
    encodeGlobalID: (_typename, id) => String(id),
    decodeGlobalID: (globalID) => ({ typename: typenameOf(globalID), id: globalID }),
  },
  scopeAuth: {
    authScopes: (ctx) => ({
      signedIn: !(ctx.caller instanceof Error),
      role: (role) => !(ctx.caller instanceof Error) && ctx.caller.roles.includes(role),
      anyRole: (roles) => !(ctx.caller instanceof Error) && ctx.caller.roles.some((r) => roles.includes(r)),
    }),
    // Not signed in: why (UNAUTHENTICATED); signed in without the role: FORBIDDEN.
    unauthorizedError: (_parent, ctx, info) =>
      ctx.caller instanceof Error
        ? ctx.caller
        : apiError('FORBIDDEN', `your role may not use ${info.parentType.name}.${info.fieldName}`),
  },
});

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

builder.scalarType('DateTime', {
  description: 'An instant, ISO 8601 with an offset (2026-11-22T10:00:00Z); answered in UTC.',
  serialize: (value) => String(value),
  parseValue: (value) => {
    if (typeof value !== 'string' || !ISO_WITH_OFFSET.test(value) || !LuxonDateTime.fromISO(value).isValid) {
      throw apiError('BAD_USER_INPUT', `"${String(value)}" is not an ISO 8601 time with an offset`);
    }
    return new Date(value).toISOString();
  },
});

builder.scalarType('Date', {
  description: 'A calendar date, ISO 8601 (2026-11-22).',
  serialize: (value) => String(value),
  parseValue: (value) => {
    if (
      typeof value !== 'string' ||
      !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
      !LuxonDateTime.fromISO(value, { zone: 'UTC' }).isValid
    ) {
      throw apiError('BAD_USER_INPUT', `"${String(value)}" is not a date (yyyy-mm-dd)`);
    }
    return value;
  },
});

builder.queryType({});
builder.mutationType({});
