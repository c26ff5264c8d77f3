import { defineEvent, type EventOf } from '@app/core';
import * as z from 'zod';

const policy = z.object({
  preset: z.enum(['SEED_ARTICLES', 'TWO_HOUR_JOB_SEARCH']),
  version: z.number().int().positive(),
  dayCounting: z.enum(['CALENDAR', 'BUSINESS']),
  timeZone: z.string(),
  holidays: z.array(z.string()).readonly(),
  topics: z.enum(['BASIC', 'TIARA']),
  secondContactAfterDays: z.number().int().nullable(),
  followUpAfterDays: z.number().int(),
  maxFollowUps: z.number().int(),
  minQuestions: z.number().int(),
  maxQuestions: z.number().int(),
  minMeetingMinutes: z.number().int(),
  maxMeetingMinutes: z.number().int(),
  thankYouWithinHours: z.number().int(),
  keepInTouchEveryDays: z.number().int(),
  prepReminderHours: z.number().int(),
  commitmentDefaultDays: z.number().int(),
  notesWithinHours: z.number().int(),
  maxOutreachWords: z.number().int(),
  minProposedTimes: z.number().int(),
  meetingWithinDays: z.number().int(),
  maxOpenRequestsPerContact: z.number().int(),
});

export const TenantProvisioned = defineEvent('TenantProvisioned', {
  schema: z.strictObject({ name: z.string().min(1).max(200), slug: z.string().min(1).max(40), policy }),
});
export const TenantPolicyChanged = defineEvent('TenantPolicyChanged', {
  schema: z.strictObject({ policy, changed: z.array(z.string()) }),
});
export const TenantSuspended = defineEvent('TenantSuspended', {
  schema: z.strictObject({ reason: z.string().max(500) }),
});
export const TenantReactivated = defineEvent('TenantReactivated', {
  schema: z.strictObject({ reason: z.string().max(500) }),
});

export const TENANT_EVENTS = [TenantProvisioned, TenantPolicyChanged, TenantSuspended, TenantReactivated];

export type TenantEvent = (
  | EventOf<typeof TenantProvisioned>
  | EventOf<typeof TenantPolicyChanged>
  | EventOf<typeof TenantSuspended>
  | EventOf<typeof TenantReactivated>
) & { readonly occurredAt: string };
