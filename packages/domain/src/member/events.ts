import { defineEvent, type EventOf, personal } from '@app/core';
import * as z from 'zod';

/** The roles a member of a tenant can hold (the platform operator is no tenant's member). */
export const MEMBER_ROLES = ['TENANT_ADMIN', 'COACH', 'STUDENT'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

const roles = z.array(z.enum(MEMBER_ROLES)).min(1).readonly();

export const MemberInvited = defineEvent('MemberInvited', {
  schema: z.strictObject({ email: personal(z.string().max(254)), name: personal(z.string().min(1).max(200)), roles }),
});
export const MemberRoleChanged = defineEvent('MemberRoleChanged', { schema: z.strictObject({ roles }) });
export const MemberRemoved = defineEvent('MemberRemoved', { schema: z.strictObject({ reason: z.string().max(500) }) });

export const MEMBER_EVENTS = [MemberInvited, MemberRoleChanged, MemberRemoved];

export type MemberEvent = (
  | EventOf<typeof MemberInvited>
  | EventOf<typeof MemberRoleChanged>
  | EventOf<typeof MemberRemoved>
) & {
  readonly occurredAt: string;
  readonly subject?: string;
};
