import { deciderSpec } from '@app/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, PRESETS } from '../policy/policy.ts';
import { tenantDecider } from './decider.ts';
import type { TenantEvent } from './events.ts';

const now = '2026-09-01T12:00:00.000Z';
const given = deciderSpec(tenantDecider, { now });
const provisioned: TenantEvent = {
  type: 'TenantProvisioned',
  data: { name: 'State University', slug: 'state-u', policy: DEFAULT_POLICY },
  occurredAt: now,
};
const suspended: TenantEvent = { type: 'TenantSuspended', data: { reason: 'contract ended' }, occurredAt: now };

describe('the tenant decider', () => {
  it('provisions a tenant with the default preset', () => {
    given()
      .when({ type: 'ProvisionTenant', name: ' State University ', slug: 'state-u' })
      .then([provisioned])
      .andState((state) => expect(state).toMatchObject({ status: 'ACTIVE', slug: 'state-u', createdAt: now }));
  });

  it('provisions from the 2-Hour Job Search preset in the university’s zone', () => {
    given()
      .when({
        type: 'ProvisionTenant',
        name: 'Tech',
        slug: 'tech',
        preset: 'TWO_HOUR_JOB_SEARCH',
        timeZone: 'America/Chicago',
      })
      .then([
        {
          type: 'TenantProvisioned',
          data: { name: 'Tech', slug: 'tech', policy: { ...PRESETS.TWO_HOUR_JOB_SEARCH, timeZone: 'America/Chicago' } },
          occurredAt: now,
        },
      ]);
  });

  it('is idempotent by slug, and refuses another slug on a provisioned tenant', () => {
    given([provisioned]).when({ type: 'ProvisionTenant', name: 'State University', slug: 'state-u' }).thenNothing();
    given([provisioned])
      .when({ type: 'ProvisionTenant', name: 'Other', slug: 'other' })
      .thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
  });

  it('refuses a bad name, slug or zone, naming the field', () => {
    given().when({ type: 'ProvisionTenant', name: '  ', slug: 'x' }).thenRejects('BAD_USER_INPUT', { field: 'name' });
    given()
      .when({ type: 'ProvisionTenant', name: 'X', slug: 'State U' })
      .thenRejects('BAD_USER_INPUT', { field: 'slug' });
    given()
      .when({ type: 'ProvisionTenant', name: 'X', slug: 'x', timeZone: 'Moon/Base' })
      .thenRejects('BAD_USER_INPUT', { field: 'timeZone' });
  });

  it('changes the policy, bumping its version and listing what changed', () => {
    given([provisioned])
      .when({ type: 'ChangeTenantPolicy', changes: { followUpAfterDays: 10, maxFollowUps: 1 } })
      .then([
        {
          type: 'TenantPolicyChanged',
          data: { policy: { ...DEFAULT_POLICY, followUpAfterDays: 10, version: 2 }, changed: ['followUpAfterDays'] },
          occurredAt: now,
        },
      ]);
    given([provisioned])
      .when({ type: 'ChangeTenantPolicy', changes: { maxFollowUps: 1 } })
      .thenNothing();
    given([provisioned])
      .when({ type: 'ChangeTenantPolicy', changes: { minQuestions: 20 } })
      .thenRejects('BAD_USER_INPUT', { field: 'minQuestions' });
  });

  it('suspends and reactivates; a suspended tenant cannot change its policy', () => {
    given([provisioned])
      .when({ type: 'SuspendTenant', reason: 'contract ended' })
      .then([suspended])
      .andState((state) => expect(state.status).toBe('SUSPENDED'));
    given([provisioned, suspended]).when({ type: 'SuspendTenant', reason: 'again' }).thenNothing();
    given([provisioned, suspended])
      .when({ type: 'ChangeTenantPolicy', changes: { followUpAfterDays: 5 } })
      .thenRejects('FORBIDDEN', { reason: 'TENANT_SUSPENDED' });
    given([provisioned, suspended])
      .when({ type: 'ReactivateTenant', reason: 'renewed' })
      .then([{ type: 'TenantReactivated', data: { reason: 'renewed' }, occurredAt: now }])
      .andState((state) => expect(state.status).toBe('ACTIVE'));
    given([provisioned]).when({ type: 'ReactivateTenant', reason: 'x' }).thenNothing();
  });

  it('refuses anything but provisioning before the tenant exists', () => {
    given().when({ type: 'SuspendTenant', reason: 'x' }).thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
  });
});
