import { defineEvent, type EventOf, personal } from '@app/core';
import { z } from 'zod';

/** Where contacts come from, in the order the articles rank them (RULES.md "Contacts"). */
export const CONTACT_SOURCES = ['PERSONAL', 'ALUMNI', 'REFERRAL', 'LINKEDIN', 'ASSOCIATION', 'COLD'] as const;
export type ContactSource = (typeof CONTACT_SOURCES)[number];

export const CHANNELS = [
  'EMAIL',
  'PHONE',
  'LINKEDIN',
  'VIDEO_CALL',
  'IN_PERSON',
  'TEXT_MESSAGE',
  'INSTANT_MESSAGE',
] as const;
export type Channel = (typeof CHANNELS)[number];

export const ContactAdded = defineEvent('ContactAdded', {
  schema: z.strictObject({
    ownerId: z.string(),
    name: personal(z.string().min(1).max(200)),
    email: personal(z.string().max(254)).nullable(),
    company: z.string().min(1).max(200),
    title: personal(z.string().max(200)).nullable(),
    source: z.enum(CONTACT_SOURCES),
    referredByContactId: z.string().nullable(),
    referredFromInterviewId: z.string().nullable(),
  }),
});
export const ContactDetailsUpdated = defineEvent('ContactDetailsUpdated', {
  schema: z.strictObject({
    name: personal(z.string().min(1).max(200)).optional(),
    email: personal(z.string().max(254)).nullable().optional(),
    company: z.string().min(1).max(200).optional(),
    title: personal(z.string().max(200)).nullable().optional(),
  }),
});
export const ContactPreferenceRecorded = defineEvent('ContactPreferenceRecorded', {
  schema: z.strictObject({ channel: z.enum(CHANNELS) }),
});
export const ContactMarkedBooster = defineEvent('ContactMarkedBooster', {
  schema: z.strictObject({ interviewId: z.string(), repliedAfterDays: z.number().nonnegative() }),
});
export const ContactArchived = defineEvent('ContactArchived', {
  schema: z.strictObject({ reason: z.string().max(500) }),
});

export const CONTACT_EVENTS = [
  ContactAdded,
  ContactDetailsUpdated,
  ContactPreferenceRecorded,
  ContactMarkedBooster,
  ContactArchived,
];

export type ContactEvent = (
  | EventOf<typeof ContactAdded>
  | EventOf<typeof ContactDetailsUpdated>
  | EventOf<typeof ContactPreferenceRecorded>
  | EventOf<typeof ContactMarkedBooster>
  | EventOf<typeof ContactArchived>
) & { readonly occurredAt: string; readonly subject?: string };
