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
/** An admin's reason for a removal is words about a person: sealed under the member's key, erased with it. */
export const MemberRemoved = defineEvent('MemberRemoved', {
  schema: z.strictObject({ reason: personal(z.string().max(500)) }),
});
/**
 * The audit record of an erasure at the student's request (its data key is destroyed next). Ids
 * only, and no free text: a reason written here would outlive the erasure in plain text.
 */
export const MemberDataErased = defineEvent('MemberDataErased', {
  schema: z.strictObject({ erasedBy: z.string().min(1).max(128) }),
});

export const MEMBER_EVENTS = [MemberInvited, MemberRoleChanged, MemberRemoved, MemberDataErased];

export type MemberEvent = (
  | EventOf<typeof MemberInvited>
  | EventOf<typeof MemberRoleChanged>
  | EventOf<typeof MemberRemoved>
  | EventOf<typeof MemberDataErased>
) & {
  readonly occurredAt: string;
  readonly subject?: string;
};
