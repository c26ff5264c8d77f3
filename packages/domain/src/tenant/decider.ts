import type { Decider, Decision } from '@app/core';
import { assertNever } from '@app/core';
import { InvalidInputError, RuleViolationError, TenantSuspendedError } from '../errors.ts';
import { MAX_CHARS, text } from '../input.ts';
import {
  changePolicy,
  type Policy,
  PolicyInvalidError,
  type PolicyPreset,
  PRESETS,
  policyErrors,
} from '../policy/policy.ts';
import type { TenantEvent } from './events.ts';

export type TenantCommand =
  | { type: 'ProvisionTenant'; name: string; slug: string; preset?: PolicyPreset; timeZone?: string }
  | { type: 'ChangeTenantPolicy'; changes: Partial<Omit<Policy, 'version'>> }
  | { type: 'SuspendTenant'; reason: string }
  | { type: 'ReactivateTenant'; reason: string };

export type Tenant =
  | { status: 'NONE' }
  | { status: 'ACTIVE' | 'SUSPENDED'; name: string; slug: string; policy: Policy; createdAt: string };

/** The clock, from outside: the domain reads no time of its own. */
export interface TenantContext {
  readonly now: string;
}

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const decided = (events: TenantEvent[]): Decision<TenantEvent> => ({ events, advice: [] });

const provision = (command: Extract<TenantCommand, { type: 'ProvisionTenant' }>, state: Tenant, ctx: TenantContext) => {
  const name = text('name', command.name, { max: MAX_CHARS.name });
  const slug = text('slug', command.slug, { max: MAX_CHARS.slug });
  if (!SLUG.test(slug))
    throw new InvalidInputError('slug', 'must be lowercase letters and digits joined by single dashes');
  if (state.status !== 'NONE') {
    if (state.slug === slug) return decided([]); // provisioning is idempotent by slug
    throw new RuleViolationError('INVALID_TRANSITION', `this tenant is already provisioned as "${state.slug}"`);
  }
  const base = PRESETS[command.preset ?? 'SEED_ARTICLES'];
  const policy: Policy = { ...base, ...(command.timeZone !== undefined && { timeZone: command.timeZone }) };
  const errors = policyErrors(policy);
  if (errors.length > 0) throw new PolicyInvalidError(errors);
  return decided([{ type: 'TenantProvisioned', data: { name, slug, policy }, occurredAt: ctx.now }]);
};

export const tenantDecider: Decider<Tenant, TenantCommand, TenantEvent, TenantContext> = {
  initialState: { status: 'NONE' },
  decide: (command, state, ctx) => {
    if (command.type === 'ProvisionTenant') return provision(command, state, ctx);
    if (state.status === 'NONE') throw new RuleViolationError('INVALID_TRANSITION', 'the tenant is not provisioned');
    switch (command.type) {
      case 'ChangeTenantPolicy': {
        if (state.status === 'SUSPENDED') throw new TenantSuspendedError();
        const policy = changePolicy(state.policy, command.changes);
        const changed = Object.keys(command.changes).filter(
          (key) => JSON.stringify(policy[key as keyof Policy]) !== JSON.stringify(state.policy[key as keyof Policy]),
        );
        if (changed.length === 0) return decided([]);
        return decided([{ type: 'TenantPolicyChanged', data: { policy, changed }, occurredAt: ctx.now }]);
      }
      case 'SuspendTenant':
        if (state.status === 'SUSPENDED') return decided([]);
        return decided([
          {
            type: 'TenantSuspended',
            data: { reason: text('reason', command.reason, { max: MAX_CHARS.reason }) },
            occurredAt: ctx.now,
          },
        ]);
      case 'ReactivateTenant':
        if (state.status === 'ACTIVE') return decided([]);
        return decided([
          {
            type: 'TenantReactivated',
            data: { reason: text('reason', command.reason, { max: MAX_CHARS.reason }) },
            occurredAt: ctx.now,
          },
        ]);
      default:
        return assertNever(command);
    }
  },
  evolve: (state, event) => {
    switch (event.type) {
      case 'TenantProvisioned':
        return { status: 'ACTIVE', ...event.data, createdAt: event.occurredAt };
      case 'TenantPolicyChanged':
        return state.status === 'NONE' ? state : { ...state, policy: event.data.policy };
      case 'TenantSuspended':
        return state.status === 'NONE' ? state : { ...state, status: 'SUSPENDED' };
      case 'TenantReactivated':
        return state.status === 'NONE' ? state : { ...state, status: 'ACTIVE' };
      default:
        return assertNever(event);
    }
  },
};
