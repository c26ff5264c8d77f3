import { CHANNELS, CONTACT_SOURCES } from '@app/domain';
import { builder } from '../builder.ts';
import { type ContactView, callerOf } from '../context.ts';
import { apiError } from '../errors.ts';
import { Advice } from './advice.ts';

export const ContactSourceEnum = builder.enumType('ContactSource', { values: CONTACT_SOURCES });
export const ChannelEnum = builder.enumType('Channel', { values: CHANNELS });

export const Contact = builder.objectRef<ContactView>('Contact');

builder.node(Contact, {
  id: { resolve: (x) => x.id },
  loadOne: async (id, ctx) =>
    (await ctx.app.contacts.get(callerOf(ctx), id)) ?? Promise.reject(apiError('NOT_FOUND', `no contact ${id}`)),
  description: 'A professional a student knows of or has met: theirs alone.',
  fields: (t) => ({
    name: t.exposeString('name'),
    title: t.exposeString('title', { nullable: true }),
    company: t.exposeString('company', { nullable: true }),
    industry: t.exposeString('industry', { nullable: true }),
    email: t.exposeString('email', { nullable: true }),
    source: t.field({ type: ContactSourceEnum, resolve: (c) => c.source }),
    referredBy: t.field({
      type: Contact,
      nullable: true,
      resolve: (c, _args, ctx) =>
        c.referredByContactId ? ctx.app.contacts.get(callerOf(ctx), c.referredByContactId) : null,
    }),
    preferredChannel: t.exposeString('preferredChannel', { nullable: true }),
    booster: t.exposeBoolean('booster'),
  }),
});

const AddContactInput = builder.inputType('AddContactInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    title: t.string(),
    company: t.string(),
    industry: t.string(),
    email: t.string(),
    source: t.field({ type: ContactSourceEnum, required: true }),
    referredByContactId: t.id(),
    idempotencyKey: t.string(),
  }),
});

const ContactPayload = builder
  .objectRef<{ contact: ContactView; advice: readonly Advice[] }>('ContactPayload')
  .implement({
    fields: (t) => ({
      contact: t.field({ type: Contact, resolve: (p) => p.contact }),
      advice: t.field({ type: [Advice], resolve: (p) => [...p.advice] }),
    }),
  });

builder.mutationField('addContact', (t) =>
  t.field({
    type: ContactPayload,
    authScopes: { role: 'STUDENT' },
    args: { input: t.arg({ type: AddContactInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      ctx.app.contacts.add(callerOf(ctx), {
        ...input,
        referredByContactId: input.referredByContactId === undefined ? undefined : String(input.referredByContactId),
      }),
  }),
);

builder.mutationField('recordContactPreference', (t) =>
  t.field({
    type: ContactPayload,
    description: 'How the professional prefers to be contacted (thank and keep in touch that way).',
    authScopes: { role: 'STUDENT' },
    args: {
      input: t.arg({
        required: true,
        type: builder.inputType('RecordContactPreferenceInput', {
          fields: (f) => ({
            contactId: f.id({ required: true }),
            preferredChannel: f.field({ type: ChannelEnum, required: true }),
            idempotencyKey: f.string(),
          }),
        }),
      }),
    },
    resolve: (_root, { input }, ctx) =>
      ctx.app.contacts.prefer(callerOf(ctx), { ...input, contactId: String(input.contactId) }),
  }),
);
