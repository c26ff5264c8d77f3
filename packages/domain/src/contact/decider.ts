import { assertNever, type Decider, type Decision } from '@app/core';
import { InvalidInputError, RuleViolationError } from '../errors.ts';
import { MAX_CHARS, normalizeEmail, text } from '../input.ts';
import type { Channel, ContactEvent, ContactSource } from './events.ts';

export type ContactCommand =
  | {
      type: 'AddContact';
      name: string;
      email?: string | null;
      company?: string | null;
      title?: string | null;
      industry?: string | null;
      source: ContactSource;
      referredByContactId?: string;
      referredFromInterviewId?: string;
    }
  | {
      type: 'UpdateContactDetails';
      name?: string;
      email?: string | null;
      company?: string | null;
      title?: string | null;
      industry?: string | null;
    }
  | { type: 'RecordContactPreference'; channel: Channel }
  | { type: 'MarkBooster'; interviewId: string; repliedAfterDays: number }
  | { type: 'ArchiveContact'; reason?: string };

export type Contact =
  | { status: 'NONE' }
  | {
      status: 'ACTIVE' | 'ARCHIVED';
      ownerId: string;
      name: string;
      email: string | null;
      company: string | null;
      title: string | null;
      industry: string | null;
      source: ContactSource;
      referredByContactId: string | null;
      preferredChannel: Channel | null;
      booster: boolean;
    };

export interface ContactContext {
  readonly now: string;
  /** The student acting: a contact belongs to the student who added it. */
  readonly studentId: string;
  /** The contact named as referrer, loaded by the caller: `null` when it does not exist. */
  readonly referrer?: { readonly ownerId: string } | null;
}

const email = (value: string | null | undefined): string | null =>
  value === undefined || value === null || value.trim() === '' ? null : normalizeEmail(value);

const optional = (field: string, value: string | null | undefined, max: number) =>
  value === undefined || value === null || value.trim() === '' ? null : text(field, value, { max });

const add = (command: Extract<ContactCommand, { type: 'AddContact' }>, ctx: ContactContext): ContactEvent => {
  const referredBy = command.referredByContactId ?? null;
  if (command.source === 'REFERRAL' && !referredBy) {
    throw new InvalidInputError('referredByContactId', 'a referral names the contact who referred you');
  }
  if (referredBy && (!ctx.referrer || ctx.referrer.ownerId !== ctx.studentId)) {
    throw new InvalidInputError('referredByContactId', 'no such contact among yours');
  }
  return {
    type: 'ContactAdded',
    data: {
      ownerId: ctx.studentId,
      name: text('name', command.name, { max: MAX_CHARS.name }),
      email: email(command.email),
      company: optional('company', command.company, MAX_CHARS.company),
      title: optional('title', command.title, MAX_CHARS.title),
      industry: optional('industry', command.industry, MAX_CHARS.industry),
      source: referredBy ? 'REFERRAL' : command.source,
      referredByContactId: referredBy,
      referredFromInterviewId: command.referredFromInterviewId ?? null,
    },
    occurredAt: ctx.now,
    subject: ctx.studentId,
  };
};

const decided = (events: ContactEvent[]): Decision<ContactEvent> => ({ events, advice: [] });

export const contactDecider: Decider<Contact, ContactCommand, ContactEvent, ContactContext> = {
  initialState: { status: 'NONE' },
  decide: (command, state, ctx) => {
    if (command.type === 'AddContact') {
      if (state.status !== 'NONE') throw new RuleViolationError('INVALID_TRANSITION', 'this contact already exists');
      return decided([add(command, ctx)]);
    }
    if (state.status === 'NONE') throw new RuleViolationError('INVALID_TRANSITION', 'no such contact');
    if (state.status === 'ARCHIVED' && command.type !== 'MarkBooster') {
      throw new RuleViolationError('INVALID_TRANSITION', 'the contact is archived');
    }
    const event = (e: Omit<ContactEvent, 'occurredAt' | 'subject'>) =>
      decided([{ ...e, occurredAt: ctx.now, subject: state.ownerId } as ContactEvent]);
    switch (command.type) {
      case 'UpdateContactDetails': {
        const data = {
          ...(command.name !== undefined && { name: text('name', command.name, { max: MAX_CHARS.name }) }),
          ...(command.email !== undefined && { email: email(command.email) }),
          ...(command.company !== undefined && { company: optional('company', command.company, MAX_CHARS.company) }),
          ...(command.title !== undefined && { title: optional('title', command.title, MAX_CHARS.title) }),
          ...(command.industry !== undefined && {
            industry: optional('industry', command.industry, MAX_CHARS.industry),
          }),
        };
        const changed = Object.entries(data).filter(([k, v]) => state[k as keyof typeof state] !== v);
        return changed.length === 0
          ? decided([])
          : event({ type: 'ContactDetailsUpdated', data: Object.fromEntries(changed) });
      }
      case 'RecordContactPreference':
        if (state.preferredChannel === command.channel) return decided([]);
        return event({ type: 'ContactPreferenceRecorded', data: { channel: command.channel } });
      case 'MarkBooster':
        if (state.booster) return decided([]);
        return event({
          type: 'ContactMarkedBooster',
          data: { interviewId: command.interviewId, repliedAfterDays: command.repliedAfterDays },
        });
      case 'ArchiveContact':
        return event({
          type: 'ContactArchived',
          data: { reason: optional('reason', command.reason, MAX_CHARS.reason) ?? '' },
        });
      default:
        return assertNever(command);
    }
  },
  evolve: (state, event) => {
    if (event.type === 'ContactAdded') {
      const { referredFromInterviewId: _, ...data } = event.data;
      return { status: 'ACTIVE', ...data, preferredChannel: null, booster: false };
    }
    if (state.status === 'NONE') return state;
    switch (event.type) {
      case 'ContactDetailsUpdated': {
        const defined = Object.entries(event.data).filter(([, value]) => value !== undefined);
        return { ...state, ...(Object.fromEntries(defined) as Partial<typeof state>) };
      }
      case 'ContactPreferenceRecorded':
        return { ...state, preferredChannel: event.data.channel };
      case 'ContactMarkedBooster':
        return { ...state, booster: true };
      case 'ContactArchived':
        return { ...state, status: 'ARCHIVED' };
      default:
        return assertNever(event);
    }
  },
};
