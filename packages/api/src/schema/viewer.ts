import { ROLES } from '../auth.ts';
import { builder } from '../builder.ts';
import { callerOf } from '../context.ts';
import { Tenant } from './tenant.ts';

export const Role = builder.enumType('Role', { values: ROLES });

const Viewer = builder.objectRef<{ userId: string; roles: readonly (typeof ROLES)[number][] }>('Viewer').implement({
  description: 'Who is calling: the user id (the token `sub`), its roles, and its tenant.',
  fields: (t) => ({
    userId: t.exposeID('userId'),
    roles: t.field({ type: [Role], resolve: (v) => [...v.roles] }),
    tenant: t.field({
      type: Tenant,
      nullable: true,
      resolve: (_v, _args, ctx) => ctx.app.tenant(callerOf(ctx)),
    }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({
    type: Viewer,
    authScopes: { signedIn: true },
    resolve: (_root, _args, ctx) => {
      const caller = callerOf(ctx);
      return { userId: caller.userId, roles: caller.roles };
    },
  }),
);
