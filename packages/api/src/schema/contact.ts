import { CHANNELS, CONTACT_SOURCES } from '@app/domain';
import type { InputFieldMap, InputShapeFromFields } from '@pothos/core';
import { builder } from '../builder.ts';
import { type Application, type ContactView, callerOf } from '../context.ts';
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
    referrals: t.field({
      type: [Contact],
      description: 'The contacts this one led the student to (the referral graph, from views: it may lag a second).',
      resolve: async (c, _args, ctx) => {
        const caller = callerOf(ctx);
        const ids = await ctx.app.lists.referredIds(caller, c);
        return (await Promise.all(ids.map((id) => ctx.app.contacts.get(caller, id)))).filter(
          (x): x is ContactView => x !== null,
        );
      },
    }),
    preferredChannel: t.exposeString('preferredChannel', { nullable: true }),
    booster: t.exposeBoolean('booster'),
    archived: t.boolean({ resolve: (c) => c.status === 'ARCHIVED' }),
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

/** A mutation for a student's command on one of its contacts: its input's own fields, and the command they make. */
const contactMutation = <F extends InputFieldMap>(
  name: string,
  description: string,
  inputName: string,
  fields: (f: Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0]) => F,
  command: (input: InputShapeFromFields<F>) => Parameters<Application['contacts']['send']>[2],
) => {
  const Input = builder.inputType(inputName, {
    fields: (f) => ({ contactId: f.id({ required: true }), ...fields(f), idempotencyKey: f.string() }),
  });
  builder.mutationField(name, (t) =>
    t.field({
      type: ContactPayload,
      description,
      authScopes: { role: 'STUDENT' },
      args: { input: t.arg({ type: Input, required: true }) },
      resolve: (_root, args, ctx) => {
        // what the input type above declares: its own fields, the contact and the idempotency key
        const input = (
          args as unknown as {
            input: { contactId: string | number; idempotencyKey?: string | null } & InputShapeFromFields<F>;
          }
        ).input;
        return ctx.app.contacts.send(callerOf(ctx), String(input.contactId), command(input), input.idempotencyKey);
      },
    }),
  );
};

contactMutation(
  'recordContactPreference',
  'How the professional prefers to be contacted (thank and keep in touch that way).',
  'RecordContactPreferenceInput',
  (f) => ({ preferredChannel: f.field({ type: ChannelEnum, required: true }) }),
  (input) => ({ type: 'RecordContactPreference', channel: input.preferredChannel }),
);

contactMutation(
  'updateContactDetails',
  'Corrects or completes what the student knows of the professional; a field left out stays, `null` clears it.',
  'UpdateContactDetailsInput',
  (f) => ({ name: f.string(), title: f.string(), company: f.string(), industry: f.string(), email: f.string() }),
  (input) => ({
    type: 'UpdateContactDetails',
    ...(input.name !== undefined && input.name !== null && { name: input.name }),
    ...(input.title !== undefined && { title: input.title }),
    ...(input.company !== undefined && { company: input.company }),
    ...(input.industry !== undefined && { industry: input.industry }),
    ...(input.email !== undefined && { email: input.email }),
  }),
);

contactMutation(
  'archiveContact',
  'Puts a contact away (it stays in the history of its interviews).',
  'ArchiveContactInput',
  (f) => ({ reason: f.string() }),
  (input) => ({ type: 'ArchiveContact', ...(input.reason && { reason: input.reason }) }),
);
