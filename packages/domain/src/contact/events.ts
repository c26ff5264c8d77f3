import { defineEvent, type EventOf, personal } from '@app/core';
import * as z from 'zod';

/**
 * Where contacts come from (the API's `ContactSource`), in the order the articles rank them
 * (RULES.md "Contacts"): personal connections, alumni, referrals, LinkedIn, local
 * professionals and associations, cold outreach.
 */
export const CONTACT_SOURCES = [
  'PROFESSOR',
  'FRIEND',
  'FAMILY',
  'CLASSMATE',
  'COLLEAGUE',
  'ALUMNI',
  'REFERRAL',
  'LINKEDIN',
  'LOCAL_PROFESSIONAL',
  'COLD',
  'OTHER',
] as const;
export type ContactSource = (typeof CONTACT_SOURCES)[number];

/** The rank RULES.md gives each source: 1 (a personal connection) is the warmest, 6 (cold) the coldest. */
export const SOURCE_RANK: Readonly<Record<ContactSource, number>> = {
  PROFESSOR: 1,
  FRIEND: 1,
  FAMILY: 1,
  CLASSMATE: 1,
  COLLEAGUE: 1,
  ALUMNI: 2,
  REFERRAL: 3,
  LINKEDIN: 4,
  LOCAL_PROFESSIONAL: 5,
  COLD: 6,
  OTHER: 6,
};

/** How a message travels (the API's `Channel`). */
export const CHANNELS = [
  'EMAIL',
  'LINKEDIN',
  'PHONE',
  'LETTER',
  'IN_PERSON',
  'HANDWRITTEN_NOTE',
  'TEXT_MESSAGE',
  'INSTANT_MESSAGE',
  'OTHER',
] as const;
export type Channel = (typeof CHANNELS)[number];

/** A contact's organization: its company, compared case-folded with spacing collapsed (`null` without one). */
export const organizationOf = (company: string | null | undefined): string | null => {
  const folded = company?.normalize('NFKC').toLocaleLowerCase('en').replace(/\s+/g, ' ').trim();
  return folded ? folded : null;
};

export const ContactAdded = defineEvent('ContactAdded', {
  schema: z.strictObject({
    ownerId: z.string(),
    name: personal(z.string().min(1).max(200)),
    email: personal(z.string().max(254)).nullable(),
    company: z.string().min(1).max(200).nullable(),
    title: personal(z.string().max(200)).nullable(),
    industry: z.string().max(200).nullable(),
    source: z.enum(CONTACT_SOURCES),
    referredByContactId: z.string().nullable(),
    referredFromInterviewId: z.string().nullable(),
  }),
});
export const ContactDetailsUpdated = defineEvent('ContactDetailsUpdated', {
  schema: z.strictObject({
    name: personal(z.string().min(1).max(200)).optional(),
    email: personal(z.string().max(254)).nullable().optional(),
    company: z.string().min(1).max(200).nullable().optional(),
    title: personal(z.string().max(200)).nullable().optional(),
    industry: z.string().max(200).nullable().optional(),
  }),
});
export const ContactPreferenceRecorded = defineEvent('ContactPreferenceRecorded', {
  schema: z.strictObject({ channel: z.enum(CHANNELS) }),
});
export const ContactMarkedBooster = defineEvent('ContactMarkedBooster', {
  schema: z.strictObject({ interviewId: z.string(), repliedAfterDays: z.number().nonnegative() }),
});
export const ContactArchived = defineEvent('ContactArchived', {
  // the student's own words about a person: personal, like every text a student writes
  schema: z.strictObject({ reason: personal(z.string().max(500)) }),
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
