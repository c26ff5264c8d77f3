import { POLICY_NUMBER_FIELDS, type Policy } from '@app/domain';
import { builder } from '../builder.ts';
import { page } from '../connections.ts';
import { callerOf, type TenantView } from '../context.ts';
import { apiError } from '../errors.ts';
import type { MemberView } from '../people.ts';
import { connection } from './connection.ts';
import { Member } from './people.ts';

const PolicyPreset = builder.enumType('PolicyPreset', { values: ['SEED_ARTICLES', 'TWO_HOUR_JOB_SEARCH'] as const });
const DayCounting = builder.enumType('DayCounting', { values: ['CALENDAR', 'BUSINESS'] as const });
const TenantStatus = builder.enumType('TenantStatus', { values: ['ACTIVE', 'SUSPENDED'] as const });

/** The policy's whole-number settings, as the domain lists them. */
const INT_FIELDS = POLICY_NUMBER_FIELDS;

const TenantPolicy = builder.objectRef<Policy>('TenantPolicy').implement({
  description: "The rules a university runs its students' networking by (RULES.md defaults, or a preset).",
  fields: (t) => ({
    preset: t.field({ type: PolicyPreset, resolve: (p) => p.preset }),
    version: t.exposeInt('version'),
    dayCounting: t.field({ type: DayCounting, resolve: (p) => p.dayCounting }),
    timeZone: t.exposeString('timeZone'),
    holidays: t.field({ type: ['Date'], resolve: (p) => [...p.holidays] }),
    secondContactAfterDays: t.int({ nullable: true, resolve: (p) => p.secondContactAfterDays }),
    ...Object.fromEntries(INT_FIELDS.map((name) => [name, t.exposeInt(name)])),
  }),
});

export const Tenant = builder.objectRef<TenantView>('Tenant');

builder.node(Tenant, {
  id: { resolve: (x) => x.id },
  loadOne: async (id, ctx) => {
    const caller = callerOf(ctx);
    // the operator reads any tenant; anyone else only their own
    const tenant = caller.roles.includes('PLATFORM_ADMIN')
      ? await ctx.app.tenants.get(id)
      : await ctx.app.tenant(caller);
    return tenant?.id === id ? tenant : Promise.reject(apiError('NOT_FOUND', `no tenant ${id}`));
  },
  description: 'A university.',
  fields: (t) => ({
    name: t.exposeString('name'),
    slug: t.exposeString('slug'),
    status: t.field({ type: TenantStatus, resolve: (x) => x.status }),
    policy: t.field({ type: TenantPolicy, resolve: (x) => x.policy }),
    createdAt: t.field({ type: 'DateTime', resolve: (x) => x.createdAt }),
  }),
});

builder.queryField('tenant', (t) =>
  t.field({
    type: Tenant,
    description: "The caller's own university.",
    authScopes: { anyRole: ['TENANT_ADMIN', 'COACH', 'STUDENT'] },
    resolve: async (_root, _args, ctx) => {
      const tenant = await ctx.app.tenant(callerOf(ctx));
      if (!tenant) throw apiError('NOT_FOUND', 'this university is not provisioned');
      return tenant;
    },
  }),
);

builder.queryField('tenants', (t) =>
  t.field({
    type: connection('Tenant', Tenant),
    description: 'The universities on the platform, for the operator.',
    authScopes: { role: 'PLATFORM_ADMIN' },
    args: { first: t.arg.int(), after: t.arg.string() },
    resolve: async (_root, args, ctx) => page(await ctx.app.tenants.list(), args, (id) => ctx.app.tenants.get(id)),
  }),
);

const ProvisionTenantPayload = builder
  .objectRef<{ tenant: TenantView; admin: MemberView }>('ProvisionTenantPayload')
  .implement({
    fields: (t) => ({
      tenant: t.field({ type: Tenant, resolve: (p) => p.tenant }),
      admin: t.field({ type: Member, resolve: (p) => p.admin }),
    }),
  });

builder.mutationField('provisionTenant', (t) =>
  t.field({
    type: ProvisionTenantPayload,
    authScopes: { role: 'PLATFORM_ADMIN' },
    args: {
      input: t.arg({
        required: true,
        type: builder.inputType('ProvisionTenantInput', {
          fields: (f) => ({
            name: f.string({ required: true }),
            slug: f.string({ required: true }),
            adminEmail: f.string({ required: true }),
            adminName: f.string({ required: true }),
            idempotencyKey: f.string(),
          }),
        }),
      }),
    },
    resolve: (_root, { input }, ctx) => ctx.app.tenants.provision(callerOf(ctx), input),
  }),
);

const TenantPolicyInput = builder.inputType('TenantPolicyInput', {
  fields: (f) => ({
    preset: f.field({ type: PolicyPreset }),
    dayCounting: f.field({ type: DayCounting }),
    timeZone: f.string(),
    holidays: f.field({ type: ['Date'] }),
    secondContactAfterDays: f.int(),
    ...Object.fromEntries(INT_FIELDS.map((name) => [name, f.int()])),
  }),
});

const UpdateTenantPolicyPayload = builder.objectRef<{ tenant: TenantView }>('UpdateTenantPolicyPayload').implement({
  fields: (t) => ({ tenant: t.field({ type: Tenant, resolve: (p) => p.tenant }) }),
});

builder.mutationField('updateTenantPolicy', (t) =>
  t.field({
    type: UpdateTenantPolicyPayload,
    authScopes: { role: 'TENANT_ADMIN' },
    args: {
      input: t.arg({
        required: true,
        type: builder.inputType('UpdateTenantPolicyInput', {
          fields: (f) => ({ policy: f.field({ type: TenantPolicyInput, required: true }), idempotencyKey: f.string() }),
        }),
      }),
    },
    resolve: async (_root, { input }, ctx) => {
      const caller = callerOf(ctx);
      if (caller.tenantId === null) throw apiError('FORBIDDEN', 'the operator changes no university’s policy');
      // only what was given changes; `null` for a nullable setting clears it
      const changes = Object.fromEntries(Object.entries(input.policy).filter(([, v]) => v !== undefined));
      return {
        tenant: await ctx.app.tenants.changePolicy(
          { ...caller, tenantId: caller.tenantId },
          changes as Partial<Omit<Policy, 'version'>>,
          input.idempotencyKey,
        ),
      };
    },
  }),
);

const TenantPayload = builder.objectRef<{ tenant: TenantView }>('TenantPayload').implement({
  fields: (t) => ({ tenant: t.field({ type: Tenant, resolve: (p) => p.tenant }) }),
});

/** The operator's suspend or reactivate: a university by its id, NOT_FOUND when there is none. */
const tenantStatusMutation = (name: string, inputName: string, suspend: boolean, description: string) =>
  builder.mutationField(name, (t) =>
    t.field({
      type: TenantPayload,
      description,
      authScopes: { role: 'PLATFORM_ADMIN' },
      args: {
        input: t.arg({
          required: true,
          type: builder.inputType(inputName, {
            fields: (f) => ({
              tenantId: f.id({ required: true }),
              reason: f.string({ required: suspend }),
              idempotencyKey: f.string(),
            }),
          }),
        }),
      },
      resolve: async (_root, { input }, ctx) => ({
        tenant: await ctx.app.tenants.setStatus(callerOf(ctx), {
          tenantId: String(input.tenantId),
          suspend,
          reason: input.reason as string | null | undefined,
          idempotencyKey: input.idempotencyKey as string | null | undefined,
        }),
      }),
    }),
  );

tenantStatusMutation(
  'suspendTenant',
  'SuspendTenantInput',
  true,
  'Suspends a university: its members can still read, but every write answers FORBIDDEN (reason TENANT_SUSPENDED) until it is reactivated.',
);
tenantStatusMutation(
  'reactivateTenant',
  'ReactivateTenantInput',
  false,
  "Reactivates a suspended university's writes.",
);
